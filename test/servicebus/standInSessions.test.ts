// Session locks, streaming receivers and receive modes of the Service Bus stand-in, with the real SDK.
import { ServiceBusClient, isServiceBusError, type ServiceBusReceivedMessage } from "@azure/service-bus";
import { describe, expect, it } from "vitest";
import { waitUntil } from "../harness/waitUntil.js";
import { TestClock } from "./clock.js";
import { receiveN, useStandIn } from "./useStandIn.js";

// Lock expiry runs on this clock: each test moves time itself.
const clock = new TestClock();
const rig = useStandIn(
  [
    { name: "stream", requiresSession: true },
    { name: "handover", requiresSession: true },
    { name: "lost", requiresSession: true, lockDurationMs: 500 },
    { name: "autorenew", lockDurationMs: 500 },
    { name: "rad" },
    { name: "kinds", requiresSession: true },
    { name: "waiting", requiresSession: true },
  ],
  { clock },
);

describe("Service Bus stand-in: sessions and receivers", () => {
  it("streams a session's messages in order to subscribe()", async () => {
    const sender = rig.client.createSender("stream");
    await sender.sendMessages(
      Array.from({ length: 20 }, (_, i) => ({ body: { i }, sessionId: "S", messageId: `m${i}` })),
    );
    await sender.close();
    const receiver = await rig.client.acceptNextSession("stream");
    expect(receiver.sessionId).toBe("S");
    const seen: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const sub = receiver.subscribe(
        {
          processMessage: async (m) => {
            seen.push((m.body as { i: number }).i);
            if (seen.length === 20) {
              await sub.close();
              resolve();
            }
          },
          processError: async (args) => reject(args.error),
        },
        { autoCompleteMessages: true },
      );
    });
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // autoComplete settles the last message after processMessage returned: wait for it, then close.
    await waitUntil("all 20 completed", () =>
      rig.sb
        .queue("stream")
        .messages()
        .every((m) => m.state === "completed"),
    );
    await receiver.close();
  });

  it("hands unsettled messages of a closed session receiver to the next one (delivery count not raised, as in Azure)", async () => {
    const sender = rig.client.createSender("handover");
    await sender.sendMessages([
      { body: 1, sessionId: "H" },
      { body: 2, sessionId: "H" },
    ]);
    await sender.close();
    const r1 = await rig.client.acceptNextSession("handover");
    const first = await receiveN(r1, 2);
    expect(first.map((m) => m.body)).toEqual([1, 2]);
    await r1.completeMessage(first[0]!);
    await r1.close();
    const r2 = await rig.client.acceptNextSession("handover");
    const [again] = await receiveN(r2, 1);
    expect(again?.body).toBe(2);
    expect(again?.deliveryCount).toBe(0);
    await r2.completeMessage(again!);
    await r2.close();
  });

  it("loses an unrenewed session lock and lets another receiver take the session", async () => {
    const sender = rig.client.createSender("lost");
    await sender.sendMessages({ body: "x", sessionId: "L" });
    await sender.close();
    const r1 = await rig.client.acceptSession("lost", "L", { maxAutoLockRenewalDurationInMs: 0 });
    const [m] = await receiveN(r1, 1);
    expect(m?.lockedUntilUtc?.getTime()).toBeLessThanOrEqual(r1.sessionLockedUntilUtc.getTime());
    clock.advance(500);
    // The broker detaches r1's link; settle only once the client has answered the detach (it then knows the lock
    // is gone), as a settlement racing the detach would wait for an answer on a closed link.
    await waitUntil("the client sees the session lock lost", () => rig.sb.queue("lost").receiverCount() === 0);
    await expect(r1.completeMessage(m!)).rejects.toSatisfy(
      (e: unknown) => isServiceBusError(e) && e.code === "SessionLockLost",
    );
    const r2 = await rig.client.acceptNextSession("lost");
    expect(r2.sessionId).toBe("L");
    const [m2] = await receiveN(r2, 1);
    expect(m2?.body).toBe("x");
    expect(m2?.deliveryCount).toBe(0);
    await r2.completeMessage(m2!);
    await r2.close();
    await r1.close();
  });

  it("keeps a message locked while the SDK auto-renews it", async () => {
    const sender = rig.client.createSender("autorenew");
    await sender.sendMessages({ body: "slow", messageId: "a1" });
    await sender.close();
    const receiver = rig.client.createReceiver("autorenew"); // default: auto lock renewal on
    const [m] = await receiveN(receiver, 1);
    // 1.3 s of broker time, 100 ms at a time, each step only after the SDK renewed the lock again: a lock the SDK
    // stopped renewing would expire inside the first 500 ms.
    const q = rig.sb.queue("autorenew");
    for (let step = 0; step < 13; step++) {
      const renewed = q.lockRenewalCount();
      await waitUntil("the SDK renews the lock", () => q.lockRenewalCount() > renewed);
      clock.advance(100);
    }
    await receiver.completeMessage(m!);
    await receiver.close();
    expect(rig.sb.queue("autorenew").messages()[0]).toMatchObject({ state: "completed", deliveryCount: 1 });
  });

  it("removes messages on receive in receiveAndDelete mode", async () => {
    const sender = rig.client.createSender("rad");
    await sender.sendMessages([{ body: "a" }, { body: "b" }]);
    await sender.close();
    const receiver = rig.client.createReceiver("rad", { receiveMode: "receiveAndDelete" });
    const got: ServiceBusReceivedMessage[] = await receiveN(receiver, 2);
    expect(got.map((m) => m.body)).toEqual(["a", "b"]);
    expect(got[0]?.lockToken).toBeUndefined();
    await receiver.close();
    expect(rig.sb.queue("rad").activeCount()).toBe(0);
    expect(
      rig.sb
        .queue("rad")
        .messages()
        .map((m) => m.state),
    ).toEqual(["completed", "completed"]);
  });

  it("refuses a plain receiver on a session queue and a session receiver on a plain queue", async () => {
    const plainOnSession = rig.client.createReceiver("kinds");
    await expect(plainOnSession.receiveMessages(1, { maxWaitTimeInMs: 500 })).rejects.toThrow(/requires sessions/);
    await plainOnSession.close();
    await expect(rig.client.acceptSession("rad", "X")).rejects.toThrow(/does not require sessions/);
  });

  it("holds acceptNextSession until a session gets a message, else answers with a timeout", async () => {
    const pending = rig.client.acceptNextSession("waiting");
    await waitUntil("the accept is pending at the stand-in", () => rig.sb.queue("waiting").pendingAcceptCount() > 0);
    const sender = rig.client.createSender("waiting");
    await sender.sendMessages({ body: "late", sessionId: "W" });
    const receiver = await pending;
    expect(receiver.sessionId).toBe("W");
    const [m] = await receiveN(receiver, 1);
    expect(m?.body).toBe("late");
    await receiver.completeMessage(m!);
    await receiver.close();
    await sender.close();

    // With nothing to lock, the attach is answered just before the client's timeout with com.microsoft:timeout.
    // (Close a client only after a pending acceptNextSession settled: rhea-promise does not abort a pending
    // attach on close and would wait its 60 s operation timeout.)
    const quick = new ServiceBusClient(rig.sb.connectionString, {
      retryOptions: { maxRetries: 0, timeoutInMs: 1_500 },
    });
    const err = await quick.acceptNextSession("waiting").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isServiceBusError(err) && err.code).toBe("ServiceTimeout");
    // Answered by the stand-in ahead of the client's own timeout (its description), not by the client giving up.
    expect((err as Error).message).toMatch(/No unlocked session became available/);
    await quick.close();
  });
});
