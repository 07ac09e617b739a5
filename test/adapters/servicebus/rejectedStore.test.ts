// The Rejected table on Azurite: rows keep the original body (chunked when long) and reason; replay re-sends the body.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createQueueSender, type QueueSender } from "../../../shared/adapters/servicebus/queueSender.js";
import {
  createRejectedStore,
  replayRejected,
  type RejectedInput,
} from "../../../shared/adapters/servicebus/rejectedStore.js";
import type { ServiceBusStandIn } from "../../servicebus/index.js";
import { startAppServiceBus } from "../../harness/deliveryHarness.js";

const store = createRejectedStore({ connectionString: inject("storageConnectionString"), tablePrefix: "rejstore" });
let sb: ServiceBusStandIn;
let sender: QueueSender;

beforeAll(async () => {
  sb = await startAppServiceBus();
  sender = createQueueSender(sb.connectionString);
});
afterAll(async () => {
  await sender?.close();
  await sb?.stop();
});

const entry = (over: Partial<RejectedInput> = {}): RejectedInput => ({
  queue: "msgraph-push",
  messageId: "push-abc/1?#",
  sessionId: "JSMITH",
  deliveryCount: 1,
  enqueuedTimeUtc: new Date("2026-11-30T04:00:00Z"),
  code: "invalid-message",
  reason: "data.start: expected ISO 8601 date-time with offset",
  body: '{"kind":"appointment","user":"JSMITH"}',
  bodyEncoding: "json",
  ...over,
});

describe("Rejected table", () => {
  it("keeps every column an admin needs, and a long body intact across chunks", async () => {
    const long = "x".repeat(95_000) + "é✓";
    const saved = await store.save(
      entry({ messageId: "long-1", body: long, bodyEncoding: "text" }),
      new Date("2026-11-30T05:00:00Z"),
    );
    const row = await store.get("msgraph-push", saved.id);
    expect(row).toMatchObject({
      queue: "msgraph-push",
      messageId: "long-1",
      sessionId: "JSMITH",
      deliveryCount: 1,
      code: "invalid-message",
      reason: "data.start: expected ISO 8601 date-time with offset",
      bodyEncoding: "text",
      replayCount: 0,
    });
    expect(row?.body).toBe(long);
    expect(row?.rejectedAt.toISOString()).toBe("2026-11-30T05:00:00.000Z");
    expect(row?.enqueuedTimeUtc?.toISOString()).toBe("2026-11-30T04:00:00.000Z");
  });

  it("is idempotent per MessageId (a redelivered copy overwrites its row) and encodes unsafe key characters", async () => {
    await store.save(entry());
    await store.save(entry({ deliveryCount: 2 }));
    const rows = (await store.list({ queue: "msgraph-push" })).filter((r) => r.messageId === "push-abc/1?#");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.deliveryCount).toBe(2);
    expect(rows[0]?.id).not.toMatch(/[/?#]/);
  });

  it("replays a row: the original body goes back to its queue and session under a new MessageId", async () => {
    const body = '{"kind":"task","op":"UPDATE","user":"RP"}';
    const row = await store.save(entry({ queue: "msgraph-push", messageId: "to-replay", sessionId: "RP", body }));
    const first = await replayRejected(store, sender, "msgraph-push", row.id);
    const second = await replayRejected(store, sender, "msgraph-push", row.id);
    expect([first.messageId, second.messageId]).toEqual(["to-replay-replay-1", "to-replay-replay-2"]);
    const sent = sb
      .queue("msgraph-push")
      .messages()
      .filter((m) => m.messageId?.startsWith("to-replay-replay-"));
    expect(sent.map((m) => [m.sessionId, m.body.toString("utf8")])).toEqual([
      ["RP", body],
      ["RP", body],
    ]);
    expect(await store.get("msgraph-push", row.id)).toMatchObject({
      replayCount: 2,
      replayMessageId: "to-replay-replay-2",
    });
    await expect(replayRejected(store, sender, "msgraph-push", "nope")).rejects.toMatchObject({
      code: "rejected-not-found",
    });
  });

  it("keys a message without MessageId by the hash of its body", async () => {
    const row = await store.save(entry({ queue: "msgraph-pull", messageId: undefined, body: "garbage" }));
    expect(row.id).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect((await store.list({ queue: "msgraph-pull" })).map((r) => r.body)).toContain("garbage");
  });
});
