// The pull worker: registered as a session-enabled trigger on %PULL_QUEUE%; routes by source; sets aside what it can't use;
// reschedules a request after a Retry-After.
import { describe, expect, inject, it, vi } from "vitest";
import type { InvocationContext } from "@azure/functions";
import { runPullWorker } from "../../functions/pullWorker.js";
import { createRejectedStore } from "../../shared/adapters/servicebus/rejectedStore.js";
import type { PullHandlers } from "../../shared/app/dispatchPull.js";
import { TransientError } from "../../shared/domain/errors.js";
import type { PullMessage } from "../../shared/domain/messages/pullMessage.js";
import { createDeliveryHarness, type DrainOptions } from "../harness/deliveryHarness.js";
import type { Registration } from "../harness/captureRegistrations.js";
import { useAppServiceBus } from "../harness/useAppServiceBus.js";

const registrations = vi.hoisted(() => [] as Registration[]);
vi.mock("@azure/functions", async (importOriginal) =>
  (await import("../harness/captureRegistrations.js")).mockFunctionsApp(importOriginal, registrations, [
    "serviceBusQueue",
  ]),
);

const QUEUE = "msgraph-pull";
const rejected = createRejectedStore({ connectionString: inject("storageConnectionString"), tablePrefix: "pullwk" });
const bus = useAppServiceBus();

const drainWith = async (handlers: PullHandlers, options?: DrainOptions) => {
  const h = createDeliveryHarness({
    connectionString: bus.standIn.connectionString,
    queue: QUEUE,
    handler: (message: unknown, context: InvocationContext) =>
      runPullWorker(message, context, { queue: QUEUE, handlers, rejected, reschedule: bus.sender }),
  });
  const r = await h.drain(options);
  await h.stop();
  return r;
};

describe("pull worker", () => {
  it("is registered on the pull queue from settings, sessions on, one message per call, connection by setting name", () => {
    expect(registrations).toEqual([
      {
        name: "pullWorker",
        options: expect.objectContaining({
          connection: "SERVICEBUS_CONNECTION",
          queueName: "%PULL_QUEUE%",
          isSessionsEnabled: true,
          cardinality: "one",
          handler: expect.any(Function),
        }),
      },
    ]);
  });

  it("routes each source to its handler with the typed message", async () => {
    const msgs: PullMessage[] = [
      { source: "MSEVENT", subscriptionId: "sub-e", user: "ANN", changeType: "updated" },
      { source: "RESYNC", user: "ANN", reason: "nightly" },
      { source: "MSTASK", subscriptionId: "sub-t", user: "ANN" },
    ];
    for (const [i, m] of msgs.entries()) await bus.sender.send(QUEUE, m, { sessionId: "ANN", messageId: `route-${i}` });
    const seen: string[] = [];
    const r = await drainWith({
      MSEVENT: async (m) => void seen.push(`event ${m.subscriptionId} ${m.changeType}`),
      MSTASK: async (m) => void seen.push(`task ${m.subscriptionId}`),
      RESYNC: async (m, ctx) => void seen.push(`resync ${m.reason} #${ctx.delivery.deliveryCount}`),
    });
    expect(r).toMatchObject({ handled: 3, failed: 0 });
    expect(seen).toEqual(["event sub-e updated", "resync nightly #1", "task sub-t"]);
  });

  it("sets aside a source without a handler and an invalid request, once each, naming the field", async () => {
    await bus.sender.send(
      QUEUE,
      { source: "LIFECYCLE", subscriptionId: "s", user: "BEN", lifecycleEvent: "missed" },
      { sessionId: "BEN", messageId: "lc-1" },
    );
    await bus.sender.send(QUEUE, { source: "MSEVENT", user: "BEN" }, { sessionId: "BEN", messageId: "bad-1" });
    const r = await drainWith({ MSEVENT: async () => undefined });
    expect(r.deliveries.map((d) => [d.messageId, d.deliveryCount, d.outcome])).toEqual([
      ["lc-1", 1, "completed"],
      ["bad-1", 1, "completed"],
    ]);
    const rows = await rejected.list({ queue: QUEUE });
    expect(rows.find((x) => x.messageId === "lc-1")).toMatchObject({
      code: "unhandled-kind",
      reason: "source LIFECYCLE is not handled by this version",
    });
    expect(rows.find((x) => x.messageId === "bad-1")).toMatchObject({
      code: "invalid-message",
      reason: "subscriptionId: required",
    });
  });

  it("reschedules a request whose handler hit a Retry-After, and a transient failure without one is redelivered", async () => {
    const m: PullMessage = { source: "MSEVENT", subscriptionId: "sub-r", user: "CAL", changeType: "created" };
    await bus.sender.send(QUEUE, m, { sessionId: "CAL", messageId: "pull-rs" });
    await bus.sender.send(
      QUEUE,
      { source: "RESYNC", user: "DAN", reason: "nightly" },
      { sessionId: "DAN", messageId: "pull-tr" },
    );
    let events = 0;
    let resyncs = 0;
    const handlers: PullHandlers = {
      MSEVENT: async () => {
        if (++events === 1) throw new TransientError("graph.429", "throttled", { retryAfterMs: 300 });
      },
      RESYNC: async () => {
        if (++resyncs === 1) throw new TransientError("graph.503", "unavailable");
      },
    };
    const r = await drainWith(handlers, { awaitScheduled: true }); // the copy is due 300 ms after it was sent
    expect(
      r.deliveries
        .filter((d) => d.sessionId === "CAL")
        .map((d) => [d.messageId, d.deliveryCount, d.outcome, (d.body as { source?: string }).source]),
    ).toEqual([
      ["pull-rs", 1, "completed", "MSEVENT"],
      ["pull-rs-r1", 1, "completed", "MSEVENT"],
    ]);
    expect(
      r.deliveries.filter((d) => d.sessionId === "DAN").map((d) => [d.messageId, d.deliveryCount, d.outcome]),
    ).toEqual([
      ["pull-tr", 1, "abandoned"],
      ["pull-tr", 2, "completed"],
    ]);
    const copy = bus.standIn
      .queue(QUEUE)
      .messages()
      .find((x) => x.messageId === "pull-rs-r1");
    expect(copy).toMatchObject({ sessionId: "CAL", bodyJson: m, state: "completed" });
    expect(bus.standIn.queue(QUEUE).deadLetters()).toEqual([]);
  });
});
