// Identifier and change-key generators shaped like Exchange's (opaque base64 strings).
import { randomBytes } from "node:crypto";

/** An Outlook-style item id ("AAMkA…="), URL-safe so it can sit in a path segment. */
export const newItemId = (): string => `AAMkA${randomBytes(30).toString("base64url")}=`;
/** A change key; the weak etag is W/"<changeKey>". */
export const newChangeKey = (): string => randomBytes(16).toString("base64");
export const etagOf = (changeKey: string): string => `W/"${changeKey}"`;
/** Extracts the change key from an If-Match value (W/"…", "…", or bare). */
export function changeKeyFromEtag(v: string): string {
  return v
    .trim()
    .replace(/^W\//, "")
    .replace(/^"(.*)"$/, "$1");
}
export const hex = (n: number): string => randomBytes(n).toString("hex").toUpperCase();
