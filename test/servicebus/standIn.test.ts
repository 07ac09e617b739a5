// The Service Bus stand-in exercised with the real @azure/service-bus client over AMQP.
import { ServiceBusClient, isServiceBusError, type ServiceBusReceivedMessage } from "@azure/service-bus";
import { describe, expect, it } from "vitest";
import { TestClock } from "./clock.js";
import { receiveN, useStandIn } from "./useStandIn.js";

// Lock expiry, scheduling and duplicate detection run on this clock: each test moves time itself.
const clock = new TestClock();
const rig = useStandIn(
  [
    { name: "plain" },
    { name: "sessions", requiresSession: true },
    { name: "retry", requiresSession: true, lockDurationMs: 5_000 },
    { name: "dl" },
    { name: "sched" },
    { name: "dedupe", duplicateDetectionWindowMs: 400 },
    { name: "shortlock", lockDurationMs: 400 },
    { name: "renew", lockDurationMs: 600 },
    { name: "peek", requiresSession: true },
    { name: "fanout", requiresSession: true },
    { name: "defer" },
    { name: "state", requiresSession: true },
    { name: "busy", requiresSession: true },
  ],
  { clock },
);

describe("Service Bus stand-in", () => {
  it("round-trips a JSON body with its bytes, ids and application properties", async () => {
    const body = { kind: "appointment", user: "JSMITH", n: 1.5, nested: { ü: "ñ" } };
    const sender = rig.client.createSender("plain");
    await sender.sendMessages({
      body,
      messageId: "id-1",
      contentType: "application/json",
      subject: "subj",
      correlationId: "corr",
      applicationProperties: { source: "erp", attempt: 3 },
    });
    await sender.sendMessages({ body: Buffer.from([0, 1, 2, 255]), messageId: "id-2" });
    await sender.close();

    const stored = rig.sb.queue("plain").messages();
    expect(stored).toHaveLength(2);
    expect(stored[0]?.body.equals(Buffer.from(JSON.stringify(body)))).toBe(true);
    expect(stored[0]?.bodyJson).toEqual(body);
    expect(stored[0]?.applicationProperties).toEqual({ source: "erp", attempt: 3 });
    expect(stored[1]?.body.equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
    expect(rig.sb.queue("plain").activeCount()).toBe(2);

    const receiver = rig.client.createReceiver("plain");
    const got = await receiveN(receiver, 2);
    expect(got.map((m) => m.messageId)).toEqual(["id-1", "id-2"]);
    const [first, second] = got as [ServiceBusReceivedMessage, ServiceBusReceivedMessage];
    expect(first.body).toEqual(body);
    expect(first.contentType).toBe("application/json");
    expect(first.subject).toBe("subj");
    expect(first.correlationId).toBe("corr");
    expect(first.applicationProperties).toEqual({ source: "erp", attempt: 3 });
    expect(first.deliveryCount).toBe(0);
    expect(first.sequenceNumber?.toNumber()).toBe(stored[0]?.sequenceNumber);
    expect(first.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.lockedUntilUtc!.getTime()).toBe(clock.now() + 30_000);
    expect(first.enqueuedTimeUtc!.getTime()).toBe(stored[0]?.enqueuedTimeUtc.getTime());
    expect(Buffer.isBuffer(second.body) && second.body.equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
    await receiver.completeMessage(first);
    await receiver.completeMessage(second);
    await expect(receiver.completeMessage(first)).rejects.toThrow();
    await receiver.close();
    expect(
      rig.sb
        .queue("plain")
        .messages()
        .map((m) => m.state),
    ).toEqual(["completed", "completed"]);
    expect(rig.sb.queue("plain").activeCount()).toBe(0);
  });

  it("keeps order within each session while two sessions interleave, one receiver per session", async () => {
    const sender = rig.client.createSender("sessions");
    for (let i = 0; i < 5; i++) {
      await sender.sendMessages([
        { body: { i }, sessionId: "A" },
        { body: { i }, sessionId: "B" },
      ]);
    }
    await sender.close();
    const r1 = await rig.client.acceptNextSession("sessions");
    const r2 = await rig.client.acceptNextSession("sessions");
    expect([r1.sessionId, r2.sessionId].sort()).toEqual(["A", "B"]);
    // The second receiver cannot take a session the first one holds.
    await expect(rig.client.acceptSession("sessions", r1.sessionId)).rejects.toSatisfy(
      (e: unknown) => isServiceBusError(e) && e.code === "SessionCannotBeLocked",
    );
    const seen: Record<string, number[]> = { A: [], B: [] };
    const drain = async (r: typeof r1) => {
      // Each session holds 5 messages: receive until all 5 are in (the receive's wait is only a hang guard).
      while ((seen[r.sessionId]?.length ?? 0) < 5) {
        const batch = await receiveN(r, 1);
        for (const m of batch) {
          expect(m.sessionId).toBe(r.sessionId);
          seen[r.sessionId]?.push((m.body as { i: number }).i);
          await r.completeMessage(m);
        }
      }
    };
    await Promise.all([drain(r1), drain(r2)]);
    expect(seen).toEqual({ A: [0, 1, 2, 3, 4], B: [0, 1, 2, 3, 4] });
    await r1.close();
    await r2.close();
  });

  it("raises the delivery count on each abandon and dead-letters after the 10th delivery", async () => {
    const sender = rig.client.createSender("retry");
    await sender.sendMessages({ body: { bad: true }, sessionId: "U1", messageId: "poison" });
    await sender.close();
    const receiver = await rig.client.acceptSession("retry", "U1");
    const counts: number[] = [];
    for (let i = 0; i < 10; i++) {
      const [m] = await receiveN(receiver, 1);
      expect(m).toBeDefined();
      counts.push(m!.deliveryCount!);
      if (i > 0) expect(m!.applicationProperties?.attempt).toBe(i - 1);
      await receiver.abandonMessage(m!, { attempt: i });
    }
    expect(counts).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    await receiver.close();

    const dead = rig.sb.queue("retry").deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      messageId: "poison",
      deadLetterReason: "MaxDeliveryCountExceeded",
      deliveryCount: 10,
    });
    const dlq = rig.client.createReceiver("retry", { subQueueType: "deadLetter" });
    const [d] = await receiveN(dlq, 1);
    expect(d?.messageId).toBe("poison");
    expect(d?.sessionId).toBe("U1");
    expect(d?.body).toEqual({ bad: true });
    expect(d?.deadLetterReason).toBe("MaxDeliveryCountExceeded");
    expect(d?.deadLetterErrorDescription).toMatch(/10 delivery attempts/);
    expect(d?.deadLetterSource).toBe("retry");
    expect(d?.applicationProperties?.attempt).toBe(9);
    await dlq.completeMessage(d!);
    await dlq.close();
    expect(rig.sb.queue("retry").deadLetters()).toHaveLength(0);
  });

  it("dead-letters explicitly with reason and description readable from the DLQ", async () => {
    const sender = rig.client.createSender("dl");
    await sender.sendMessages({ body: "{not json", messageId: "x1", applicationProperties: { keep: "me" } });
    await sender.close();
    const receiver = rig.client.createReceiver("dl");
    const [m] = await receiveN(receiver, 1);
    await receiver.deadLetterMessage(m!, {
      deadLetterReason: "InvalidBody",
      deadLetterErrorDescription: "data.start: Required",
    });
    await receiver.close();
    expect(rig.sb.queue("dl").activeCount()).toBe(0);
    expect(rig.sb.queue("dl").deadLetters()[0]).toMatchObject({
      messageId: "x1",
      deadLetterReason: "InvalidBody",
      deadLetterErrorDescription: "data.start: Required",
      state: "deadlettered",
    });
    const dlq = rig.client.createReceiver("dl", { subQueueType: "deadLetter" });
    const [d] = await receiveN(dlq, 1);
    expect(d?.deadLetterReason).toBe("InvalidBody");
    expect(d?.deadLetterErrorDescription).toBe("data.start: Required");
    expect(d?.applicationProperties?.keep).toBe("me");
    expect(d?.body).toBe("{not json");
    await dlq.completeMessage(d!);
    await dlq.close();
  });

  it("hides scheduled messages until due and lets them be cancelled", async () => {
    const sender = rig.client.createSender("sched");
    const due = new Date(clock.now() + 1_200);
    const [keep] = await sender.scheduleMessages({ body: "later", messageId: "s1" }, due);
    const [cancel] = await sender.scheduleMessages({ body: "never", messageId: "s2" }, due);
    await sender.sendMessages({ body: "via-annotation", messageId: "s3", scheduledEnqueueTimeUtc: due });
    expect(rig.sb.queue("sched").scheduledCount()).toBe(3);
    await sender.cancelScheduledMessages(cancel!);
    expect(rig.sb.queue("sched").scheduledCount()).toBe(2);
    expect(keep!.toNumber()).toBeGreaterThan(0);

    const receiver = rig.client.createReceiver("sched");
    expect(await receiver.receiveMessages(5, { maxWaitTimeInMs: 400 })).toHaveLength(0);
    const peeked = await receiver.peekMessages(5);
    expect(peeked.map((p) => p.state)).toEqual(["scheduled", "scheduled"]);
    clock.advance(1_199);
    expect(await receiver.receiveMessages(5, { maxWaitTimeInMs: 200 })).toHaveLength(0);
    clock.advance(1);
    const got: ServiceBusReceivedMessage[] = [];
    got.push(...(await receiveN(receiver, 2)));
    expect(got.map((m) => m.body).sort()).toEqual(["later", "via-annotation"]);
    const later = got.find((m) => m.messageId === "s1");
    expect(later?.sequenceNumber?.toNumber()).toBe(keep!.toNumber());
    expect(later?.scheduledEnqueueTimeUtc?.getTime()).toBe(due.getTime());
    for (const m of got) await receiver.completeMessage(m);
    await receiver.close();
    await sender.close();
    await expect(sender.cancelScheduledMessages(cancel!)).rejects.toThrow();
  });

  it("drops a duplicate MessageId inside the detection window and accepts it after", async () => {
    const sender = rig.client.createSender("dedupe");
    await sender.sendMessages({ body: 1, messageId: "same" });
    await sender.sendMessages({ body: 2, messageId: "same" });
    await sender.sendMessages({ body: 3, messageId: "other" });
    expect(
      rig.sb
        .queue("dedupe")
        .messages()
        .map((m) => m.bodyJson),
    ).toEqual([1, 3]);
    expect(rig.sb.queue("dedupe").duplicateCount()).toBe(1);
    clock.advance(399);
    await sender.sendMessages({ body: 4, messageId: "same" });
    expect(rig.sb.queue("dedupe").duplicateCount()).toBe(2);
    clock.advance(1);
    await sender.sendMessages({ body: 5, messageId: "same" });
    expect(
      rig.sb
        .queue("dedupe")
        .messages()
        .map((m) => m.bodyJson),
    ).toEqual([1, 3, 5]);
    await sender.close();
  });

  it("redelivers a message whose lock expired, with a higher delivery count", async () => {
    const sender = rig.client.createSender("shortlock");
    await sender.sendMessages({ body: "x", messageId: "l1" });
    await sender.close();
    const receiver = rig.client.createReceiver("shortlock", { maxAutoLockRenewalDurationInMs: 0 });
    const [m1] = await receiveN(receiver, 1);
    expect(m1?.deliveryCount).toBe(0);
    clock.advance(399);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toHaveLength(0);
    clock.advance(1);
    await expect(receiver.completeMessage(m1!)).rejects.toSatisfy(
      (e: unknown) => isServiceBusError(e) && e.code === "MessageLockLost",
    );
    const [m2] = await receiveN(receiver, 1);
    expect(m2?.messageId).toBe("l1");
    expect(m2?.deliveryCount).toBe(1);
    await receiver.completeMessage(m2!);
    await receiver.close();
  });

  it("renewLock extends the lock past its original expiry", async () => {
    const sender = rig.client.createSender("renew");
    await sender.sendMessages({ body: "x", messageId: "r1" });
    await sender.close();
    const receiver = rig.client.createReceiver("renew", { maxAutoLockRenewalDurationInMs: 0 });
    const [m] = await receiveN(receiver, 1);
    const before = m!.lockedUntilUtc!.getTime();
    clock.advance(350);
    const until = await receiver.renewMessageLock(m!);
    expect(until.getTime()).toBe(before + 350);
    clock.advance(400); // past the original expiry, inside the renewed one
    expect(clock.now()).toBeGreaterThan(before);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 100 })).toHaveLength(0);
    await receiver.completeMessage(m!);
    await receiver.close();
    expect(rig.sb.queue("renew").messages()[0]?.state).toBe("completed");
  });

  it("peeks without locking, from a sequence number and per session", async () => {
    const sender = rig.client.createSender("peek");
    await sender.sendMessages([
      { body: "a", sessionId: "P" },
      { body: "b", sessionId: "Q" },
      { body: "c", sessionId: "P" },
    ]);
    await sender.close();
    const receiver = await rig.client.acceptSession("peek", "P");
    const inSession = await receiver.peekMessages(10);
    expect(inSession.map((m) => m.body)).toEqual(["a", "c"]);
    expect(inSession[0]?.lockToken).toBeUndefined();
    const all = rig.sb.queue("peek").messages();
    const fromSecond = await receiver.peekMessages(10, { fromSequenceNumber: inSession[1]!.sequenceNumber! });
    expect(fromSecond.map((m) => m.body)).toEqual(["c"]);
    expect(all.every((m) => m.deliveryCount === 0)).toBe(true);
    const got = await receiveN(receiver, 2);
    expect(got.map((m) => m.body)).toEqual(["a", "c"]);
    for (const m of got) await receiver.completeMessage(m);
    await receiver.close();
  });

  it("accepts a batch send of 1,000 messages in a few transfers, all delivered", async () => {
    const sender = rig.client.createSender("fanout");
    const msgs = Array.from({ length: 1_000 }, (_, i) => ({
      body: { source: "RESYNC", user: `U${i}` },
      sessionId: `U${i}`,
      messageId: `resync-U${i}`,
    }));
    let batch = await sender.createMessageBatch();
    let batches = 0;
    for (const m of msgs) {
      if (!batch.tryAddMessage(m)) {
        await sender.sendMessages(batch);
        batches++;
        batch = await sender.createMessageBatch();
        expect(batch.tryAddMessage(m)).toBe(true);
      }
    }
    await sender.sendMessages(batch);
    batches++;
    await sender.close();
    const q = rig.sb.queue("fanout");
    expect(q.enqueuedCount()).toBe(1_000);
    expect(q.transferCount()).toBe(batches);
    expect(q.batchTransferCount()).toBe(batches);
    expect(batches).toBeLessThan(10);
    expect(new Set(q.messages().map((m) => m.messageId)).size).toBe(1_000);
    expect(q.messages()[999]?.bodyJson).toEqual({ source: "RESYNC", user: "U999" });
    const r = await rig.client.acceptSession("fanout", "U999");
    const [m] = await receiveN(r, 1);
    expect(m?.body).toEqual({ source: "RESYNC", user: "U999" });
    await r.completeMessage(m!);
    await r.close();
  });

  it("defers a message and receives it back by sequence number", async () => {
    const sender = rig.client.createSender("defer");
    await sender.sendMessages({ body: "d", messageId: "d1" });
    await sender.close();
    const receiver = rig.client.createReceiver("defer");
    const [m] = await receiveN(receiver, 1);
    await receiver.deferMessage(m!);
    expect(rig.sb.queue("defer").messages()[0]?.state).toBe("deferred");
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toHaveLength(0);
    const [again] = await receiver.receiveDeferredMessages(m!.sequenceNumber!);
    expect(again?.body).toBe("d");
    expect(again?.deliveryCount).toBe(1);
    await receiver.completeMessage(again!);
    expect(rig.sb.queue("defer").messages()[0]?.state).toBe("completed");
    await receiver.close();
  });

  it("keeps session state and renews the session lock", async () => {
    const receiver = await rig.client.acceptSession("state", "S1");
    await receiver.setSessionState({ cursor: 42 });
    expect(await receiver.getSessionState()).toEqual({ cursor: 42 });
    const before = receiver.sessionLockedUntilUtc.getTime();
    clock.advance(20);
    expect((await receiver.renewSessionLock()).getTime()).toBe(before + 20);
    await receiver.close();
  });

  it("answers unknown queues with not-found and times out when no session is free", async () => {
    const sender = rig.client.createSender("nope");
    await expect(sender.sendMessages({ body: 1 })).rejects.toSatisfy(
      (e: unknown) => isServiceBusError(e) && e.code === "MessagingEntityNotFound",
    );
    await sender.close();
    const quick = new ServiceBusClient(rig.sb.connectionString, {
      retryOptions: { maxRetries: 0, timeoutInMs: 1_500 },
    });
    // Answered by the stand-in ahead of the client's own timeout (its description), not by the client giving up.
    await expect(quick.acceptNextSession("busy")).rejects.toSatisfy(
      (e: unknown) => isServiceBusError(e) && /No unlocked session became available/.test(e.message),
    );
    // A session-enabled queue refuses a sender without SessionId.
    const s = quick.createSender("busy");
    await expect(s.sendMessages({ body: 1 })).rejects.toThrow(/SessionId/);
    await quick.close();
  });
});
