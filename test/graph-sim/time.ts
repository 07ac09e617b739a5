// Time-zone arithmetic for Graph's dateTimeTimeZone values (Windows and IANA zone names) and Graph's date formats.
import { GraphError } from "./http.js";

/** Windows zone names Outlook uses, mapped to IANA zones (CLDR windowsZones, the common ones). */
const WINDOWS_TO_IANA: Record<string, string> = {
  UTC: "UTC",
  "Coordinated Universal Time": "UTC",
  "GMT Standard Time": "Europe/London",
  "Greenwich Standard Time": "Atlantic/Reykjavik",
  "W. Europe Standard Time": "Europe/Berlin",
  "Central Europe Standard Time": "Europe/Budapest",
  "Central European Standard Time": "Europe/Warsaw",
  "Romance Standard Time": "Europe/Paris",
  "E. Europe Standard Time": "Europe/Chisinau",
  "FLE Standard Time": "Europe/Kiev",
  "GTB Standard Time": "Europe/Bucharest",
  "Russian Standard Time": "Europe/Moscow",
  "Pacific Standard Time": "America/Los_Angeles",
  "Mountain Standard Time": "America/Denver",
  "Central Standard Time": "America/Chicago",
  "Eastern Standard Time": "America/New_York",
  "Atlantic Standard Time": "America/Halifax",
  "India Standard Time": "Asia/Kolkata",
  "China Standard Time": "Asia/Shanghai",
  "Tokyo Standard Time": "Asia/Tokyo",
  "Singapore Standard Time": "Asia/Singapore",
  "AUS Eastern Standard Time": "Australia/Sydney",
  "New Zealand Standard Time": "Pacific/Auckland",
  "South Africa Standard Time": "Africa/Johannesburg",
  "Arabian Standard Time": "Asia/Dubai",
};

export function ianaZone(tz: string): string | undefined {
  const mapped = WINDOWS_TO_IANA[tz];
  if (mapped) return mapped;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz;
  } catch {
    return undefined;
  }
}

export function requireZone(tz: string | undefined, field: string): string {
  const z = tz === undefined ? undefined : ianaZone(tz);
  if (!z)
    throw new GraphError(
      400,
      "TimeZoneNotSupportedException",
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${tz ?? ""}' (${field}).`,
    );
  return z;
}

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function parts(ms: number, zone: string): number[] {
  let f = fmtCache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    fmtCache.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const x of f.formatToParts(new Date(ms))) if (x.type !== "literal") p[x.type] = Number(x.value);
  return [p.year ?? 0, p.month ?? 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0];
}

/** Offset (ms) of `zone` from UTC at instant `ms`. */
function offsetAt(ms: number, zone: string): number {
  const [y, mo, d, h, mi, s] = parts(ms, zone) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/;

/** A wall-clock dateTime ("2017-04-15T12:00:00[.fffffff]") in a zone → UTC epoch ms. */
export function wallToUtc(dateTime: string, tz: string, field: string): number {
  const zone = requireZone(tz, field);
  // Graph ignores an offset given in dateTime when timeZone is set; accept and strip Z/offset.
  const local = dateTime.replace(/(Z|[+-]\d{2}:\d{2})$/, "");
  const m = LOCAL_RE.exec(local);
  if (!m)
    throw new GraphError(
      400,
      "UnableToDeserializePostBody",
      `Cannot convert the literal '${dateTime}' to the expected type 'Edm.DateTime' (${field}).`,
    );
  const frac = m[7] ? Number((m[7] + "000").slice(0, 3)) : 0;
  const naive = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, frac);
  let guess = naive - offsetAt(naive, zone);
  guess = naive - offsetAt(guess, zone);
  return guess;
}

/** UTC epoch ms → Graph's wall-clock format with 7 fractional digits in `tz`. */
export function utcToWall(ms: number, tz: string): string {
  const zone = requireZone(tz, "Prefer: outlook.timezone");
  const local = ms + offsetAt(ms, zone);
  const iso = new Date(local).toISOString(); // 2017-04-15T11:00:00.000Z
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}0000`;
}

/** Graph's timestamp format: 7 fractional digits and Z. */
export function graphTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 23)}${String(Math.floor(Math.random() * 10000)).padStart(4, "0")}Z`;
}

/** Parses startDateTime/endDateTime query values (ISO 8601, offset optional → UTC). */
export function parseQueryInstant(v: string | null, name: string): number {
  if (!v)
    throw new GraphError(
      400,
      "ErrorInvalidParameter",
      "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.",
    );
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(v) ? v : `${v}Z`;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms))
    throw new GraphError(400, "ErrorInvalidParameter", `The value '${v}' of parameter '${name}' is invalid.`);
  return ms;
}

/** Parses an ISO 8601 timestamp with offset (subscription expirationDateTime etc.). */
export function parseTimestamp(v: unknown, field: string): number {
  const ms = typeof v === "string" ? Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(v) ? v : `${v}Z`) : NaN;
  if (Number.isNaN(ms)) throw new GraphError(400, "BadRequest", `Invalid value for '${field}': ${JSON.stringify(v)}.`);
  return ms;
}
