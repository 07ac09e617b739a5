// The delivery harness behaves like the Functions host over the real SDK: order per session, complete/abandon, DLQ.
import { describe, expect, it } from "vitest";
import type { InvocationContext } from "@azure/functions";
import { createDeliveryHarness } from "./deliveryHarness.js";
import { useAppServiceBus } from "./useAppServiceBus.js";

const bus = useAppServiceBus();

describe("delivery harness", () => {
  it("with cardinality many: one call per session batch (up to maxBatchSize), array metadata, all abandoned on throw", async () => {
    for (let n = 1; n <= 5; n++) {
      await bus.sender.send(
        "erp-inbound",
        { n },
        { sessionId: "UB", messageId: `b-${n}`, applicationProperties: { n } },
      );
    }
    const calls: { bodies: unknown; meta: Record<string, unknown> }[] = [];
    const harness = createDeliveryHarness({
      connectionString: bus.standIn.connectionString,
      queue: "erp-inbound",
      cardinality: "many",
      maxBatchSize: 3,
      handler: async (bodies: unknown, ctx: InvocationContext) => {
        calls.push({ bodies, meta: ctx.triggerMetadata ?? {} });
        if (calls.length === 1) throw new Error("the first batch fails");
      },
    });
    const r = await harness.drain();
    await harness.stop();
    // 1st call: 1-3 fail (all three abandoned); 2nd: 1-3 again (DeliveryCount 2); 3rd: the remaining 4-5.
    expect(calls.map((c) => c.bodies)).toEqual([
      [{ n: 1 }, { n: 2 }, { n: 3 }],
      [{ n: 1 }, { n: 2 }, { n: 3 }],
      [{ n: 4 }, { n: 5 }],
    ]);
    expect(calls[0]?.meta).toMatchObject({
      messageIdArray: ["b-1", "b-2", "b-3"],
      sessionIdArray: ["UB", "UB", "UB"],
      deliveryCountArray: [1, 1, 1],
      applicationPropertiesArray: [{ n: 1 }, { n: 2 }, { n: 3 }],
    });
    expect(calls[1]?.meta.deliveryCountArray).toEqual([2, 2, 2]);
    expect(r).toMatchObject({ handled: 5, failed: 3 });
    expect(bus.standIn.queue("erp-inbound").activeCount()).toBe(0);
  });

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
    const r = await harness.drain();
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
    const r = await harness.drain();
    await harness.stop();
    expect(r.deliveries.map((d) => [d.deliveryCount, d.outcome])).toEqual([
      [1, "abandoned"],
      [2, "abandoned"],
      [3, "completed"],
    ]);
    expect(bus.standIn.queue("erp-inbound").activeCount()).toBe(0);
    expect(bus.standIn.queue("erp-inbound").deadLetters()).toHaveLength(0);
  });

  it("drains on the broker's counts: a follow-up a handler sends is taken in the same drain, a message scheduled ahead does not hold it", async () => {
    const q = bus.standIn.queue("erp-inbound");
    await bus.sender.send(
      "erp-inbound",
      { later: true },
      { sessionId: "U3", messageId: "h-later", scheduledEnqueueTimeUtc: new Date(Date.now() + 3_600_000) },
    );
    await bus.sender.send("erp-inbound", { step: 1 }, { sessionId: "U3", messageId: "h-4" });
    const seen: unknown[] = [];
    const harness = createDeliveryHarness({
      connectionString: bus.standIn.connectionString,
      queue: "erp-inbound",
      handler: async (body: unknown) => {
        seen.push(body);
        const step = (body as { step?: number }).step;
        // A follow-up in another session, sent while this message is still locked: the drain must not end before it.
        if (step === 1) await bus.sender.send("erp-inbound", { step: 2 }, { sessionId: "U4", messageId: "h-5" });
      },
    });
    const r = await harness.drain();
    await harness.stop();
    expect(r).toMatchObject({ handled: 2, failed: 0 });
    expect(seen).toEqual([{ step: 1 }, { step: 2 }]);
    expect(q.scheduledCount()).toBe(1);
    expect(q.dueCount()).toBe(0);
  });

  it("with awaitScheduled, waits for a copy scheduled moments ahead to fall due and handles it", async () => {
    const q = bus.standIn.queue("msgraph-pull");
    await bus.sender.send(
      "msgraph-pull",
      { soon: true },
      { sessionId: "U5", messageId: "h-soon", scheduledEnqueueTimeUtc: new Date(Date.now() + 200) },
    );
    const seen: unknown[] = [];
    const harness = createDeliveryHarness({
      connectionString: bus.standIn.connectionString,
      queue: "msgraph-pull",
      handler: async (body: unknown) => void seen.push(body),
    });
    const r = await harness.drain({ awaitScheduled: true });
    await harness.stop();
    expect(r).toMatchObject({ handled: 1, failed: 0 });
    expect(seen).toEqual([{ soon: true }]);
    expect(q.scheduledCount()).toBe(0);
  });
});
