// Tests of the simulator's recurrence expansion: each Graph pattern and range type, and field-naming validation.
import { describe, expect, it } from "vitest";
import { formatDate, occurrenceDates, parseRecurrence } from "./recurrence.js";

const dates = (recurrence: unknown, start: string, until = "2040-01-01"): string[] => {
  const stop = Date.parse(`${until}T00:00:00Z`);
  return [...occurrenceDates(parseRecurrence(recurrence, start), (d) => d >= stop)].map(formatDate);
};

describe("recurrence patterns", () => {
  it.each([
    {
      name: "daily, every 2nd day, 4 occurrences",
      r: {
        pattern: { type: "daily", interval: 2 },
        range: { type: "numbered", startDate: "2030-05-01", numberOfOccurrences: 4 },
      },
      want: ["2030-05-01", "2030-05-03", "2030-05-05", "2030-05-07"],
    },
    {
      name: "weekly on Monday and Wednesday until an end date (inclusive)",
      r: {
        pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday", "wednesday"], firstDayOfWeek: "sunday" },
        range: { type: "endDate", startDate: "2030-05-01", endDate: "2030-05-13" },
      },
      want: ["2030-05-01", "2030-05-06", "2030-05-08", "2030-05-13"],
    },
    {
      name: "weekly every 2nd week on Friday",
      r: {
        pattern: { type: "weekly", interval: 2, daysOfWeek: ["friday"] },
        range: { type: "numbered", startDate: "2030-05-01", numberOfOccurrences: 3 },
      },
      want: ["2030-05-03", "2030-05-17", "2030-05-31"],
    },
    {
      name: "absoluteMonthly on the 31st: short months take their last day",
      r: {
        pattern: { type: "absoluteMonthly", interval: 1, dayOfMonth: 31 },
        range: { type: "numbered", startDate: "2030-01-31", numberOfOccurrences: 4 },
      },
      want: ["2030-01-31", "2030-02-28", "2030-03-31", "2030-04-30"],
    },
    {
      name: "relativeMonthly on the last Friday",
      r: {
        pattern: { type: "relativeMonthly", interval: 1, daysOfWeek: ["friday"], index: "last" },
        range: { type: "numbered", startDate: "2030-01-01", numberOfOccurrences: 3 },
      },
      want: ["2030-01-25", "2030-02-22", "2030-03-29"],
    },
    {
      name: "relativeMonthly on the first Monday of every 2nd month",
      r: {
        pattern: { type: "relativeMonthly", interval: 2, daysOfWeek: ["monday"], index: "first" },
        range: { type: "numbered", startDate: "2030-01-01", numberOfOccurrences: 3 },
      },
      want: ["2030-01-07", "2030-03-04", "2030-05-06"],
    },
    {
      name: "absoluteYearly on 29 February: other years take the 28th",
      r: {
        pattern: { type: "absoluteYearly", interval: 1, month: 2, dayOfMonth: 29 },
        range: { type: "numbered", startDate: "2028-02-29", numberOfOccurrences: 3 },
      },
      want: ["2028-02-29", "2029-02-28", "2030-02-28"],
    },
    {
      name: "relativeYearly on the second Sunday of March (the US DST change)",
      r: {
        pattern: { type: "relativeYearly", interval: 1, month: 3, daysOfWeek: ["sunday"], index: "second" },
        range: { type: "numbered", startDate: "2030-01-01", numberOfOccurrences: 3 },
      },
      want: ["2030-03-10", "2031-03-09", "2032-03-14"],
    },
    {
      name: "noEnd runs until the caller stops it",
      r: { pattern: { type: "daily", interval: 1 }, range: { type: "noEnd", startDate: "2030-05-01" } },
      until: "2030-05-04",
      want: ["2030-05-01", "2030-05-02", "2030-05-03"],
    },
    {
      name: "a missing range.startDate is the event's start date",
      r: { pattern: { type: "daily", interval: 1 }, range: { type: "numbered", numberOfOccurrences: 2 } },
      want: ["2030-06-10", "2030-06-11"],
    },
  ])("$name", ({ r, want, until }) => {
    expect(dates(r, "2030-06-10", until)).toEqual(want);
  });
});

describe("recurrence validation", () => {
  it.each([
    [{ pattern: { type: "hourly", interval: 1 }, range: { type: "noEnd" } }, "recurrence.pattern.type"],
    [{ pattern: { type: "daily", interval: 0 }, range: { type: "noEnd" } }, "recurrence.pattern.interval"],
    [{ pattern: { type: "weekly", interval: 1 }, range: { type: "noEnd" } }, "recurrence.pattern.daysOfWeek"],
    [
      { pattern: { type: "weekly", interval: 1, daysOfWeek: ["funday"] }, range: { type: "noEnd" } },
      "recurrence.pattern.daysOfWeek[0]",
    ],
    [{ pattern: { type: "absoluteMonthly", interval: 1 }, range: { type: "noEnd" } }, "recurrence.pattern.dayOfMonth"],
    [{ pattern: { type: "daily", interval: 1 }, range: { type: "endDate" } }, "recurrence.range.endDate"],
    [{ pattern: { type: "daily", interval: 1 }, range: { type: "numbered" } }, "recurrence.range.numberOfOccurrences"],
    [
      { pattern: { type: "daily", interval: 1 }, range: { type: "noEnd", startDate: "2030-02-30" } },
      "recurrence.range.startDate",
    ],
    [{ pattern: { type: "daily", interval: 1 } }, "recurrence.range"],
  ])("%j → 400 naming %s", (r, field) => {
    expect(() => parseRecurrence(r, "2030-06-10")).toThrow(
      expect.objectContaining({ status: 400, message: expect.stringContaining(`${field}:`) }),
    );
  });
});
