// Graph's patternedRecurrence: validation and expansion of a series into the original start dates of its occurrences.
import { GraphError } from "./http.js";

const DAY_MS = 86_400_000;
const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
const INDEXES = ["first", "second", "third", "fourth", "last"] as const;
const PATTERNS = ["daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly"] as const;
const RANGES = ["endDate", "noEnd", "numbered"] as const;

type Day = (typeof DAYS)[number];
type PatternType = (typeof PATTERNS)[number];

/** A checked recurrence: dates are whole UTC-midnight ms of the wall-clock dates (no zone applies to a date). */
export interface Recurrence {
  type: PatternType;
  interval: number;
  daysOfWeek: number[];
  dayOfMonth: number;
  month: number;
  index: (typeof INDEXES)[number];
  firstDayOfWeek: number;
  rangeType: (typeof RANGES)[number];
  startDate: number;
  endDate: number | undefined;
  count: number | undefined;
  /** the recurrence as Graph echoes it back */
  echo: Record<string, unknown>;
}

const bad = (field: string, why: string): GraphError =>
  new GraphError(400, "ErrorInvalidRequest", `recurrence.${field}: ${why}`);

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
function parseDate(v: unknown, field: string): number {
  const m = typeof v === "string" ? DATE_RE.exec(v) : null;
  if (!m) throw bad(field, `expected a date YYYY-MM-DD, got ${JSON.stringify(v)}`);
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!);
  if (new Date(ms).toISOString().slice(0, 10) !== v) throw bad(field, `${String(v)} is not a calendar date`);
  return ms;
}
export const formatDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function day(v: unknown, field: string): number {
  const i = DAYS.indexOf(String(v).toLowerCase() as Day);
  if (i < 0) throw bad(field, `expected one of ${DAYS.join(", ")}, got ${JSON.stringify(v)}`);
  return i;
}

function int(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
    throw bad(field, `expected a whole number ${min}–${max}, got ${JSON.stringify(v)}`);
  return v;
}

/** Checks a recurrence as POST/PATCH send it; errors name the field. `eventStartDate` fills a missing range.startDate. */
export function parseRecurrence(raw: unknown, eventStartDate: string): Recurrence {
  if (typeof raw !== "object" || raw === null) throw bad("", "expected {pattern, range}");
  const r = raw as { pattern?: Record<string, unknown>; range?: Record<string, unknown> };
  const p = r.pattern;
  const g = r.range;
  if (!p || typeof p !== "object") throw bad("pattern", "is required");
  if (!g || typeof g !== "object") throw bad("range", "is required");
  const type = p.type as PatternType;
  if (!PATTERNS.includes(type)) throw bad("pattern.type", `expected one of ${PATTERNS.join(", ")}`);
  const interval = int(p.interval, "pattern.interval", 1, 999);
  const needsDays = type === "weekly" || type === "relativeMonthly" || type === "relativeYearly";
  const rawDays = Array.isArray(p.daysOfWeek) ? (p.daysOfWeek as unknown[]) : [];
  if (needsDays && rawDays.length === 0) throw bad("pattern.daysOfWeek", `is required for ${type}`);
  const daysOfWeek = [...new Set(rawDays.map((d, i) => day(d, `pattern.daysOfWeek[${i}]`)))].sort((a, b) => a - b);
  const absolute = type === "absoluteMonthly" || type === "absoluteYearly";
  const dayOfMonth = absolute ? int(p.dayOfMonth, "pattern.dayOfMonth", 1, 31) : 0;
  const yearly = type === "absoluteYearly" || type === "relativeYearly";
  const month = yearly ? int(p.month, "pattern.month", 1, 12) : 0;
  const index = (p.index === undefined ? "first" : p.index) as (typeof INDEXES)[number];
  if (!INDEXES.includes(index)) throw bad("pattern.index", `expected one of ${INDEXES.join(", ")}`);
  const firstDayOfWeek = p.firstDayOfWeek === undefined ? 0 : day(p.firstDayOfWeek, "pattern.firstDayOfWeek");
  const rangeType = g.type as (typeof RANGES)[number];
  if (!RANGES.includes(rangeType)) throw bad("range.type", `expected one of ${RANGES.join(", ")}`);
  const startDate = parseDate(g.startDate ?? eventStartDate, "range.startDate");
  const endDate = rangeType === "endDate" ? parseDate(g.endDate, "range.endDate") : undefined;
  if (endDate !== undefined && endDate < startDate) throw bad("range.endDate", "is before range.startDate");
  const count = rangeType === "numbered" ? int(g.numberOfOccurrences, "range.numberOfOccurrences", 1, 999) : undefined;
  const echo = {
    pattern: {
      type,
      interval,
      month,
      dayOfMonth,
      daysOfWeek: daysOfWeek.map((d) => DAYS[d]),
      firstDayOfWeek: DAYS[firstDayOfWeek],
      index,
    },
    range: {
      type: rangeType,
      startDate: formatDate(startDate),
      endDate: endDate === undefined ? "0001-01-01" : formatDate(endDate),
      recurrenceTimeZone: typeof g.recurrenceTimeZone === "string" ? g.recurrenceTimeZone : "UTC",
      numberOfOccurrences: count ?? 0,
    },
  };
  return {
    type,
    interval,
    daysOfWeek,
    dayOfMonth,
    month,
    index,
    firstDayOfWeek,
    rangeType,
    startDate,
    endDate,
    count,
    echo,
  };
}

const dow = (dateMs: number): number => new Date(dateMs).getUTCDay();
const daysIn = (y: number, m0: number): number => new Date(Date.UTC(y, m0 + 1, 0)).getUTCDate();

/** The `index`-th day in month (y, m0) whose weekday is in `days` (Outlook's "first weekday", "last Friday", …). */
function relativeDay(y: number, m0: number, days: number[], index: Recurrence["index"]): number {
  const hits: number[] = [];
  for (let d = 1; d <= daysIn(y, m0); d++) {
    const ms = Date.UTC(y, m0, d);
    if (days.includes(dow(ms))) hits.push(ms);
  }
  return index === "last" ? hits[hits.length - 1]! : hits[INDEXES.indexOf(index)]!;
}

/** Candidate dates of one period k (before range limits), in order. */
function period(r: Recurrence, k: number): number[] {
  const s = new Date(r.startDate);
  const y0 = s.getUTCFullYear();
  const m0 = s.getUTCMonth();
  switch (r.type) {
    case "daily":
      return [r.startDate + k * r.interval * DAY_MS];
    case "weekly": {
      const weekStart =
        r.startDate - ((dow(r.startDate) - r.firstDayOfWeek + 7) % 7) * DAY_MS + k * 7 * r.interval * DAY_MS;
      const out: number[] = [];
      for (let i = 0; i < 7; i++) {
        const d = weekStart + i * DAY_MS;
        if (r.daysOfWeek.includes(dow(d))) out.push(d);
      }
      return out;
    }
    case "absoluteMonthly": {
      const mi = m0 + k * r.interval;
      const y = y0 + Math.floor(mi / 12);
      const m = ((mi % 12) + 12) % 12;
      return [Date.UTC(y, m, Math.min(r.dayOfMonth, daysIn(y, m)))];
    }
    case "relativeMonthly": {
      const mi = m0 + k * r.interval;
      return [relativeDay(y0 + Math.floor(mi / 12), mi % 12, r.daysOfWeek, r.index)];
    }
    case "absoluteYearly": {
      const y = y0 + k * r.interval;
      return [Date.UTC(y, r.month - 1, Math.min(r.dayOfMonth, daysIn(y, r.month - 1)))];
    }
    case "relativeYearly":
      return [relativeDay(y0 + k * r.interval, r.month - 1, r.daysOfWeek, r.index)];
  }
}

/**
 * The series' occurrence dates in order (UTC-midnight ms of each wall-clock date), from range.startDate, honouring
 * endDate / numberOfOccurrences, until `stop(date)` says enough (noEnd series are infinite) or year 9999.
 */
export function* occurrenceDates(r: Recurrence, stop: (date: number) => boolean): Generator<number> {
  let n = 0;
  const last = Date.UTC(9999, 11, 31);
  for (let k = 0; ; k++) {
    for (const d of period(r, k)) {
      if (d < r.startDate) continue;
      if (d > last || (r.endDate !== undefined && d > r.endDate) || stop(d)) return;
      yield d;
      n++;
      if (r.count !== undefined && n >= r.count) return;
    }
  }
}
