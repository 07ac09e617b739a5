// Turns Graph's {dateTime, timeZone} pairs and the ERP's ISO 8601 strings into exact UTC instants (pure, via Intl).
import { PermanentError } from "./errors.js";

/** Graph's dateTimeTimeZone: a wall-clock time without offset plus the zone it is in. */
export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

/**
 * Windows time-zone ids (what Outlook stores) → IANA ids, following CLDR's windowsZones "001" territory.
 * Names already in IANA form ("Europe/Amsterdam") are passed straight to Intl.
 */
const WINDOWS_TO_IANA: Readonly<Record<string, string>> = {
  utc: "Etc/UTC",
  "coordinated universal time": "Etc/UTC",
  "tzone://microsoft/utc": "Etc/UTC",
  "gmt standard time": "Europe/London",
  "greenwich standard time": "Atlantic/Reykjavik",
  "w. europe standard time": "Europe/Berlin",
  "romance standard time": "Europe/Paris",
  "central europe standard time": "Europe/Budapest",
  "central european standard time": "Europe/Warsaw",
  "e. europe standard time": "Europe/Chisinau",
  "fle standard time": "Europe/Kiev",
  "gtb standard time": "Europe/Bucharest",
  "russian standard time": "Europe/Moscow",
  "turkey standard time": "Europe/Istanbul",
  "israel standard time": "Asia/Jerusalem",
  "south africa standard time": "Africa/Johannesburg",
  "arabian standard time": "Asia/Dubai",
  "india standard time": "Asia/Kolkata",
  "china standard time": "Asia/Shanghai",
  "singapore standard time": "Asia/Singapore",
  "tokyo standard time": "Asia/Tokyo",
  "korea standard time": "Asia/Seoul",
  "aus eastern standard time": "Australia/Sydney",
  "new zealand standard time": "Pacific/Auckland",
  "atlantic standard time": "America/Halifax",
  "eastern standard time": "America/New_York",
  "central standard time": "America/Chicago",
  "mountain standard time": "America/Denver",
  "us mountain standard time": "America/Phoenix",
  "pacific standard time": "America/Los_Angeles",
  "alaskan standard time": "America/Anchorage",
  "hawaiian standard time": "Pacific/Honolulu",
  "e. south america standard time": "America/Sao_Paulo",
  "dateline standard time": "Etc/GMT+12",
};

/** A resolved zone: either a fixed offset (minutes east of UTC) or an IANA name for Intl. */
type Zone = { kind: "fixed"; offsetMinutes: number } | { kind: "iana"; name: string };

const FIXED_OFFSET = /^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i;

function resolveZone(timeZone: string, field: string): Zone {
  const name = timeZone.trim();
  const fixed = FIXED_OFFSET.exec(name);
  if (fixed) {
    const minutes = Number(fixed[2]) * 60 + Number(fixed[3] ?? 0);
    if (Number(fixed[2]) > 14 || Number(fixed[3] ?? 0) > 59) {
      throw new PermanentError("invalidTimeZone", `${field}: time zone "${timeZone}" is not a valid UTC offset`);
    }
    return { kind: "fixed", offsetMinutes: fixed[1] === "-" ? -minutes : minutes };
  }
  const lower = name.toLowerCase();
  if (lower === "utc" || lower === "gmt" || lower === "z") return { kind: "fixed", offsetMinutes: 0 };
  const iana = WINDOWS_TO_IANA[lower] ?? name;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: iana });
  } catch {
    throw new PermanentError("unknownTimeZone", `${field}: unknown time zone "${timeZone}"`);
  }
  return { kind: "iana", name: iana };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Offset of `zone` from UTC at the instant `utcMs`, in milliseconds (whole seconds). */
function offsetAtMs(zone: Zone, utcMs: number): number {
  if (zone.kind === "fixed") return zone.offsetMinutes * 60_000;
  const parts: Record<string, number> = {};
  for (const p of formatterFor(zone.name).formatToParts(new Date(utcMs))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const wholeSeconds = Math.floor(utcMs / 1000) * 1000;
  return wall - wholeSeconds;
}

/**
 * The instant at which the wall-clock time `wallMs` (its fields read as if UTC) occurs in `zone`.
 * Ambiguous times (clocks going back) take the earlier instant; non-existent times (clocks going forward) are
 * read with the offset before the change, i.e. pushed forward by the gap — Temporal's "compatible" rule.
 */
function wallToInstant(zone: Zone, wallMs: number): number {
  if (zone.kind === "fixed") return wallMs - zone.offsetMinutes * 60_000;
  const day = 86_400_000;
  const before = offsetAtMs(zone, wallMs - day);
  const after = offsetAtMs(zone, wallMs + day);
  const candidates = [...new Set([before, after])]
    .map((offset) => wallMs - offset)
    .filter((t) => wallMs - offsetAtMs(zone, t) === t)
    .sort((a, b) => a - b);
  return candidates[0] ?? wallMs - before;
}

/** Parsed pieces of an ISO 8601 local date-time, with the optional offset suffix. */
interface IsoParts {
  wallMs: number;
  date: string;
  isMidnight: boolean;
  offset: string | undefined;
  hasTime: boolean;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function parseIsoParts(value: string, field: string): IsoParts {
  const m = ISO.exec(value.trim());
  if (!m) throw new PermanentError("invalidDateTime", `${field}: "${value}" is not an ISO 8601 date-time`);
  const [y, mo, d, h = 0, mi = 0, s = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) =>
    x === undefined ? undefined : Number(x),
  ) as number[];
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, "0")) : 0;
  const wallMs = Date.UTC(y!, mo! - 1, d!, h, mi, s, ms);
  const check = new Date(wallMs);
  if (
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo! - 1 ||
    check.getUTCDate() !== d ||
    check.getUTCHours() !== h ||
    check.getUTCMinutes() !== mi ||
    check.getUTCSeconds() !== s
  ) {
    throw new PermanentError("invalidDateTime", `${field}: "${value}" is not a valid calendar date-time`);
  }
  return {
    wallMs,
    date: `${m[1]}-${m[2]}-${m[3]}`,
    isMidnight: h === 0 && mi === 0 && s === 0 && ms === 0,
    offset: m[8],
    hasTime: m[4] !== undefined,
  };
}

function offsetSuffixMs(offset: string): number {
  if (offset.toUpperCase() === "Z") return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset)!;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return (m[1] === "-" ? -minutes : minutes) * 60_000;
}

/**
 * Graph dateTimeTimeZone → UTC instant. Accepts 0–7 fractional digits; the zone may be "UTC", a fixed offset
 * ("+01:00", "UTC-05:00"), a Windows id ("W. Europe Standard Time") or an IANA id ("Europe/Amsterdam").
 * If `dateTime` itself ends in Z or an offset, that offset wins. Unknown zone → PermanentError naming it.
 */
export function graphDateTimeToInstant(value: DateTimeTimeZone, field = "dateTime"): Date {
  if (!value || typeof value.dateTime !== "string") {
    throw new PermanentError("invalidDateTime", `${field}.dateTime: expected a string`);
  }
  const parts = parseIsoParts(value.dateTime, `${field}.dateTime`);
  if (parts.offset !== undefined) return new Date(parts.wallMs - offsetSuffixMs(parts.offset));
  if (typeof value.timeZone !== "string" || value.timeZone.trim() === "") {
    throw new PermanentError("invalidTimeZone", `${field}.timeZone: expected a time zone name`);
  }
  return new Date(wallToInstant(resolveZone(value.timeZone, `${field}.timeZone`), parts.wallMs));
}

/** The calendar date (YYYY-MM-DD) written in a Graph dateTime, as-is (all-day events float: no zone applies). */
export function graphDateTimeDate(value: DateTimeTimeZone, field = "dateTime"): string {
  return parseIsoParts(value.dateTime, `${field}.dateTime`).date;
}

/** An ERP ISO 8601 value, read exactly: the instant, plus the wall-clock date and whether it is midnight there. */
export interface ErpDateTime {
  instant: Date;
  /** Calendar date in the value's own offset. */
  date: string;
  isMidnight: boolean;
}

/**
 * Parses an ERP date-time, which must carry an offset ("2026-12-01T09:00:00+01:00" or "...Z"). A bare date
 * ("2026-12-01") is accepted only when `allowDateOnly` (all-day appointments) and then means midnight UTC.
 */
export function parseErpDateTime(value: string, field: string, allowDateOnly = false): ErpDateTime {
  if (typeof value !== "string") throw new PermanentError("invalidDateTime", `${field}: expected a string`);
  const parts = parseIsoParts(value, field);
  if (!parts.hasTime && allowDateOnly && parts.offset === undefined) {
    return { instant: new Date(parts.wallMs), date: parts.date, isMidnight: true };
  }
  if (parts.offset === undefined || !parts.hasTime) {
    throw new PermanentError("invalidDateTime", `${field}: "${value}" needs a time and an offset (Z or ±hh:mm)`);
  }
  return {
    instant: new Date(parts.wallMs - offsetSuffixMs(parts.offset)),
    date: parts.date,
    isMidnight: parts.isMidnight,
  };
}

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Graph's dateTime text for a UTC instant: "2026-12-01T08:00:00.0000000" (to go with timeZone "UTC"). */
export function toGraphUtcDateTime(instant: Date): string {
  return `${instant.toISOString().slice(0, 23)}0000`;
}
