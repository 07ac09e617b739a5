// The push worker through the host-faithful harness and the real SDK: order per session, redelivery then DLQ for
// transient failures, a scheduled copy after a Retry-After, invalid/unhandled/permanently failing messages set aside
// once in the Rejected table.
import { describe, expect, inject, it, vi } from "vitest";
import { ServiceBusClient } from "@azure/service-bus";
import type { InvocationContext } from "@azure/functions";
import { runPushWorker, runPushWorkerBatch, type PushWorkerDeps } from "../../functions/pushWorker.js";
import { createRejectedStore } from "../../shared/adapters/servicebus/rejectedStore.js";
import type { RescheduleOptions, ReschedulePort } from "../../shared/app/dispatchMessage.js";
import type { PushHandlers } from "../../shared/app/dispatchPush.js";
import { PermanentError, TransientError } from "../../shared/domain/errors.js";
import { pushMessageId } from "../../shared/domain/messages/messageIds.js";
import type { PushMessage } from "../../shared/domain/messages/pushMessage.js";
import { createDeliveryHarness } from "../harness/deliveryHarness.js";
import type { Registration } from "../harness/captureRegistrations.js";
import { useAppServiceBus } from "../harness/useAppServiceBus.js";
import { TestClock } from "../servicebus/clock.js";

const registrations = vi.hoisted(() => [] as Registration[]);
vi.mock("@azure/functions", async (importOriginal) =>
  (await import("../harness/captureRegistrations.js")).mockFunctionsApp(importOriginal, registrations, [
    "serviceBusQueue",
  ]),
);

const QUEUE = "msgraph-push";
const rejected = createRejectedStore({ connectionString: inject("storageConnectionString"), tablePrefix: "pushwk" });
const bus = useAppServiceBus();

const task = (user: string, n: number): PushMessage => ({
  kind: "task",
  op: "UPDATE",
  user,
  kco: "1",
  hsaRef: `T${n}`,
  data: { title: `task ${n}`, status: "notStarted", priority: "normal" },
});

function harnessWith(
  handlers: PushHandlers,
  maxConcurrentSessions = 8,
  reschedule: { port?: ReschedulePort; options?: RescheduleOptions } = {},
) {
  const deps: PushWorkerDeps = {
    queue: QUEUE,
    handlers,
    rejected,
    reschedule: reschedule.port ?? bus.sender,
    rescheduleOptions: reschedule.options,
  };
  return createDeliveryHarness({
    connectionString: bus.standIn.connectionString,
    queue: QUEUE,
    maxConcurrentSessions,
    handler: (message: unknown, context: InvocationContext) => runPushWorker(message, context, deps),
  });
}

const sendRaw = (text: string, sessionId: string, messageId: string) =>
  bus.sender.send(QUEUE, text, { sessionId, messageId });

describe("push worker", () => {
  it("is registered on the push queue from settings, sessions on, a session's batch per call, connection by setting name", () => {
    expect(registrations).toEqual([
      {
        name: "pushWorker",
        options: expect.objectContaining({
          connection: "SERVICEBUS_CONNECTION",
          queueName: "%PUSH_QUEUE%",
          isSessionsEnabled: true,
          cardinality: "many",
          handler: expect.any(Function),
        }),
      },
    ]);
  });

  it("keeps order within each session while two sessions interleave", async () => {
    const sent: PushMessage[] = [];
    for (let i = 1; i <= 8; i++) sent.push(task("ALICE", i), task("BOB", i));
    await bus.sender.sendBatch(
      QUEUE,
      sent.map((m) => ({ body: m, sessionId: m.user, messageId: pushMessageId(m) })),
    );
    const seen: string[] = [];
    const inFlight = new Map<string, number>();
    let maxPerUser = 0;
    let overlapped = false;
    // Barrier: the first call waits until the other session has started too, so the test shows real concurrency
    // across sessions however busy the machine is; a harness that ran sessions one by one would fail it (the 60 s
    // guard only turns that hang into a failed `overlapped` below, inside the test timeout).
    let release!: () => void;
    const bothStarted = new Promise<void>((r) => (release = r));
    const timeout = setTimeout(release, 60_000);
    const h = harnessWith(
      {
        task: async (m) => {
          inFlight.set(m.user, (inFlight.get(m.user) ?? 0) + 1);
          maxPerUser = Math.max(maxPerUser, inFlight.get(m.user) ?? 0);
          if (inFlight.size === 2) {
            overlapped = true;
            release();
          }
          await bothStarted;
          await new Promise((r) => setTimeout(r, 10));
          seen.push(`${m.user}:${m.hsaRef}`);
          const left = (inFlight.get(m.user) ?? 1) - 1;
          if (left === 0) inFlight.delete(m.user);
          else inFlight.set(m.user, left);
        },
      },
      2,
    );
    const r = await h.drain();
    await h.stop();
    expect(r).toMatchObject({ handled: 16, failed: 0 });
    const order = (user: string) => seen.filter((s) => s.startsWith(user)).map((s) => s.split(":T")[1]);
    expect(order("ALICE")).toEqual(["1", "2", "3", "4", "5", "6", "7", "8"]);
    expect(order("BOB")).toEqual(["1", "2", "3", "4", "5", "6", "7", "8"]);
    clearTimeout(timeout);
    expect(overlapped).toBe(true); // the two sessions really were processed at the same time
    expect(maxPerUser).toBe(1); // but never two messages of one session at once
  });

  it("redelivers on a transient failure with a rising deliveryCount, then the broker dead-letters it after the 10th", async () => {
    const m = task("TRANS", 1);
    await bus.sender.send(QUEUE, m, { sessionId: "TRANS", messageId: "transient-1" });
    const counts: number[] = [];
    const h = harnessWith({
      task: async (_m, ctx) => {
        counts.push(ctx.delivery.deliveryCount ?? -1);
        throw new TransientError("graph.503", "Graph is unavailable");
      },
    });
    const r = await h.drain();
    await h.stop();
    expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r).toMatchObject({ handled: 0, failed: 10 });
    const dlq = bus.standIn
      .queue(QUEUE)
      .deadLetters()
      .filter((d) => d.messageId === "transient-1");
    expect(dlq).toHaveLength(1);
    expect(dlq[0]?.deadLetterReason).toBe("MaxDeliveryCountExceeded");
    // What an operator sees with the real SDK on <queue>/$DeadLetterQueue.
    const client = new ServiceBusClient(bus.standIn.connectionString);
    const receiver = client.createReceiver(QUEUE, { subQueueType: "deadLetter" });
    const [dead] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(dead?.messageId).toBe("transient-1");
    expect(dead?.deadLetterReason).toBe("MaxDeliveryCountExceeded");
    expect(dead?.body).toEqual(m);
    await receiver.completeMessage(dead!);
    await client.close();
    expect(bus.standIn.queue(QUEUE).activeCount()).toBe(0);
  });

  it.each([
    [
      "a start without offset",
      '{"kind":"appointment","op":"CREATE","user":"BAD1","kco":"1","hsaRef":"H1","data":{"subject":"x","start":"2026-03-02T09:30:00","end":"2026-03-02T10:30:00+01:00","allDay":false}}',
      "BAD1",
      "data.start: expected ISO 8601 date-time with offset",
    ],
    ["text that is not JSON", "kind=appointment;user=BAD2", "BAD2", "body: not valid JSON"],
    [
      "a user that is not the session",
      JSON.stringify(task("SOMEONE", 1)),
      "BAD3",
      'user: "SOMEONE" does not match the message\'s SessionId "BAD3"',
    ],
  ])(
    "sets aside an invalid body (%s) after ONE delivery, with the reason and its original bytes",
    async (_n, text, session, reason) => {
      const messageId = `invalid-${session}`;
      await sendRaw(text, session, messageId);
      let called = 0;
      const h = harnessWith({ task: async () => void called++, appointment: async () => void called++ });
      const r = await h.drain();
      await h.stop();
      expect(called).toBe(0);
      expect(r.deliveries.filter((d) => d.messageId === messageId).map((d) => [d.deliveryCount, d.outcome])).toEqual([
        [1, "completed"],
      ]);
      const row = (await rejected.list({ queue: QUEUE })).find((x) => x.messageId === messageId);
      expect(row).toMatchObject({ code: "invalid-message", reason, sessionId: session, deliveryCount: 1, body: text });
      expect(
        bus.standIn
          .queue(QUEUE)
          .deadLetters()
          .filter((d) => d.messageId === messageId),
      ).toEqual([]);
      expect(h.logs.some((l) => l.level === "error" && l.text.includes(reason) && l.text.includes(messageId))).toBe(
        true,
      );
    },
  );

  it("sets aside a kind without a handler and a permanent failure once, each with its reason", async () => {
    const email: PushMessage = {
      kind: "email",
      op: "SEND",
      user: "PERM",
      messageKey: "M-1",
      data: { to: ["a@example.com"], subject: "s", body: { contentType: "text", content: "secret body" } },
    };
    await bus.sender.send(QUEUE, email, { sessionId: "PERM", messageId: pushMessageId(email) });
    await bus.sender.send(QUEUE, task("PERM", 9), { sessionId: "PERM", messageId: "perm-task" });
    let calls = 0;
    const h = harnessWith({
      task: async () => {
        calls++;
        throw new PermanentError("graph.404", "the To Do list COINS does not exist");
      },
    });
    const r = await h.drain();
    await h.stop();
    expect(calls).toBe(1);
    expect(r).toMatchObject({ handled: 2, failed: 0 });
    const rows = await rejected.list({ queue: QUEUE });
    expect(rows.find((x) => x.messageId === pushMessageId(email))).toMatchObject({
      code: "unhandled-kind",
      reason: "kind email is not handled by this version",
      body: JSON.stringify(email),
    });
    expect(rows.find((x) => x.messageId === "perm-task")).toMatchObject({
      code: "graph.404",
      reason: "permanent: the To Do list COINS does not exist",
    });
    expect(h.logs.some((l) => l.text.includes("secret body"))).toBe(false);
  });

  it("does not complete a message it could not set aside: the broker redelivers it", async () => {
    await sendRaw("not json", "NOSTORE", "nostore-1");
    const broken = { save: async () => Promise.reject(new Error("storage down")) };
    const h = createDeliveryHarness({
      connectionString: bus.standIn.connectionString,
      queue: QUEUE,
      handler: (message, context) => runPushWorker(message, context, { queue: QUEUE, handlers: {}, rejected: broken }),
    });
    const r = await h.drain();
    await h.stop();
    expect(r.deliveries.map((d) => d.outcome)).toEqual(Array(10).fill("abandoned"));
    const dead = bus.standIn
      .queue(QUEUE)
      .deadLetters()
      .find((d) => d.messageId === "nostore-1");
    expect(dead?.body.toString("utf8")).toBe("not json");
  });
});

describe("push worker: Retry-After → a scheduled copy instead of an immediate redelivery", () => {
  // A broker of its own on a clock that moves only when told: the copy's due time never depends on machine speed.
  const clock = new TestClock(Date.parse("2026-12-01T09:00:00Z"));
  const clocked = useAppServiceBus({ clock });
  const clockedHarness = (handlers: PushHandlers) =>
    createDeliveryHarness({
      connectionString: clocked.standIn.connectionString,
      queue: QUEUE,
      handler: (message: unknown, context: InvocationContext) =>
        runPushWorker(message, context, {
          queue: QUEUE,
          handlers,
          rejected,
          reschedule: clocked.sender,
          rescheduleOptions: { now: () => new Date(clock.now()) },
        }),
    });
  const clockedInQueue = (id: string) =>
    clocked.standIn
      .queue(QUEUE)
      .messages()
      .filter((m) => m.messageId === id);
  const inQueue = (id: string) =>
    bus.standIn
      .queue(QUEUE)
      .messages()
      .filter((m) => m.messageId === id);
  const deadLettered = (prefix: string) =>
    bus.standIn
      .queue(QUEUE)
      .deadLetters()
      .filter((d) => d.messageId?.startsWith(prefix));

  it("completes the message, schedules a copy in the same session for after Retry-After, then handles the copy", async () => {
    const m = task("SLOW", 1);
    await clocked.sender.send(QUEUE, m, { sessionId: "SLOW", messageId: "rs-1" });
    const calls: { messageId: string | undefined; deliveryCount: number | undefined; at: number }[] = [];
    const h = clockedHarness({
      task: async (msg, ctx) => {
        calls.push({ messageId: ctx.delivery.messageId, deliveryCount: ctx.delivery.deliveryCount, at: clock.now() });
        expect(msg).toEqual(m);
        if (calls.length === 1) throw new TransientError("graph.429", "throttled", { retryAfterMs: 1_500 });
      },
    });
    const sentAt = clock.now();
    const first = await h.drain();
    expect(first.deliveries.map((d) => [d.messageId, d.deliveryCount, d.outcome])).toEqual([["rs-1", 1, "completed"]]);
    // The copy waits on the broker (its clock stands still until the test moves it): scheduled, same session and
    // body, MessageId derived from the original's.
    expect(clocked.standIn.queue(QUEUE).scheduledCount()).toBe(1);
    const [copy] = clockedInQueue("rs-1-r1");
    expect(copy).toMatchObject({
      state: "scheduled",
      sessionId: "SLOW",
      bodyJson: m,
      applicationProperties: { rescheduleCount: 1, rescheduledFrom: "rs-1" },
    });
    const due = copy!.scheduledEnqueueTimeUtc!.getTime() - sentAt;
    expect(due).toBeGreaterThanOrEqual(1_500);
    expect(due).toBeLessThanOrEqual(1_650); // Retry-After + ≤ 10 % jitter
    expect(clockedInQueue("rs-1")[0]?.state).toBe("completed");

    clock.advance(due - 1);
    expect(clocked.standIn.queue(QUEUE).scheduledCount()).toBe(1); // not before its time
    clock.advance(1);
    const second = await h.drain();
    await h.stop();
    expect(second.deliveries.map((d) => [d.messageId, d.deliveryCount, d.outcome])).toEqual([
      ["rs-1-r1", 1, "completed"],
    ]);
    expect(calls.map((c) => [c.messageId, c.deliveryCount])).toEqual([
      ["rs-1", 1],
      ["rs-1-r1", 1],
    ]);
    expect(calls[1]!.at).toBe(copy!.scheduledEnqueueTimeUtc!.getTime());
    expect(clocked.standIn.queue(QUEUE).deadLetters()).toEqual([]);
    expect(clocked.standIn.queue(QUEUE).scheduledCount()).toBe(0);
    // One line names the message, the route and the retry time; the body is never logged.
    const line = h.logs.find((l) => l.text.includes("rescheduled as messageId=rs-1-r1"));
    expect(line?.text).toContain("kind=task");
    expect(line?.text).toContain(copy!.scheduledEnqueueTimeUtc!.toISOString());
    expect(line?.text).toContain("messageId=rs-1 ");
    expect(h.logs.some((l) => l.text.includes("task 1"))).toBe(false);
  });

  it("stops rescheduling at the cap: the last copy is abandoned until the broker dead-letters it", async () => {
    await bus.sender.send(QUEUE, task("CAP", 1), { sessionId: "CAP", messageId: "cap-1" });
    const seen: [string | undefined, number | undefined][] = [];
    const h = harnessWith(
      {
        task: async (_m, ctx) => {
          seen.push([ctx.delivery.messageId, ctx.delivery.rescheduleCount]);
          throw new TransientError("graph.503", "unavailable", { retryAfterMs: 1 });
        },
      },
      8,
      { options: { maxReschedules: 3 } },
    );
    // Each copy is scheduled (due 1 ms later) by the previous delivery: the drain waits for the copies to fall due.
    const r = await h.drain({ awaitScheduled: true });
    await h.stop();
    expect(r.deliveries.map((d) => [d.messageId, d.outcome])).toEqual([
      ["cap-1", "completed"],
      ["cap-1-r1", "completed"],
      ["cap-1-r2", "completed"],
      ...Array.from({ length: 10 }, () => ["cap-1-r3", "abandoned"]),
    ]);
    expect(seen.slice(0, 4)).toEqual([
      ["cap-1", 0],
      ["cap-1-r1", 1],
      ["cap-1-r2", 2],
      ["cap-1-r3", 3],
    ]);
    expect(deadLettered("cap-1").map((d) => [d.messageId, d.deadLetterReason])).toEqual([
      ["cap-1-r3", "MaxDeliveryCountExceeded"],
    ]);
    expect(h.logs.some((l) => l.level === "warning" && l.text.includes("after 3 reschedules (the cap)"))).toBe(true);
  });

  it("abandons when the copy cannot be sent (nothing lost), and a re-sent copy of the same attempt is a duplicate", async () => {
    await bus.sender.send(QUEUE, task("FLAKY", 1), { sessionId: "FLAKY", messageId: "fl-1" });
    let sends = 0;
    // 1st re-send: the broker is down → nothing sent. 2nd: sent, but the lock is lost before completion (we throw
    // after sending). 3rd: the same attempt again → same MessageId → dropped by duplicate detection.
    const port: ReschedulePort = {
      send: async (queue, body, options) => {
        sends++;
        if (sends === 1) throw new TransientError("servicebus.ServiceBusy", "busy");
        await bus.sender.send(queue, body, options);
        if (sends === 2) throw new Error("lock lost");
      },
    };
    let calls = 0;
    const h = harnessWith(
      {
        task: async () => {
          calls++;
          if (calls <= 3) throw new TransientError("graph.429", "throttled", { retryAfterMs: 200 });
        },
      },
      8,
      { port },
    );
    const duplicatesBefore = bus.standIn.queue(QUEUE).duplicateCount();
    const r = await h.drain({ awaitScheduled: true }); // the copy is due 200 ms after it was sent
    await h.stop();
    expect(r.deliveries.map((d) => [d.messageId, d.deliveryCount, d.outcome])).toEqual([
      ["fl-1", 1, "abandoned"],
      ["fl-1", 2, "abandoned"],
      ["fl-1", 3, "completed"],
      ["fl-1-r1", 1, "completed"],
    ]);
    expect(bus.standIn.queue(QUEUE).duplicateCount() - duplicatesBefore).toBe(1);
    expect(inQueue("fl-1-r1")).toHaveLength(1);
    expect(h.logs.some((l) => l.level === "error" && l.text.includes("could not reschedule kind=task"))).toBe(true);
  });

  describe("a batch per call (cardinality many)", () => {
    function batchHarness(handlers: PushHandlers) {
      const deps: PushWorkerDeps = { queue: QUEUE, handlers, rejected, reschedule: bus.sender };
      return createDeliveryHarness({
        connectionString: bus.standIn.connectionString,
        queue: QUEUE,
        cardinality: "many",
        maxBatchSize: 50,
        handler: (messages: unknown, context: InvocationContext) => runPushWorkerBatch(messages, context, deps),
      });
    }
    const sendAll = (messages: PushMessage[], prefix: string) =>
      bus.sender.sendBatch(
        QUEUE,
        messages.map((m, i) => ({ body: m, sessionId: m.user, messageId: `${prefix}-${i}` })),
      );

    it("hands the session's messages to one call with their own delivery metadata; same key in order", async () => {
      const sent = [
        task("BATCH", 1),
        task("BATCH", 2),
        { ...task("BATCH", 1), op: "DELETE" as const, data: undefined },
      ];
      await sendAll(sent as PushMessage[], "bt");
      const seen: string[] = [];
      const h = batchHarness({
        task: async (m, ctx) => void seen.push(`${m.op} ${m.hsaRef} ${ctx.delivery.messageId ?? "?"}`),
      });
      const r = await h.drain();
      await h.stop();
      expect(r).toMatchObject({ handled: 3, failed: 0 });
      expect(r.deliveries.map((d) => d.batchSize)).toEqual([3, 3, 3]);
      expect(seen.filter((s) => s.includes(" T1 "))).toEqual(["UPDATE T1 bt-0", "DELETE T1 bt-2"]);
      expect(seen).toContain("UPDATE T2 bt-1");
    });

    it("a message needing redelivery: the others settle, its key's later message waits, the batch comes back whole", async () => {
      const sent = [
        task("REDEL", 1),
        task("REDEL", 2),
        { ...task("REDEL", 1), data: { ...task("REDEL", 1).data!, title: "later" } },
      ];
      await sendAll(sent as PushMessage[], "rd");
      const calls: string[] = [];
      let failOnce = true;
      const h = batchHarness({
        task: async (m, ctx) => {
          calls.push(`${m.hsaRef}:${m.data?.title ?? ""}:${ctx.delivery.deliveryCount ?? "?"}`);
          if (m.hsaRef === "T1" && failOnce) {
            failOnce = false;
            throw new TransientError("graph.503", "Graph is unavailable");
          }
        },
      });
      const r = await h.drain();
      await h.stop();
      // 1st call: T1 fails, T2 handled, T1 "later" not run; the whole batch is abandoned; 2nd call: all three.
      expect(calls.filter((c) => c.endsWith(":1")).sort()).toEqual(["T1:task 1:1", "T2:task 2:1"]);
      expect(calls.filter((c) => c.endsWith(":2"))).toEqual(
        expect.arrayContaining(["T1:task 1:2", "T1:later:2", "T2:task 2:2"]),
      );
      expect(calls.indexOf("T1:task 1:2")).toBeLessThan(calls.indexOf("T1:later:2"));
      expect(r.deliveries.map((d) => d.outcome)).toEqual([
        "abandoned",
        "abandoned",
        "abandoned",
        "completed",
        "completed",
        "completed",
      ]);
      expect(h.logs.some((l) => l.text.includes("push batch of 3: 1 need redelivery, 1 not run"))).toBe(true);
    });

    it("an invalid message in a batch is set aside on its own; the rest are handled", async () => {
      await bus.sender.sendBatch(QUEUE, [
        { body: { kind: "task", user: "BADB" }, sessionId: "BADB", messageId: "bb-0" },
        { body: task("BADB", 1), sessionId: "BADB", messageId: "bb-1" },
      ]);
      let handled = 0;
      const h = batchHarness({ task: async () => void handled++ });
      const r = await h.drain();
      await h.stop();
      expect(r).toMatchObject({ handled: 2, failed: 0 });
      expect(handled).toBe(1);
      expect((await rejected.get(QUEUE, "bb-0"))?.code).toBe("invalid-message");
    });
  });
});
