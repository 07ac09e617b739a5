// Graph dateTime+timeZone and ERP ISO strings → exact UTC instants, across zones, DST edges and bad input.
import { describe, expect, it } from "vitest";
import { PermanentError } from "../../shared/domain/errors.js";
import {
  addDays,
  graphDateTimeToInstant,
  parseErpDateTime,
  toGraphUtcDateTime,
} from "../../shared/domain/graphDateTime.js";

describe("graphDateTimeToInstant", () => {
  it.each([
    ["2026-12-01T08:00:00.0000000", "UTC", "2026-12-01T08:00:00.000Z"],
    ["2026-12-01T08:00:00", "utc", "2026-12-01T08:00:00.000Z"],
    ["2026-12-01T08:00:00.5", "UTC", "2026-12-01T08:00:00.500Z"],
    ["2026-12-01T08:00:00.1234567", "Etc/UTC", "2026-12-01T08:00:00.123Z"],
    ["2026-12-01T09:00:00.0000000", "W. Europe Standard Time", "2026-12-01T08:00:00.000Z"],
    ["2026-07-01T09:00:00.0000000", "W. Europe Standard Time", "2026-07-01T07:00:00.000Z"],
    ["2026-07-01T09:00:00", "Europe/Amsterdam", "2026-07-01T07:00:00.000Z"],
    ["2026-12-01T09:00:00", "Europe/Amsterdam", "2026-12-01T08:00:00.000Z"],
    ["2026-07-01T09:00:00", "GMT Standard Time", "2026-07-01T08:00:00.000Z"],
    ["2026-12-01T09:00:00", "GMT Standard Time", "2026-12-01T09:00:00.000Z"],
    ["2026-07-01T09:00:00", "Europe/London", "2026-07-01T08:00:00.000Z"],
    ["2017-04-15T11:00:00.0000000", "Pacific Standard Time", "2017-04-15T18:00:00.000Z"],
    ["2026-12-01T09:00:00", "+01:00", "2026-12-01T08:00:00.000Z"],
    ["2026-12-01T09:00:00", "UTC-05:00", "2026-12-01T14:00:00.000Z"],
    ["2026-12-01T09:00:00", "UTC+05:30", "2026-12-01T03:30:00.000Z"],
    // the dateTime's own offset wins over the zone
    ["2026-12-01T08:00:00Z", "Pacific Standard Time", "2026-12-01T08:00:00.000Z"],
    ["2026-12-01T09:00:00+01:00", "UTC", "2026-12-01T08:00:00.000Z"],
    // spring forward (Amsterdam 29 Mar 2026, 02:00 → 03:00): 02:30 does not exist → read as 03:30 CEST
    ["2026-03-29T02:30:00", "Europe/Amsterdam", "2026-03-29T01:30:00.000Z"],
    // fall back (25 Oct 2026, 03:00 → 02:00): 02:30 happens twice → the earlier (CEST)
    ["2026-10-25T02:30:00", "W. Europe Standard Time", "2026-10-25T00:30:00.000Z"],
    ["2026-10-25T03:30:00", "Europe/Amsterdam", "2026-10-25T02:30:00.000Z"],
  ])("%s in %s → %s", (dateTime, timeZone, expected) => {
    expect(graphDateTimeToInstant({ dateTime, timeZone }).toISOString()).toBe(expected);
  });

  it.each([
    [{ dateTime: "2026-12-01T09:00:00", timeZone: "Mars Standard Time" }, /unknown time zone "Mars Standard Time"/],
    [{ dateTime: "2026-12-01T09:00:00", timeZone: "" }, /start\.timeZone: expected a time zone name/],
    [{ dateTime: "2026-02-30T09:00:00", timeZone: "UTC" }, /not a valid calendar date-time/],
    [{ dateTime: "tomorrow", timeZone: "UTC" }, /start\.dateTime: "tomorrow" is not an ISO 8601 date-time/],
    [{ dateTime: "2026-12-01T09:00:00", timeZone: "UTC+15:00" }, /not a valid UTC offset/],
  ])("rejects %j with a PermanentError naming the field", (value, message) => {
    const run = () => graphDateTimeToInstant(value, "start");
    expect(run).toThrow(PermanentError);
    expect(run).toThrow(message);
  });
});

describe("parseErpDateTime", () => {
  it.each([
    ["2026-12-01T09:00:00+01:00", false, "2026-12-01T08:00:00.000Z", "2026-12-01", false],
    ["2026-12-01T00:00:00+01:00", false, "2026-11-30T23:00:00.000Z", "2026-12-01", true],
    ["2026-12-01T08:00:00Z", false, "2026-12-01T08:00:00.000Z", "2026-12-01", false],
    ["2026-12-01T08:00:00.250-0500", false, "2026-12-01T13:00:00.250Z", "2026-12-01", false],
    ["2026-12-01", true, "2026-12-01T00:00:00.000Z", "2026-12-01", true],
  ])("%s (dateOnly %s) → %s, date %s, midnight %s", (value, dateOnly, instant, date, midnight) => {
    const parsed = parseErpDateTime(value, "data.start", dateOnly);
    expect(parsed.instant.toISOString()).toBe(instant);
    expect(parsed.date).toBe(date);
    expect(parsed.isMidnight).toBe(midnight);
  });

  it.each([
    ["2026-12-01T09:00:00", false],
    ["2026-12-01", false],
    ["01/12/2026 09:00", false],
  ])("rejects %s naming the field", (value, dateOnly) => {
    expect(() => parseErpDateTime(value, "data.start", dateOnly)).toThrow(/^data\.start: /);
  });
});

describe("helpers", () => {
  it.each([
    ["2026-12-31", 1, "2027-01-01"],
    ["2028-02-28", 1, "2028-02-29"],
    ["2026-03-01", -1, "2026-02-28"],
  ])("addDays(%s, %i) = %s", (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it("writes Graph's 7-digit UTC dateTime", () => {
    expect(toGraphUtcDateTime(new Date("2026-12-01T08:00:00.123Z"))).toBe("2026-12-01T08:00:00.1230000");
  });
});
