// The delivery harness behaves like the Functions host over the real SDK: order per session, complete/abandon, DLQ.
import { describe, expect, it } from "vitest";
import type { InvocationContext } from "@azure/functions";
import { createDeliveryHarness } from "./deliveryHarness.js";
import { useAppServiceBus } from "./useAppServiceBus.js";

const bus = useAppServiceBus();

describe("delivery harness", () => {
  it("hands the host's body and triggerMetadata to the handler and completes on success", async () => {
    await bus.sender.send("erp-inbound", { hello: "world" }, { sessionId: "U1", messageId: "h-1" });
    await bus.sender.send("erp-inbound", "plain text, not JSON", { sessionId: "U1", messageId: "h-2" });
    const seen: { body: unknown; meta: Record<string, unknown> }[] = [];
    const harness = createDeliveryHarness({
      connectionString: bus.standIn.connectionString,
      queue: "erp-inbound",
      handler: async (body: unknown, ctx: InvocationContext) => {
        seen.push({ body, meta: ctx.triggerMetadata ?? {} });
      },
    });
    const r = await harness.drain({ idleMs: 500 });
    await harness.stop();
    expect(r).toMatchObject({ handled: 2, failed: 0 });
    expect(seen.map((s) => s.body)).toEqual([{ hello: "world" }, "plain text, not JSON"]);
    expect(seen[0]?.meta).toMatchObject({ messageId: "h-1", sessionId: "U1", deliveryCount: 1 });
    expect(Date.parse(String(seen[0]?.meta.enqueuedTimeUtc))).toBeGreaterThan(Date.now() - 60_000);
    expect(bus.standIn.queue("erp-inbound").activeCount()).toBe(0);
  });

  it("abandons on throw, so the broker redelivers with a higher deliveryCount", async () => {
    await bus.sender.send("erp-inbound", { n: 1 }, { sessionId: "U2", messageId: "h-3" });
    let calls = 0;
    const harness = createDeliveryHarness({
      connectionString: bus.standIn.connectionString,
      queue: "erp-inbound",
      handler: async () => {
        if (++calls < 3) throw new Error("not yet");
      },
    });
    const r = await harness.drain({ idleMs: 500 });
    await harness.stop();
    expect(r.deliveries.map((d) => [d.deliveryCount, d.outcome])).toEqual([
      [1, "abandoned"],
      [2, "abandoned"],
      [3, "completed"],
    ]);
    expect(bus.standIn.queue("erp-inbound").activeCount()).toBe(0);
    expect(bus.standIn.queue("erp-inbound").deadLetters()).toHaveLength(0);
  });
});
