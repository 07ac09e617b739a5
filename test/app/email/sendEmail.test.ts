// Pure helpers of the email use case: the scheduled copy's MessageId (shared scheme) and the backoff without Retry-After.
import { describe, expect, it } from "vitest";
import { emailReschedule, retryBackoffMs } from "../../../shared/app/email/sendEmail.js";
import { pushMessageId } from "../../../shared/domain/messages/messageIds.js";
import type { PushMessageOf } from "../../../shared/domain/messages/pushMessage.js";

const m: PushMessageOf<"email"> = {
  kind: "email",
  op: "SEND",
  user: "JSMITH",
  messageKey: "MAIL-1",
  data: { to: ["a@fabrikam.test"], subject: "s", body: { contentType: "text", content: "" } },
};
const base = pushMessageId(m);

describe("emailReschedule (the queues' one reschedule scheme)", () => {
  it.each([
    [undefined, `${base}-r1`, 1],
    [0, `${base}-r1`, 1],
    [1, `${base}-r2`, 2],
    [41, `${base}-r42`, 42],
  ])("after %s reschedules → %s (fits Service Bus' 128 characters)", (count, want, n) => {
    const next = emailReschedule(m, { rescheduleCount: count });
    expect(next.messageId).toBe(want);
    expect(next.properties).toEqual({ rescheduleCount: n, rescheduledFrom: base });
    expect(want.length).toBeLessThanOrEqual(128);
  });
});

describe("retryBackoffMs", () => {
  it.each([
    [1, 10_000],
    [2, 20_000],
    [4, 80_000],
    [7, 600_000],
    [20, 600_000],
  ])("retry %d → %d ms", (n, want) => {
    expect(retryBackoffMs(n)).toBe(want);
  });
});
