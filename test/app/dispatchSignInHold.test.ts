// The sign-in hold schedule: 1, 2, 4 … minutes, capped at 1 hour; the bound of holds before a message is set aside.
import { describe, expect, it } from "vitest";
import { SIGN_IN_MAX_HOLDS, signInHoldDelayMs } from "../../shared/app/dispatchMessage.js";

describe("signInHoldDelayMs", () => {
  it.each([
    [0, 60_000],
    [1, 120_000],
    [2, 240_000],
    [5, 1_920_000],
    [6, 3_600_000],
    [19, 3_600_000],
  ])("after %i holds → %i ms", (holds, ms) => {
    expect(signInHoldDelayMs(holds)).toBe(ms);
  });

  it("20 holds add up to about 15 hours before a message is set aside", () => {
    const total = Array.from({ length: SIGN_IN_MAX_HOLDS }, (_, i) => signInHoldDelayMs(i)).reduce((a, b) => a + b);
    expect(total).toBe((1 + 2 + 4 + 8 + 16 + 32 + 14 * 60) * 60_000);
  });
});
