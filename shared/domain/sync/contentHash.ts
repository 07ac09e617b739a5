// Fingerprint hashing shared by every kind: canonical fields in a fixed order → sha256, and text normalisation.
import { createHash } from "node:crypto";

/** Whitespace-insensitive form of a text: CRLF, tabs, non-breaking spaces and runs of spaces → one space; trimmed. */
export function normaliseText(text: string | undefined | null): string {
  return (text ?? "").replace(/[\s\u00a0]+/g, " ").trim();
}

/** A category compared across sides: normalised text, lower-cased ("" when none). */
export const normaliseCategory = (c: string | undefined | null): string => normaliseText(c).toLowerCase();

/** sha256 (hex) of the canonical fields as a JSON array in a fixed order (so key order can never matter). */
export function hashFields(fields: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(fields), "utf8").digest("hex");
}
