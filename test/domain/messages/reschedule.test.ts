// The one reschedule scheme: the n-th copy's MessageId and the properties that count the chain.
import { describe, expect, it } from "vitest";
import { nextReschedule, rescheduledMessageId } from "../../../shared/domain/messages/reschedule.js";

describe("nextReschedule", () => {
  it.each([
    [undefined, 1],
    [0, 1],
    [3, 4],
  ])("after %s copies the next is number %d, named after the chain's first MessageId", (soFar, n) => {
    expect(nextReschedule("first-id", soFar)).toEqual({
      n,
      messageId: `first-id-r${n}`,
      properties: { rescheduleCount: n, rescheduledFrom: "first-id" },
    });
  });

  it("a first id too long for Service Bus is hashed, the same way every time", () => {
    const long = "x".repeat(127);
    const a = nextReschedule(long, 0).messageId;
    expect(a).toBe(rescheduledMessageId(long, 1));
    expect(a.length).toBeLessThanOrEqual(128);
    expect(a).toMatch(/^[0-9a-f]{64}-r1$/);
  });
});
