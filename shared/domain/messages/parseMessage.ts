// Validates a queue message body against a contract; the failure reason names the field path (e.g. `data.start: …`).
import type { z } from "zod";
import { inboundMessage, type InboundMessage } from "./inboundMessage.js";
import { pullMessage, type PullMessage } from "./pullMessage.js";
import { pushMessage, type PushMessage } from "./pushMessage.js";

export type ParseResult<T> = { ok: true; message: T } | { ok: false; reason: string };

/** `["data", "to", 0, "address"]` → `data.to[0].address`; the root is called `body`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out === "" ? "body" : out;
}

type Issue = z.core.$ZodIssue;

/** For a union where no branch matched, report the branch that got furthest (fewest issues, deepest path). */
function flatten(issue: Issue): Issue[] {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return [issue];
  const depth = (issues: Issue[]) => Math.max(...issues.map((i) => i.path.length));
  const best = [...issue.errors].sort((a, b) => a.length - b.length || depth(b) - depth(a))[0] ?? [];
  return best.flatMap((i) => flatten({ ...i, path: [...issue.path, ...i.path] } as Issue));
}

export function formatIssues(issues: readonly Issue[]): string {
  const lines = issues.flatMap(flatten).map((i) => `${formatPath(i.path)}: ${i.message}`);
  const unique = [...new Set(lines)];
  return unique.slice(0, 5).join("; ") + (unique.length > 5 ? `; (+${unique.length - 5} more)` : "");
}

/** Accepts the body as the Functions host hands it over: a JSON-parsed value, a string, or raw bytes. */
export function decodeBody(body: unknown): ParseResult<unknown> {
  let text: string | undefined;
  if (typeof body === "string") text = body;
  else if (body instanceof Uint8Array) text = new TextDecoder("utf-8", { fatal: false }).decode(body);
  if (text === undefined) return { ok: true, message: body };
  try {
    return { ok: true, message: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: "body: not valid JSON" };
  }
}

export function parseWith<T>(schema: z.ZodType<T>, body: unknown): ParseResult<T> {
  const decoded = decodeBody(body);
  if (!decoded.ok) return decoded;
  if (typeof decoded.message !== "object" || decoded.message === null || Array.isArray(decoded.message)) {
    return { ok: false, reason: "body: expected a JSON object" };
  }
  const r = schema.safeParse(decoded.message);
  return r.success ? { ok: true, message: r.data } : { ok: false, reason: formatIssues(r.error.issues) };
}

export const parsePushMessage = (body: unknown): ParseResult<PushMessage> => parseWith(pushMessage, body);
export const parsePullMessage = (body: unknown): ParseResult<PullMessage> => parseWith(pullMessage, body);
export const parseInboundMessage = (body: unknown): ParseResult<InboundMessage> => parseWith(inboundMessage, body);
