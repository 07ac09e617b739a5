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

beforeAll(async () => {
  bus = await startServiceBusStandIn({ queues: [{ name: "q", requiresSession: true, maxDeliveryCount: 5 }] });
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
});
