// The local host's NCRONTAB reading: next occurrences and the errors that name the field.
import { describe, expect, it } from "vitest";
import { nextOccurrence, parseNcrontab } from "../../../sandbox/host/ncrontab.js";

describe("nextOccurrence", () => {
  it.each([
    ["0 0 2 * * *", "2026-12-02T14:11:44Z", "2026-12-03T02:00:00.000Z"],
    ["0 0 2 * * *", "2026-12-02T01:59:59Z", "2026-12-02T02:00:00.000Z"],
    ["0 0 2 * * *", "2026-12-02T02:00:00Z", "2026-12-03T02:00:00.000Z"],
    ["*/15 * * * * *", "2026-12-02T14:11:44Z", "2026-12-02T14:11:45.000Z"],
    ["0 */5 * * * *", "2026-12-02T14:11:44Z", "2026-12-02T14:15:00.000Z"],
    ["0 30 9 * * mon-fri", "2026-12-04T10:00:00Z", "2026-12-07T09:30:00.000Z"],
    ["0 0 0 1 jan *", "2026-12-02T00:00:00Z", "2027-01-01T00:00:00.000Z"],
    ["0 0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00.000Z"],
    ["0 0 12 1,15 * *", "2026-12-02T00:00:00Z", "2026-12-15T12:00:00.000Z"],
  ])("%s after %s → %s", (expr, after, next) => {
    expect(nextOccurrence(parseNcrontab(expr), new Date(after)).toISOString()).toBe(next);
  });
});

describe("parseNcrontab", () => {
  it.each([
    ["0 0 2 * *", "expected 6 fields"],
    ["0 0 24 * * *", "hour must be 0-23"],
    ["0 0 2 * foo *", 'month must be 1-12, got "foo"'],
    ["0 0 2 * * 1-x", 'day of week must be 0-6, got "x"'],
    ["*/0 * * * * *", "second step must be a positive whole number"],
    ["0 0 5-2 * * *", 'hour range "5-2" runs backwards'],
  ])("%s → %s", (expr, message) => {
    expect(() => parseNcrontab(expr)).toThrow(message);
  });
});
