// Parses an HTTP Retry-After header (delta-seconds, fractional seconds as Graph sends them, or an HTTP-date) into ms.

const SECONDS = /^\s*(\d+(?:\.\d+)?)\s*$/;

/**
 * Returns the wait in milliseconds the server asked for, or undefined when the header is absent or unreadable.
 * "2.128" → 2128; "120" → 120000; "Wed, 21 Oct 2015 07:28:00 GMT" → ms until then (0 when already past).
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  const seconds = SECONDS.exec(trimmed);
  if (seconds?.[1] !== undefined) return Math.ceil(Number(seconds[1]) * 1000);
  // HTTP-date (RFC 9110 IMF-fixdate; Date.parse also reads the obsolete RFC 850 / asctime forms).
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
