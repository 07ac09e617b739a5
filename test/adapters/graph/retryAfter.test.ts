// Retry-After parsing and the retry decision (which statuses, how long, when to give the answer back instead).
import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../../shared/adapters/graph/retryAfter.js";
import {
  DEFAULT_RETRY_POLICY,
  RETRY_THROTTLED_ONLY,
  retryDelay,
  TRY_ONCE,
  type RetryPolicy,
} from "../../../shared/adapters/graph/retryAfterHandler.js";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe("parseRetryAfter", () => {
  it.each<[string | null | undefined, number | undefined]>([
    ["2.128", 2128],
    ["0.0005", 1],
    ["120", 120_000],
    [" 7 ", 7000],
    ["0", 0],
    ["Thu, 01 Jan 2026 12:00:30 GMT", 30_000],
    ["Thu, 01 Jan 2026 11:59:00 GMT", 0],
    ["Thursday, 01-Jan-26 12:00:10 GMT", 10_000],
    ["-5", undefined],
    ["soon", undefined],
    ["", undefined],
    [null, undefined],
    [undefined, undefined],
  ])("%s → %s ms", (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe("retryDelay", () => {
  const policy: RetryPolicy = { maxTries: 3, maxWaitMs: 30_000, defaultDelayMs: 1000, retryOn: [429, 503] };
  it.each<[string, number, string | null, number, number | undefined]>([
    ["429 honours Retry-After", 429, "2.128", 1, 2128],
    ["503 honours Retry-After", 503, "4", 2, 4000],
    ["429 without header backs off", 429, null, 1, 1000],
    ["second attempt doubles", 503, null, 2, 2000],
    ["last attempt gives the answer back", 429, "1", 3, undefined],
    ["beyond the wait bound gives the answer back", 429, "31", 1, undefined],
    ["exactly the bound still waits", 429, "30", 1, 30_000],
    ["500 is not retried here", 500, "1", 1, undefined],
    ["200 is not retried", 200, null, 1, undefined],
  ])("%s", (_n, status, header, attempt, expected) => {
    expect(retryDelay(status, header, attempt, policy, NOW)).toBe(expected);
  });
});

describe("retryDelay with a per-request policy (merged over the client's)", () => {
  const once = { ...DEFAULT_RETRY_POLICY, ...TRY_ONCE };
  const throttledOnly = { ...DEFAULT_RETRY_POLICY, ...RETRY_THROTTLED_ONLY };
  it.each<[string, RetryPolicy, number, number | undefined]>([
    ["TRY_ONCE: a 429 is given back at once", once, 429, undefined],
    ["TRY_ONCE: a 503 is given back at once", once, 503, undefined],
    ["RETRY_THROTTLED_ONLY: a 429 (not acted on) is retried", throttledOnly, 429, 1000],
    ["RETRY_THROTTLED_ONLY: a 503 (may have acted) is given back", throttledOnly, 503, undefined],
    ["default: a 503 is retried", DEFAULT_RETRY_POLICY, 503, 1000],
  ])("%s", (_n, p, status, expected) => {
    expect(retryDelay(status, "1", 1, p, NOW)).toBe(expected);
  });
});
