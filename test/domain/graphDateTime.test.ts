// Graph dateTime+timeZone and ERP ISO strings → exact UTC instants, across zones, DST edges and bad input.
import { describe, expect, it } from "vitest";
import { PermanentError } from "../../shared/domain/errors.js";
import {
  addDays,
  graphDateTimeToInstant,
  instantToGraphDateTime,
  isKnownTimeZone,
  parseErpDateTime,
  resolveZone,
  toGraphUtcDateTime,
  WINDOWS_TO_IANA,
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

describe("DST changes: 09:00 local stays 09:00 local, the UTC instant moves by the hour", () => {
  // UK: last Sundays of March and October (29 Mar, 25 Oct 2026); US: second Sunday of March, first of November
  // (8 Mar, 1 Nov 2026).
  it.each([
    ["GMT Standard Time", "2026-03-28", "2026-03-28T09:00:00.000Z"],
    ["GMT Standard Time", "2026-03-29", "2026-03-29T08:00:00.000Z"],
    ["GMT Standard Time", "2026-10-24", "2026-10-24T08:00:00.000Z"],
    ["GMT Standard Time", "2026-10-25", "2026-10-25T09:00:00.000Z"],
    ["Europe/London", "2026-03-29", "2026-03-29T08:00:00.000Z"],
    ["Pacific Standard Time", "2026-03-07", "2026-03-07T17:00:00.000Z"],
    ["Pacific Standard Time", "2026-03-08", "2026-03-08T16:00:00.000Z"],
    ["Pacific Standard Time", "2026-10-31", "2026-10-31T16:00:00.000Z"],
    ["Pacific Standard Time", "2026-11-01", "2026-11-01T17:00:00.000Z"],
    ["Eastern Standard Time", "2026-03-08", "2026-03-08T13:00:00.000Z"],
    ["Eastern Standard Time", "2026-11-01", "2026-11-01T14:00:00.000Z"],
    ["America/Los_Angeles", "2026-11-01", "2026-11-01T17:00:00.000Z"],
  ])("%s on %s: 09:00 is %s and reads back as 09:00", (timeZone, date, instant) => {
    expect(graphDateTimeToInstant({ dateTime: `${date}T09:00:00.0000000`, timeZone }).toISOString()).toBe(instant);
    expect(instantToGraphDateTime(new Date(instant), timeZone)).toBe(`${date}T09:00:00.0000000`);
  });

  it.each([
    // the hour of the change itself: UK 01:00Z on 29 Mar is 02:00 BST; 00:59:59Z still 00:59:59 GMT
    ["2026-03-29T00:59:59.000Z", "GMT Standard Time", "2026-03-29T00:59:59.0000000"],
    ["2026-03-29T01:00:00.000Z", "GMT Standard Time", "2026-03-29T02:00:00.0000000"],
    ["2026-10-25T00:30:00.000Z", "GMT Standard Time", "2026-10-25T01:30:00.0000000"],
    ["2026-10-25T01:30:00.000Z", "GMT Standard Time", "2026-10-25T01:30:00.0000000"],
    ["2026-03-08T10:00:00.000Z", "Pacific Standard Time", "2026-03-08T03:00:00.0000000"],
    ["2026-03-08T09:59:00.000Z", "Pacific Standard Time", "2026-03-08T01:59:00.0000000"],
    ["2026-12-01T08:00:00.250Z", "UTC", "2026-12-01T08:00:00.2500000"],
    ["2026-12-01T08:00:00.000Z", "+05:30", "2026-12-01T13:30:00.0000000"],
    ["2026-12-01T08:00:00.000Z", "Tokyo Standard Time", "2026-12-01T17:00:00.0000000"],
  ])("instantToGraphDateTime(%s, %s) → %s", (instant, timeZone, wall) => {
    expect(instantToGraphDateTime(new Date(instant), timeZone)).toBe(wall);
  });

  it("an unknown zone is refused, naming the field", () => {
    expect(() => instantToGraphDateTime(new Date(0), "Mars Standard Time", "mailboxTimeZone")).toThrow(
      /mailboxTimeZone: unknown time zone "Mars Standard Time"/,
    );
  });
});

describe("time-zone names", () => {
  it("every Windows name of the table resolves to a zone Intl knows", () => {
    const names = Object.keys(WINDOWS_TO_IANA);
    expect(names.length).toBeGreaterThan(100);
    for (const name of names) expect(resolveZone(name, "t"), name).toMatchObject({ kind: expect.any(String) });
  });

  it.each([
    ["GMT Standard Time", { kind: "iana", name: "Europe/London" }],
    ["gmt standard time", { kind: "iana", name: "Europe/London" }],
    ["Pacific Standard Time", { kind: "iana", name: "America/Los_Angeles" }],
    ["UTC-11", { kind: "fixed", offsetMinutes: -660 }],
    ["UTC", { kind: "fixed", offsetMinutes: 0 }],
    ["Europe/Amsterdam", { kind: "iana", name: "Europe/Amsterdam" }],
  ])("%s → %j", (name, zone) => {
    expect(resolveZone(name, "t")).toEqual(zone);
  });

  it.each([
    ["Pacific Standard Time", true],
    ["America/Los_Angeles", true],
    ["+02:00", true],
    ["Pacific Time", false],
    ["", false],
  ])("isKnownTimeZone(%j) = %s", (name, known) => {
    expect(isKnownTimeZone(name)).toBe(known);
  });
});
