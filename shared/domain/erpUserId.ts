// The accepted ERP user-id set, defined once: ASCII letters, digits and `_ - .`, 1–128 characters, upper-cased ASCII-only.

/** At most 128 characters: the id is also the Service Bus SessionId (128 there). */
export const ERP_USER_ID_MAX = 128;

/**
 * Coins user codes are ASCII: letters, digits and the punctuation `_`, `-`, `.` (e.g. `JSMITH`, `J.SMITH`, `V-20`).
 * Nothing else is accepted — no spaces, no non-ASCII letters (so `jſmith` or `jsmıth` can never case-map onto
 * `JSMITH`), no characters a table key forbids.
 */
export const ERP_USER_ID_PATTERN = /^[A-Za-z0-9_.-]+$/;

export const ERP_USER_ID_RULE = "ASCII letters, digits, _ - . only (1–128 characters)";

/** Upper-cases ASCII a–z only; every other character is left as it is (no Unicode case mapping). */
export const asciiUpperCase = (text: string): string =>
  text.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 32));

/** Why `id` is not an ERP user id, or undefined when it is one. */
export function erpUserIdProblem(id: string): string | undefined {
  if (id === "") return "expected a non-empty ERP user id";
  if (id.length > ERP_USER_ID_MAX) return `at most ${ERP_USER_ID_MAX} characters`;
  if (!ERP_USER_ID_PATTERN.test(id)) return `expected ${ERP_USER_ID_RULE}, got ${JSON.stringify(id.slice(0, 40))}`;
  return undefined;
}

export type ErpUserIdResult = { ok: true; id: string } | { ok: false; reason: string };

/** Validates an id typed by a person (trimmed) and normalises it to its stored, upper-case form. */
export function toErpUserId(raw: string): ErpUserIdResult {
  const trimmed = raw.trim();
  const problem = erpUserIdProblem(trimmed);
  return problem ? { ok: false, reason: problem } : { ok: true, id: asciiUpperCase(trimmed) };
}
