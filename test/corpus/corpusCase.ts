// The shape of one malformed-input corpus entry and the helpers that build entries from a valid message.

/** A body sent as these exact bytes (not JSON-encoded), with an optional content type. */
export interface RawBody {
  raw: string | Buffer;
  contentType?: string;
}

export interface CorpusCase {
  /** What is wrong, as a test title. */
  name: string;
  /** A JSON value (sent as UTF-8 JSON, content type application/json) or a RawBody. */
  body: unknown;
  /** The field the reason must name (`body` for the message as a whole). */
  field: string;
  /** Where the reason is found: a Rejected row (default), or a FAILED outcome on erp-inbound (emails). */
  fate?: "rejected" | "failed";
  /** SessionId to send with (default: the body's `user` when it is a usable SessionId, else CORPUS). */
  session?: string;
}

export const raw = (text: string | Buffer, contentType?: string): RawBody => ({
  raw: text,
  ...(contentType ? { contentType } : {}),
});

export const isRaw = (body: unknown): body is RawBody =>
  typeof body === "object" &&
  body !== null &&
  "raw" in body &&
  Object.keys(body).every((k) => k === "raw" || k === "contentType");

/** Marks a field to delete in `edit`. */
export const MISSING = Symbol("missing");

/**
 * A deep copy of `base` with `path` (dot-separated; numeric parts index arrays) set to `value`, or removed when
 * `value` is MISSING.
 */
export function edit(base: object, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(base) as Record<string, unknown>;
  const parts = path.split(".");
  let node: Record<string, unknown> = copy;
  for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>;
  const last = parts.at(-1)!;
  if (value === MISSING) delete node[last];
  else node[last] = value;
  return copy;
}
