// Structural comparison of JSON values (same keys, same JSON types, recursively) for the conformance test.

export type JsonType = "string" | "number" | "boolean" | "null" | "array" | "object";
export const jsonType = (v: unknown): JsonType =>
  v === null ? "null" : Array.isArray(v) ? "array" : (typeof v as "string" | "number" | "boolean" | "object");

export interface ShapeOptions {
  /** extra keys the simulator may add, by path pattern ("value[].hasAttachments", "*" as a key matches any) */
  allowExtra?: (path: string, key: string) => boolean;
  /** paths whose content is not compared beyond the JSON type */
  opaque?: (path: string) => boolean;
}

/** Lists differences between a reference (fixture) and an actual value. Array items are compared with the first reference item. */
export function shapeDiff(ref: unknown, act: unknown, o: ShapeOptions = {}, path = "$"): string[] {
  const rt = jsonType(ref);
  const at = jsonType(act);
  if (rt !== at) return [`${path}: expected ${rt}, got ${at}`];
  if (o.opaque?.(path)) return [];
  const out: string[] = [];
  if (rt === "array") {
    const r = ref as unknown[];
    const a = act as unknown[];
    if (r.length > 0 && a.length === 0) return [`${path}: expected a non-empty array`];
    if (r.length > 0) for (const item of a) out.push(...shapeDiff(r[0], item, o, `${path}[]`));
    return [...new Set(out)];
  }
  if (rt === "object") {
    const r = ref as Record<string, unknown>;
    const a = act as Record<string, unknown>;
    for (const k of Object.keys(r)) {
      if (!(k in a)) out.push(`${path}.${k}: missing`);
      else out.push(...shapeDiff(r[k], a[k], o, `${path}.${k}`));
    }
    for (const k of Object.keys(a)) if (!(k in r) && !o.allowExtra?.(path, k)) out.push(`${path}.${k}: unexpected key`);
  }
  return out;
}
