// Idempotency keys: equal content → equal MessageId, any change → a different one; all within 128 characters.
import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  inboundMessageId,
  notificationMessageId,
  pullMessageId,
  pushMessageId,
} from "../../../shared/domain/messages/messageIds.js";
import type { PushMessage } from "../../../shared/domain/messages/pushMessage.js";

const task: PushMessage = {
  kind: "task",
  op: "UPDATE",
  user: "JSMITH",
  kco: "1",
  hsaRef: "T1",
  data: { title: "Call", status: "notStarted", priority: "normal" },
};

describe("canonicalJson", () => {
  it.each([
    [{ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }, '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}'],
    [{ a: undefined, b: "x" }, '{"b":"x"}'],
    ["é", '"é"'],
  ])("%j → %s", (value, text) => expect(canonicalJson(value)).toBe(text));
});

describe("message ids", () => {
  it("are equal for equal content regardless of key order, and differ on any change", () => {
    const reordered = JSON.parse(
      JSON.stringify({ data: task.data, hsaRef: "T1", kco: "1", user: "JSMITH", op: "UPDATE", kind: "task" }),
    );
    expect(pushMessageId(reordered as PushMessage)).toBe(pushMessageId(task));
    expect(pushMessageId({ ...task, op: "DELETE", data: undefined })).not.toBe(pushMessageId(task));
    expect(pushMessageId(task)).toMatch(/^push-[0-9a-f]{64}$/);
  });

  it("key an email by user + messageKey only, so a re-send is dropped even if its content changed", () => {
    const email: PushMessage = {
      kind: "email",
      op: "SEND",
      user: "JSMITH",
      messageKey: "M1",
      data: { to: ["a@example.com"], subject: "x", body: { contentType: "text", content: "1" } },
    };
    const changed = { ...email, data: { ...email.data, subject: "y" } };
    expect(pushMessageId(changed)).toBe(pushMessageId(email));
    expect(pushMessageId({ ...email, user: "OTHER" })).not.toBe(pushMessageId(email));
    expect(pushMessageId(email).length).toBeLessThanOrEqual(128);
  });

  it("collapse repeated notifications by etag, else by time bucket", () => {
    const n = { subscriptionId: "s", changeType: "updated", resource: "Users/u/Events/e", receivedAt: new Date(0) };
    expect(notificationMessageId({ ...n, etag: "W/1", receivedAt: new Date(9e9) })).toBe(
      notificationMessageId({ ...n, etag: "W/1" }),
    );
    expect(notificationMessageId({ ...n, etag: "W/2" })).not.toBe(notificationMessageId({ ...n, etag: "W/1" }));
    expect(notificationMessageId({ ...n, receivedAt: new Date(59_999) })).toBe(notificationMessageId(n));
    expect(notificationMessageId({ ...n, receivedAt: new Date(60_000) })).not.toBe(notificationMessageId(n));
    expect(notificationMessageId({ ...n, changeType: "deleted" })).not.toBe(notificationMessageId(n));
  });

  it("key RESYNC fan-out by run, and erp-inbound by content", () => {
    const m = { source: "RESYNC", user: "J" } as const;
    expect(pullMessageId(m, "2026-11-30")).toBe(pullMessageId({ ...m }, "2026-11-30"));
    expect(pullMessageId(m, "2026-12-01")).not.toBe(pullMessageId(m, "2026-11-30"));
    const sent = { kind: "email", op: "SENT", user: "J", messageKey: "M", outlookId: null } as const;
    expect(inboundMessageId(sent)).toMatch(/^inbound-[0-9a-f]{64}$/);
    expect(inboundMessageId({ ...sent, op: "SENT", outlookId: "x" })).not.toBe(inboundMessageId(sent));
  });
});
