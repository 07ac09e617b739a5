// Pure helpers of the email use case: the scheduled copy's MessageId and the backoff without Retry-After.
import { describe, expect, it } from "vitest";
import { retryBackoffMs, retryMessageId } from "../../../shared/app/email/sendEmail.js";
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

describe("retryMessageId", () => {
  it.each([
    [undefined, `${base}-retry-1`],
    [base, `${base}-retry-1`],
    [`${base}-retry-1`, `${base}-retry-2`],
    [`${base}-retry-41`, `${base}-retry-42`],
    ["something-the-erp-chose", `${base}-retry-1`],
  ])("after %s → %s (fits Service Bus' 128 characters)", (current, want) => {
    expect(retryMessageId(m, current)).toBe(want);
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
