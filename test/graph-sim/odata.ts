// Small OData helpers: page size preference, tokens for skip/delta links, and the $filter forms the sim understands.
import { GraphError, preferences, type SimRequest } from "./http.js";
import type { SingleValueExtendedProperty } from "./types.js";

export function pageSize(req: SimRequest, dflt: number): { size: number; applied?: string } {
  const p = preferences(req.headers).get("odata.maxpagesize");
  const top = req.query.get("$top");
  if (p && /^\d+$/.test(p) && Number(p) > 0)
    return { size: Math.min(Number(p), 1000), applied: `odata.maxpagesize=${p}` };
  if (top && /^\d+$/.test(top) && Number(top) > 0) return { size: Math.min(Number(top), 1000) };
  return { size: dflt };
}

export function encodeToken(o: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(o)).toString("base64url");
}

export function decodeToken(t: string, kind: string): Record<string, unknown> {
  try {
    const o = JSON.parse(Buffer.from(t, "base64url").toString("utf8")) as Record<string, unknown>;
    if (o.k === kind) return o;
  } catch {
    /* fall through */
  }
  throw new GraphError(400, "BadRequest", "The delta or skip token is invalid or belongs to another collection.");
}

/** Matches `singleValueExtendedProperties/any(ep: ep/id eq '…' and ep/value eq '…')` (Graph's documented form). */
export function svepFilter(
  filter: string | null,
): ((props: SingleValueExtendedProperty[] | undefined) => boolean) | undefined {
  if (!filter) return undefined;
  const m =
    /^singleValueExtendedProperties\/any\(\s*(\w+)\s*:\s*\1\/id\s+eq\s+'((?:[^']|'')*)'\s+and\s+\1\/value\s+eq\s+'((?:[^']|'')*)'\s*\)$/i.exec(
      filter.trim(),
    );
  if (!m) return undefined;
  const id = m[2]!.replace(/''/g, "'").toLowerCase();
  const value = m[3]!.replace(/''/g, "'");
  return (props) => (props ?? []).some((p) => p.id.toLowerCase() === id && p.value === value);
}

export function selectList(req: SimRequest): string[] | undefined {
  const s = req.query.get("$select");
  return s
    ? s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;
}
