// How an Outlook event carries its ERP key: our extended property "kco|hsaRef" and a deterministic transactionId.
import { createHash } from "node:crypto";
import { PermanentError } from "../errors.js";

/** Fixed namespace GUID of the integration's extended property (never change it: existing events carry it). */
export const ERP_KEY_PROPERTY_GUID = "af138a1b-b83b-4916-b8c6-5616c03ad2fb";
/** The singleValueExtendedProperty id, in Graph's "String {guid} Name name" form. */
export const ERP_KEY_PROPERTY_ID = `String {${ERP_KEY_PROPERTY_GUID}} Name CoinsErpKey`;
/** `$expand` value that returns our property (and only it) when reading an event. */
export const ERP_KEY_EXPAND = `singleValueExtendedProperties($filter=id eq '${ERP_KEY_PROPERTY_ID}')`;

/** "kco|hsaRef". The company code must not contain "|" (the hsaRef may). */
export function formatErpKey(kco: string, hsaRef: string): string {
  if (!kco || kco.includes("|"))
    throw new PermanentError("invalidErpKey", `kco: "${kco}" must be non-empty without "|"`);
  if (!hsaRef) throw new PermanentError("invalidErpKey", "hsaRef: expected a non-empty string");
  return `${kco}|${hsaRef}`;
}

/** Splits "kco|hsaRef" at the first "|"; undefined when the value is not of that form. */
export function parseErpKey(value: string): { kco: string; hsaRef: string } | undefined {
  const at = value.indexOf("|");
  if (at <= 0 || at === value.length - 1) return undefined;
  return { kco: value.slice(0, at), hsaRef: value.slice(at + 1) };
}

const normaliseId = (id: string) => id.replace(/\s+/g, " ").trim().toLowerCase();

/**
 * Our property's value in a Graph event's `singleValueExtendedProperties` (ids compared case-insensitively);
 * undefined when the array is absent (property not expanded), null when present without our property.
 */
export function readErpKey(raw: Record<string, unknown>): string | null | undefined {
  const props = raw.singleValueExtendedProperties;
  if (props === undefined) return undefined;
  if (!Array.isArray(props)) return null;
  const wanted = normaliseId(ERP_KEY_PROPERTY_ID);
  for (const p of props) {
    if (p && typeof p === "object") {
      const { id, value } = p as { id?: unknown; value?: unknown };
      if (typeof id === "string" && normaliseId(id) === wanted && typeof value === "string" && value !== "") {
        return value;
      }
    }
  }
  return null;
}

/**
 * Graph event `transactionId` for an ERP appointment: the same user + kco + hsaRef always give the same id, so a
 * redelivered CREATE does not make a second event. Graph documents no length limit (its examples are GUIDs), so it
 * is shaped as a GUID: 36 characters, derived from sha256 (RFC 4122 name-based layout, version nibble 5).
 */
export function appointmentTransactionId(user: string, kco: string, hsaRef: string): string {
  const hex = createHash("sha256").update(`coins-erp-appointment\n${user}\n${kco}\n${hsaRef}`, "utf8").digest("hex");
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `5${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join("-");
}
