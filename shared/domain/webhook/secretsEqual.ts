// Constant-time comparison of two secrets (e.g. a notification's clientState against the stored one).
import { createHash, timingSafeEqual } from "node:crypto";

/** True when both strings are equal. Hashing first gives equal-length inputs, so neither the content nor the length
 * of the stored secret leaks through timing. */
export function secretsEqual(received: string | undefined | null, expected: string | undefined | null): boolean {
  if (typeof received !== "string" || typeof expected !== "string" || expected.length === 0) return false;
  const a = createHash("sha256").update(received, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}
