// The local host's session trigger against the stand-in with the real SDK: sessions in parallel, order within a
// session, complete on return, abandon (redelivery with DeliveryCount + 1) on throw.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceBusClient } from "@azure/service-bus";
import { startSessionTrigger, type SessionTrigger } from "../../../sandbox/host/serviceBusTrigger.js";
import { startServiceBusStandIn, type ServiceBusStandIn } from "../../servicebus/index.js";
import { waitFor } from "../waitFor.js";

let bus: ServiceBusStandIn;
let client: ServiceBusClient;
let trigger: SessionTrigger | undefined;
const seen: { body: unknown; sessionId: unknown; deliveryCount: unknown }[] = [];
let failFirst = true;
let batchTrigger: SessionTrigger | undefined;
const batches: { bodies: unknown; meta: Record<string, unknown> }[] = [];

beforeAll(async () => {
  bus = await startServiceBusStandIn({
    queues: [
      { name: "q", requiresSession: true, maxDeliveryCount: 5 },
      { name: "qb", requiresSession: true, maxDeliveryCount: 5 },
    ],
  });
  client = new ServiceBusClient(bus.connectionString);
  trigger = startSessionTrigger({
    functionName: "f",
    connectionString: bus.connectionString,
    queue: "q",
    autoComplete: true,
    settings: {
      maxConcurrentSessions: 4,
      maxAutoLockRenewalDurationMs: 60_000,
      sessionIdleTimeoutMs: 30_000,
      autoCompleteMessages: true,
    },
    log: () => undefined,
    handler: async (body, context) => {
      seen.push({
        body,
        sessionId: context.triggerMetadata?.sessionId,
        deliveryCount: context.triggerMetadata?.deliveryCount,
      });
      if (body === "boom" && failFirst) {
        failFirst = false;
        throw new Error("first delivery fails");
      }
    },
  });
});

afterAll(async () => {
  await batchTrigger?.stop();
  await trigger?.stop();
  await client?.close();
  await bus?.stop();
});

describe("startSessionTrigger", () => {
  it("takes two sessions that get messages at the same moment, each in order, JSON bodies parsed", async () => {
    const sender = client.createSender("q");
    await sender.sendMessages([
      { body: Buffer.from('{"n":1}'), sessionId: "A" },
      { body: Buffer.from('{"n":1}'), sessionId: "B" },
      { body: Buffer.from('{"n":2}'), sessionId: "A" },
    ]);
    await waitFor(() => seen.length >= 3, "three deliveries");
    expect(seen.filter((s) => s.sessionId === "A").map((s) => s.body)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(seen.filter((s) => s.sessionId === "B").map((s) => s.body)).toEqual([{ n: 1 }]);
    await waitFor(() => bus.queue("q").activeCount() === 0, "all completed");
    await sender.close();
  });

  it("abandons a message whose handler throws: redelivered with DeliveryCount 2, then completed", async () => {
    const sender = client.createSender("q");
    await sender.sendMessages({ body: "boom", sessionId: "C" });
    await waitFor(() => seen.filter((s) => s.body === "boom").length === 2, "redelivery");
    expect(seen.filter((s) => s.body === "boom").map((s) => s.deliveryCount)).toEqual([1, 2]);
    await waitFor(() => bus.queue("q").activeCount() === 0, "completed");
    await sender.close();
  });

  it("with cardinality many: a session's waiting messages in one call, bodies and metadata as arrays; abandoned together", async () => {
    batchTrigger = startSessionTrigger({
      functionName: "fb",
      connectionString: bus.connectionString,
      queue: "qb",
      autoComplete: true,
      cardinality: "many",
      settings: {
        maxConcurrentSessions: 1,
        maxAutoLockRenewalDurationMs: 60_000,
        sessionIdleTimeoutMs: 30_000,
        autoCompleteMessages: true,
        maxMessageBatchSize: 10,
      },
      log: () => undefined,
      handler: async (bodies, context) => {
        batches.push({ bodies, meta: context.triggerMetadata ?? {} });
        if (batches.length === 1) throw new Error("first batch fails");
      },
    });
    const sender = client.createSender("qb");
    // Sent in one call before the trigger can take the session: they wait together.
    await sender.sendMessages([1, 2, 3].map((n) => ({ body: Buffer.from(`{"n":${n}}`), sessionId: "S" })));
    await waitFor(() => bus.queue("qb").activeCount() === 0 && batches.length >= 2, "batch handled after redelivery");
    expect(batches[0]!.bodies).toEqual(expect.arrayContaining([{ n: 1 }]));
    expect(batches.flatMap((b) => b.bodies as unknown[]).filter((x) => (x as { n: number }).n === 1)).toHaveLength(2);
    expect(Array.isArray(batches[0]!.meta.messageIdArray)).toBe(true);
    expect(batches[0]!.meta.sessionIdArray).toEqual((batches[0]!.bodies as unknown[]).map(() => "S"));
    expect(batches[1]!.meta.deliveryCountArray).toEqual((batches[1]!.bodies as unknown[]).map(() => 2));
    await sender.close();
  });
});
