// nextSendSlot: the earliest send time that keeps every sliding minute at or below the mailbox limit.
import { describe, expect, it } from "vitest";
import { nextSendSlot } from "../../../shared/domain/email/sendSlot.js";

const rate = { limit: 3, windowMs: 60_000 };
const NOW = 1_000_000;

describe("nextSendSlot", () => {
  it.each([
    { name: "empty log → now", others: [], want: NOW },
    { name: "under the limit → now", others: [NOW - 10_000, NOW - 5_000], want: NOW },
    {
      name: "at the limit → when the oldest leaves the window",
      others: [NOW - 50_000, NOW - 20_000, NOW - 1],
      want: NOW + 10_000,
    },
    {
      name: "entries older than the window do not count",
      others: [NOW - 60_000, NOW - 70_000, NOW - 90_000],
      want: NOW,
    },
    {
      name: "future reservations count: the window after now is full",
      others: [NOW - 30_000, NOW + 5_000, NOW + 10_000],
      want: NOW + 30_000,
    },
    {
      name: "now fits the past minute but would overfill the minute of a later reservation",
      others: [NOW + 5_000, NOW + 10_000, NOW + 50_000],
      want: NOW + 65_000,
    },
    {
      name: "a free slot before reservations that still leave room",
      others: [NOW - 59_000, NOW + 10_000, NOW + 20_000],
      want: NOW,
    },
    {
      name: "a long queue of reservations → after the last one's window",
      others: [NOW, NOW + 1, NOW + 2, NOW + 60_000, NOW + 60_001, NOW + 60_002],
      want: NOW + 120_000,
    },
  ])("$name", ({ others, want }) => {
    expect(nextSendSlot(others, NOW, rate)).toBe(want);
  });

  it("spaces 31 back-to-back sends at 30/min: the 31st waits for the first's minute to pass", () => {
    const sent: number[] = [];
    for (let i = 0; i < 30; i++) sent.push(nextSendSlot(sent, NOW + i * 100));
    expect(sent.every((t, i) => t === NOW + i * 100)).toBe(true);
    expect(nextSendSlot(sent, NOW + 3_000)).toBe(NOW + 60_000);
  });
});
