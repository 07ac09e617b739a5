// Makes arbitrary text safe as a PartitionKey/RowKey part (no / \ # ? ' % or control chars), reversibly.
import { PermanentError } from "../../domain/errors.js";
import { toErpUserId } from "../../domain/erpUserId.js";

/** Azure Tables allows at most 1 KiB per key; stay well inside it (UTF-16: 512 characters). */
export const MAX_KEY_LENGTH = 512;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Percent-style escaping with "!" as the escape character: keeps A-Z a-z 0-9 - _ . as they are and writes every
 * other character as !XX (UTF-8 bytes). "%" is avoided because the Table service mishandles it in some APIs.
 */
export function encodeKeyPart(value: string): string {
  return encodeURIComponent(value.replace(LONE_SURROGATE, "\uFFFD"))
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`)
    .replace(/%/g, "!");
}

export function decodeKeyPart(encoded: string): string {
  return decodeURIComponent(encoded.replace(/!/g, "%"));
}

/** Throws a PermanentError when a composed key would exceed the service's limit. */
export function checkKeyLength(key: string, what: string): string {
  if (key.length > MAX_KEY_LENGTH)
    throw new PermanentError("key_too_long", `${what} is ${key.length} characters; Table keys allow ${MAX_KEY_LENGTH}`);
  return key;
}

/** Characters Azure Tables forbids in keys (/ \\ # ? and control characters), plus ' and % which some APIs mishandle. */
export function isForbiddenKeyChar(c: string): boolean {
  const n = c.charCodeAt(0);
  return n < 0x20 || (n >= 0x7f && n <= 0x9f) || "/\\#?'%".includes(c);
}

/** ERP user ids are the Users table's RowKey and every other table's PartitionKey: trimmed, ASCII upper-case. */
export function normalizeUserId(userId: string): string {
  const id = toErpUserId(userId);
  if (!id.ok) throw new PermanentError("invalid_user_id", `user: ${id.reason}`);
  return id.id;
}
