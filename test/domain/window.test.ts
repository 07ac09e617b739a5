// The sync window in whole UTC days (end exclusive = whole last day inside) and overlap of events with it.
import { describe, expect, it } from "vitest";
import { overlapsWindow, sameWindow, syncWindow, windowToIso } from "../../shared/domain/window.js";

const iso = (w: { start: Date; end: Date }) => [w.start.toISOString(), w.end.toISOString()];

describe("syncWindow", () => {
  it.each([
    ["2026-11-30T04:05:00Z", 1, 21, "2026-11-29T00:00:00.000Z", "2026-12-22T00:00:00.000Z"],
    ["2026-11-30T00:00:00Z", 0, 0, "2026-11-30T00:00:00.000Z", "2026-12-01T00:00:00.000Z"],
    ["2026-11-30T23:59:59.999Z", 7, 1, "2026-11-23T00:00:00.000Z", "2026-12-02T00:00:00.000Z"],
    ["2026-03-01T12:00:00Z", 1, 30, "2026-02-28T00:00:00.000Z", "2026-04-01T00:00:00.000Z"],
  ])("now %s, back %i, forward %i → [%s, %s)", (now, back, forward, start, end) => {
    expect(iso(syncWindow(new Date(now), back, forward))).toEqual([start, end]);
  });

  it.each([
    [-1, 21, /daysBack/],
    [1, 1.5, /daysForward/],
    [Number.NaN, 1, /daysBack/],
  ])("rejects back %s / forward %s", (back, forward, message) => {
    expect(() => syncWindow(new Date("2026-11-30T00:00:00Z"), back, forward)).toThrow(message);
  });

  it("formats for calendarView and compares", () => {
    const w = syncWindow(new Date("2026-11-30T10:00:00Z"), 1, 21);
    expect(windowToIso(w)).toEqual({
      startDateTime: "2026-11-29T00:00:00.000Z",
      endDateTime: "2026-12-22T00:00:00.000Z",
    });
    expect(sameWindow(w, syncWindow(new Date("2026-11-30T23:00:00Z"), 1, 21))).toBe(true);
    expect(sameWindow(w, syncWindow(new Date("2026-12-01T00:00:00Z"), 1, 21))).toBe(false);
  });
});

describe("overlapsWindow", () => {
  const window = syncWindow(new Date("2026-11-30T10:00:00Z"), 1, 21); // [11-29, 12-22)
  it.each([
    ["inside", "2026-12-01T08:00:00Z", "2026-12-01T09:00:00Z", true],
    ["starts before, ends inside", "2026-11-28T23:00:00Z", "2026-11-29T01:00:00Z", true],
    ["ends exactly at window start", "2026-11-28T23:00:00Z", "2026-11-29T00:00:00Z", false],
    ["entirely before", "2026-11-01T08:00:00Z", "2026-11-01T09:00:00Z", false],
    ["on the last day (inclusive)", "2026-12-21T22:00:00Z", "2026-12-21T23:00:00Z", true],
    ["starts exactly at window end", "2026-12-22T00:00:00Z", "2026-12-22T01:00:00Z", false],
    ["spans the whole window", "2026-11-01T00:00:00Z", "2027-01-01T00:00:00Z", true],
    ["zero length at window start", "2026-11-29T00:00:00Z", "2026-11-29T00:00:00Z", true],
    ["zero length at window end", "2026-12-22T00:00:00Z", "2026-12-22T00:00:00Z", false],
    ["all-day on the first day", "2026-11-29T00:00:00Z", "2026-11-30T00:00:00Z", true],
    ["all-day the day before", "2026-11-28T00:00:00Z", "2026-11-29T00:00:00Z", false],
    ["all-day on the last day", "2026-12-21T00:00:00Z", "2026-12-22T00:00:00Z", true],
  ])("%s → %s", (_name, start, end, expected) => {
    expect(overlapsWindow(new Date(start), new Date(end), window)).toBe(expected);
  });
});
