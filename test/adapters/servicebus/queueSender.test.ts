// The sender against the AMQP stand-in with the real SDK: sessions, idempotent MessageIds, scheduling, batched fan-out.
import { describe, expect, it } from "vitest";
import { ServiceBusClient } from "@azure/service-bus";
import { pullMessageId } from "../../../shared/domain/messages/messageIds.js";
import { createDeliveryHarness } from "../../harness/deliveryHarness.js";
import { useAppServiceBus } from "../../harness/useAppServiceBus.js";
import { TestClock } from "../../servicebus/clock.js";

// Scheduled visibility runs on this clock (30 s locks and the 10 min dedupe window never come near in this file).
const clock = new TestClock();
const bus = useAppServiceBus({ clock });

const collect = async (queue: string) => {
  const bodies: unknown[] = [];
  const h = createDeliveryHarness({
    connectionString: bus.standIn.connectionString,
    queue,
    handler: async (body) => {
      bodies.push(body);
    },
  });
  await h.drain();
  await h.stop();
  return bodies;
};

describe("queue sender", () => {
  it("sends the body as UTF-8 JSON bytes with SessionId and MessageId", async () => {
    await bus.sender.send(
      "msgraph-pull",
      { source: "RESYNC", user: "JSMITH" },
      { sessionId: "JSMITH", messageId: "m-json" },
    );
    const stored = bus.standIn
      .queue("msgraph-pull")
      .messages()
      .find((m) => m.messageId === "m-json");
    expect(stored?.sessionId).toBe("JSMITH");
    expect(stored?.body.toString("utf8")).toBe('{"source":"RESYNC","user":"JSMITH"}');
    expect(await collect("msgraph-pull")).toEqual([{ source: "RESYNC", user: "JSMITH" }]);
  });

  it("drops a duplicate MessageId within the detection window (a re-send of the same content)", async () => {
    const msg = { source: "RESYNC", user: "DUP" } as const;
    const id = pullMessageId(msg, "2026-11-30");
    const before = bus.standIn.queue("msgraph-pull").duplicateCount();
    await bus.sender.send("msgraph-pull", msg, { sessionId: "DUP", messageId: id });
    await bus.sender.send("msgraph-pull", msg, { sessionId: "DUP", messageId: id });
    await bus.sender.send("msgraph-pull", msg, { sessionId: "DUP", messageId: pullMessageId(msg, "2026-12-01") });
    expect(bus.standIn.queue("msgraph-pull").duplicateCount() - before).toBe(1);
    expect(await collect("msgraph-pull")).toHaveLength(2);
  });

  it("keeps a scheduled message invisible until it is due", async () => {
    const due = new Date(clock.now() + 2_500);
    await bus.sender.send(
      "erp-inbound",
      { n: "later" },
      { sessionId: "SCHED", messageId: "m-sched", scheduledEnqueueTimeUtc: due },
    );
    expect(bus.standIn.queue("erp-inbound").scheduledCount()).toBe(1);
    expect(await collect("erp-inbound")).toEqual([]);
    clock.advance(2_499);
    expect(await collect("erp-inbound")).toEqual([]);
    clock.advance(1);
    expect(await collect("erp-inbound")).toEqual([{ n: "later" }]);
    expect(bus.standIn.queue("erp-inbound").scheduledCount()).toBe(0);
  });

  it("fans out 1,000 messages in a few batched transfers", async () => {
    const q = bus.standIn.queue("msgraph-pull");
    const [transfers0, enq0] = [q.transferCount(), q.enqueuedCount()];
    const messages = Array.from({ length: 1000 }, (_, i) => {
      const body = { source: "RESYNC" as const, user: `U${String(i).padStart(4, "0")}`, reason: "nightly" as const };
      return { body, sessionId: body.user, messageId: pullMessageId(body, "2026-11-30") };
    });
    const r = await bus.sender.sendBatch("msgraph-pull", messages);
    expect(r.sent).toBe(1000);
    expect(q.enqueuedCount() - enq0).toBe(1000);
    expect(q.transferCount() - transfers0).toBe(r.batches);
    expect(r.batches).toBeLessThanOrEqual(5);
    expect(q.batchTransferCount()).toBeGreaterThanOrEqual(r.batches);
    // A second run of the same fan-out (e.g. the timer fired twice) is dropped by duplicate detection.
    await bus.sender.sendBatch("msgraph-pull", messages);
    expect(q.enqueuedCount() - enq0).toBe(1000);
    // The real SDK sees every user's session with its one message, in the order sent.
    const client = new ServiceBusClient(bus.standIn.connectionString);
    const receiver = await client.acceptSession("msgraph-pull", "U0999");
    const [last] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(last?.body).toEqual({ source: "RESYNC", user: "U0999", reason: "nightly" });
    await receiver.completeMessage(last!);
    await client.close();
  });

  it("starts a new batch when one is full, and every message arrives", async () => {
    const q = bus.standIn.queue("erp-inbound");
    const [transfers0, enq0] = [q.transferCount(), q.enqueuedCount()];
    const messages = Array.from({ length: 1000 }, (_, i) => ({
      body: { n: i, pad: "p".repeat(200) },
      sessionId: `S${i % 7}`,
      messageId: `full-${i}`,
    }));
    const r = await bus.sender.sendBatch("erp-inbound", messages, { maxBatchBytes: 64 * 1024 });
    expect(r.sent).toBe(1000);
    expect(r.batches).toBeGreaterThanOrEqual(4); // ~250 KB of messages in 64 KB batches
    expect(r.batches).toBeLessThan(20);
    expect(q.transferCount() - transfers0).toBe(r.batches);
    expect(q.enqueuedCount() - enq0).toBe(1000);
    const ids = q
      .messages()
      .filter((m) => m.messageId?.startsWith("full-"))
      .map((m) => m.messageId);
    expect(ids).toEqual(messages.map((m) => m.messageId));
    const bodies = (await collect("erp-inbound")) as { n: number }[];
    // Every message arrives (delivery is at-least-once: a lock lost under load may redeliver one).
    expect(new Set(bodies.map((b) => b.n)).size).toBe(1000);
  });

  it("maps a missing queue to a PermanentError and refuses a message without SessionId or with a long MessageId", async () => {
    await expect(bus.sender.send("no-such-queue", {}, { sessionId: "U", messageId: "x" })).rejects.toMatchObject({
      kind: "permanent",
      code: "servicebus.MessagingEntityNotFound",
    });
    await expect(bus.sender.send("erp-inbound", {}, { sessionId: "", messageId: "x" })).rejects.toMatchObject({
      code: "servicebus.sessionId",
    });
    await expect(
      bus.sender.send("erp-inbound", {}, { sessionId: "U", messageId: "x".repeat(129) }),
    ).rejects.toMatchObject({
      code: "servicebus.messageId",
    });
  });
});
