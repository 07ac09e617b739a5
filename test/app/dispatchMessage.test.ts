// The dispatcher's pure pieces: the rescheduled copy's MessageId and delay, and reading the reschedule count the host
// hands over in triggerMetadata.
import { describe, expect, it } from "vitest";
import { deliveryInfoFrom, rescheduleDelayMs, rescheduledMessageId } from "../../shared/app/dispatchMessage.js";

describe("rescheduledMessageId", () => {
  const long = "m".repeat(126);
  it.each([
    ["push-abc", 1, "push-abc-r1"],
    ["push-abc", 20, "push-abc-r20"],
    ["m".repeat(125), 1, `${"m".repeat(125)}-r1`], // exactly 128
  ])("%s, n=%i → %s", (first, n, expected) => {
    expect(rescheduledMessageId(first, n)).toBe(expected);
  });

  it("hashes a first MessageId that would pass 128 characters, still deterministic per attempt", () => {
    const a = rescheduledMessageId(long, 3);
    expect(a).toMatch(/^[0-9a-f]{64}-r3$/);
    expect(rescheduledMessageId(long, 3)).toBe(a);
    expect(rescheduledMessageId(long, 4)).not.toBe(a);
  });
});

describe("rescheduleDelayMs", () => {
  const cap = 15 * 60_000;
  it.each([
    [1_500, 0, cap, 1_500],
    [1_500, 0.999, cap, 1_649], // + up to 10 %
    [120_000, 0.999, cap, 124_995], // jitter at most 5 s
    [3_600_000, 0.5, cap, cap], // a Retry-After of an hour is capped at 15 minutes
    [0.4, 0, cap, 1],
  ])("retryAfter %i ms, random %f → %i ms", (retryAfterMs, random, max, expected) => {
    expect(rescheduleDelayMs(retryAfterMs, random, max)).toBe(expected);
  });
});

describe("deliveryInfoFrom", () => {
  it.each([
    ["no properties", {}, 0, undefined],
    ["a copy (number)", { applicationProperties: { rescheduleCount: 3, rescheduledFrom: "m-1" } }, 3, "m-1"],
    ["a copy (string)", { applicationProperties: { rescheduleCount: "2", rescheduledFrom: "m-1" } }, 2, "m-1"],
    ["JSON text", { applicationProperties: '{"rescheduleCount":4,"rescheduledFrom":"x"}' }, 4, "x"],
    ["userProperties only", { userProperties: { rescheduleCount: 5 } }, 5, undefined],
    ["nonsense count", { applicationProperties: { rescheduleCount: "-1" } }, 0, undefined],
    ["a fraction", { applicationProperties: { rescheduleCount: 1.5 } }, 0, undefined],
  ])("%s", (_n, meta, count, from) => {
    const d = deliveryInfoFrom("q", { messageId: "m", deliveryCount: 1, ...meta });
    expect(d.rescheduleCount).toBe(count);
    expect(d.rescheduledFrom).toBe(from);
  });

  it("keeps primitive application properties only (they ride along on a copy)", () => {
    const d = deliveryInfoFrom("q", {
      applicationProperties: { a: "x", b: 1, c: true, d: null, e: { nested: 1 }, f: [1] },
    });
    expect(d.applicationProperties).toEqual({ a: "x", b: 1, c: true, d: null });
  });
});
