// Turns Graph's {dateTime, timeZone} pairs and the ERP's ISO 8601 strings into exact UTC instants (pure, via Intl).
import { PermanentError } from "./errors.js";

/** Graph's dateTimeTimeZone: a wall-clock time without offset plus the zone it is in. */
export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

/**
 * Windows time-zone ids (what Outlook stores and mailboxSettings.timeZone returns) → IANA ids, following CLDR's
 * windowsZones "001" territory; keys lower-cased. Names already in IANA form ("Europe/Amsterdam") go straight to Intl.
 */
export const WINDOWS_TO_IANA: Readonly<Record<string, string>> = {
  utc: "Etc/UTC",
  "coordinated universal time": "Etc/UTC",
  "tzone://microsoft/utc": "Etc/UTC",
  "dateline standard time": "Etc/GMT+12",
  "aleutian standard time": "America/Adak",
  "hawaiian standard time": "Pacific/Honolulu",
  "marquesas standard time": "Pacific/Marquesas",
  "alaskan standard time": "America/Anchorage",
  "pacific standard time (mexico)": "America/Tijuana",
  "pacific standard time": "America/Los_Angeles",
  "us mountain standard time": "America/Phoenix",
  "mountain standard time (mexico)": "America/Mazatlan",
  "mountain standard time": "America/Denver",
  "yukon standard time": "America/Whitehorse",
  "central america standard time": "America/Guatemala",
  "central standard time": "America/Chicago",
  "easter island standard time": "Pacific/Easter",
  "central standard time (mexico)": "America/Mexico_City",
  "canada central standard time": "America/Regina",
  "sa pacific standard time": "America/Bogota",
  "eastern standard time (mexico)": "America/Cancun",
  "eastern standard time": "America/New_York",
  "haiti standard time": "America/Port-au-Prince",
  "cuba standard time": "America/Havana",
  "us eastern standard time": "America/Indiana/Indianapolis",
  "turks and caicos standard time": "America/Grand_Turk",
  "paraguay standard time": "America/Asuncion",
  "atlantic standard time": "America/Halifax",
  "venezuela standard time": "America/Caracas",
  "central brazilian standard time": "America/Cuiaba",
  "sa western standard time": "America/La_Paz",
  "pacific sa standard time": "America/Santiago",
  "newfoundland standard time": "America/St_Johns",
  "tocantins standard time": "America/Araguaina",
  "e. south america standard time": "America/Sao_Paulo",
  "sa eastern standard time": "America/Cayenne",
  "argentina standard time": "America/Argentina/Buenos_Aires",
  "greenland standard time": "America/Godthab",
  "montevideo standard time": "America/Montevideo",
  "magallanes standard time": "America/Punta_Arenas",
  "saint pierre standard time": "America/Miquelon",
  "bahia standard time": "America/Bahia",
  "azores standard time": "Atlantic/Azores",
  "cape verde standard time": "Atlantic/Cape_Verde",
  "gmt standard time": "Europe/London",
  "greenwich standard time": "Atlantic/Reykjavik",
  "sao tome standard time": "Africa/Sao_Tome",
  "morocco standard time": "Africa/Casablanca",
  "w. europe standard time": "Europe/Berlin",
  "central europe standard time": "Europe/Budapest",
  "romance standard time": "Europe/Paris",
  "central european standard time": "Europe/Warsaw",
  "w. central africa standard time": "Africa/Lagos",
  "jordan standard time": "Asia/Amman",
  "gtb standard time": "Europe/Bucharest",
  "middle east standard time": "Asia/Beirut",
  "egypt standard time": "Africa/Cairo",
  "e. europe standard time": "Europe/Chisinau",
  "syria standard time": "Asia/Damascus",
  "west bank standard time": "Asia/Hebron",
  "south africa standard time": "Africa/Johannesburg",
  "fle standard time": "Europe/Kiev",
  "israel standard time": "Asia/Jerusalem",
  "south sudan standard time": "Africa/Juba",
  "kaliningrad standard time": "Europe/Kaliningrad",
  "sudan standard time": "Africa/Khartoum",
  "libya standard time": "Africa/Tripoli",
  "namibia standard time": "Africa/Windhoek",
  "arabic standard time": "Asia/Baghdad",
  "turkey standard time": "Europe/Istanbul",
  "arab standard time": "Asia/Riyadh",
  "belarus standard time": "Europe/Minsk",
  "russian standard time": "Europe/Moscow",
  "e. africa standard time": "Africa/Nairobi",
  "volgograd standard time": "Europe/Volgograd",
  "iran standard time": "Asia/Tehran",
  "arabian standard time": "Asia/Dubai",
  "astrakhan standard time": "Europe/Astrakhan",
  "azerbaijan standard time": "Asia/Baku",
  "russia time zone 3": "Europe/Samara",
  "mauritius standard time": "Indian/Mauritius",
  "saratov standard time": "Europe/Saratov",
  "georgian standard time": "Asia/Tbilisi",
  "caucasus standard time": "Asia/Yerevan",
  "afghanistan standard time": "Asia/Kabul",
  "west asia standard time": "Asia/Tashkent",
  "ekaterinburg standard time": "Asia/Yekaterinburg",
  "pakistan standard time": "Asia/Karachi",
  "qyzylorda standard time": "Asia/Qyzylorda",
  "india standard time": "Asia/Kolkata",
  "sri lanka standard time": "Asia/Colombo",
  "nepal standard time": "Asia/Kathmandu",
  "central asia standard time": "Asia/Almaty",
  "bangladesh standard time": "Asia/Dhaka",
  "omsk standard time": "Asia/Omsk",
  "myanmar standard time": "Asia/Yangon",
  "se asia standard time": "Asia/Bangkok",
  "altai standard time": "Asia/Barnaul",
  "w. mongolia standard time": "Asia/Hovd",
  "north asia standard time": "Asia/Krasnoyarsk",
  "n. central asia standard time": "Asia/Novosibirsk",
  "tomsk standard time": "Asia/Tomsk",
  "china standard time": "Asia/Shanghai",
  "north asia east standard time": "Asia/Irkutsk",
  "singapore standard time": "Asia/Singapore",
  "w. australia standard time": "Australia/Perth",
  "taipei standard time": "Asia/Taipei",
  "ulaanbaatar standard time": "Asia/Ulaanbaatar",
  "aus central w. standard time": "Australia/Eucla",
  "transbaikal standard time": "Asia/Chita",
  "tokyo standard time": "Asia/Tokyo",
  "north korea standard time": "Asia/Pyongyang",
  "korea standard time": "Asia/Seoul",
  "yakutsk standard time": "Asia/Yakutsk",
  "cen. australia standard time": "Australia/Adelaide",
  "aus central standard time": "Australia/Darwin",
  "e. australia standard time": "Australia/Brisbane",
  "aus eastern standard time": "Australia/Sydney",
  "west pacific standard time": "Pacific/Port_Moresby",
  "tasmania standard time": "Australia/Hobart",
  "vladivostok standard time": "Asia/Vladivostok",
  "lord howe standard time": "Australia/Lord_Howe",
  "bougainville standard time": "Pacific/Bougainville",
  "russia time zone 10": "Asia/Srednekolymsk",
  "magadan standard time": "Asia/Magadan",
  "norfolk standard time": "Pacific/Norfolk",
  "sakhalin standard time": "Asia/Sakhalin",
  "central pacific standard time": "Pacific/Guadalcanal",
  "russia time zone 11": "Asia/Kamchatka",
  "new zealand standard time": "Pacific/Auckland",
  "fiji standard time": "Pacific/Fiji",
  "chatham islands standard time": "Pacific/Chatham",
  "tonga standard time": "Pacific/Tongatapu",
  "samoa standard time": "Pacific/Apia",
  "line islands standard time": "Pacific/Kiritimati",
};

/** A resolved zone: either a fixed offset (minutes east of UTC) or an IANA name for Intl. */
export type Zone = { kind: "fixed"; offsetMinutes: number } | { kind: "iana"; name: string };

const FIXED_OFFSET = /^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i;

/**
 * A zone name as Graph or a setting writes it: a fixed offset ("+01:00", "UTC-05:00"), "UTC", a Windows id
 * ("GMT Standard Time", "UTC-11"; case-insensitive) or an IANA id. Unknown → PermanentError naming `field`.
 */
export function resolveZone(timeZone: string, field: string): Zone {
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

/** Whether `timeZone` is a zone name this module can compute with (Windows, IANA, UTC or a fixed offset). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    resolveZone(timeZone, "timeZone");
    return true;
  } catch {
    return false;
  }
}

/**
 * The wall-clock time of `instant` in `timeZone` as Graph's dateTime text ("2026-12-01T09:00:00.0000000"), to go with
 * that zone's name in a dateTimeTimeZone: the same instant, shown in the user's zone. Unknown zone → PermanentError.
 */
export function instantToGraphDateTime(instant: Date, timeZone: string, field = "timeZone"): string {
  const zone = resolveZone(timeZone, field);
  return toGraphUtcDateTime(new Date(instant.getTime() + offsetAtMs(zone, instant.getTime())));
}
