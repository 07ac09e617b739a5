// The synchronisation date window [today − EVENT_DAYS_BACK, today + EVENT_DAYS_FORWARD], in whole UTC days.
import { PermanentError } from "./errors.js";

/** A half-open interval of instants: `start` inclusive, `end` exclusive. */
export interface SyncWindow {
  start: Date;
  end: Date;
}

const DAY_MS = 86_400_000;

/** UTC midnight at the start of the day containing `instant`. */
export function startOfUtcDay(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / DAY_MS) * DAY_MS);
}

function wholeDays(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new PermanentError("invalidWindow", `${name}: expected a whole number of days ≥ 0, got ${value}`);
  }
  return value;
}

/**
 * The window for `now`: start = UTC midnight of (today − daysBack); end = UTC midnight of (today + daysForward + 1),
 * exclusive — so the whole last day (today + daysForward) is inside. daysBack 1 = from yesterday 00:00Z;
 * daysForward 21 = up to and including the day three weeks from today.
 */
export function syncWindow(now: Date, daysBack: number, daysForward: number): SyncWindow {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new PermanentError("invalidWindow", "now: expected a valid Date");
  }
  const today = startOfUtcDay(now).getTime();
  return {
    start: new Date(today - wholeDays(daysBack, "daysBack") * DAY_MS),
    end: new Date(today + (wholeDays(daysForward, "daysForward") + 1) * DAY_MS),
  };
}

/**
 * Whether an item running [start, end) touches the window. An item that only touches the window's edges does not
 * overlap (an event ending at window.start 00:00 is outside). A zero-length item (start = end) is inside when
 * window.start ≤ start < window.end. For all-day items pass UTC midnights of their first day and the day after
 * their last day (what `OutlookEvent`/`ErpAppointment` normalisation produces).
 */
export function overlapsWindow(start: Date, end: Date, window: SyncWindow): boolean {
  const s = start.getTime();
  const e = Math.max(end.getTime(), s);
  const ws = window.start.getTime();
  const we = window.end.getTime();
  if (e === s) return s >= ws && s < we;
  return s < we && e > ws;
}

/** Window as ISO strings (for calendarView/delta's startDateTime/endDateTime and for storage). */
export function windowToIso(window: SyncWindow): { startDateTime: string; endDateTime: string } {
  return { startDateTime: window.start.toISOString(), endDateTime: window.end.toISOString() };
}

/** True when both windows cover exactly the same instants. */
export function sameWindow(a: SyncWindow, b: SyncWindow): boolean {
  return a.start.getTime() === b.start.getTime() && a.end.getTime() === b.end.getTime();
}
