// Encrypts a user's serialized MSAL token cache at rest (AES-256-GCM, the user key bound in as associated data).
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { AuthError } from "../../domain/errors.js";

const VERSION = "v1";

/** TOKEN_CACHE_KEY: base64 of exactly 32 bytes. */
export function parseTokenCacheKey(base64: string): Buffer {
  const key = Buffer.from(base64, "base64");
  if (key.length !== 32) throw new AuthError("auth_config", "TOKEN_CACHE_KEY must be base64 of 32 bytes");
  return key;
}

export function encryptTokenCache(plaintext: string, key: Buffer, owner: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(owner.toLowerCase(), "utf8"));
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64")}`;
}

/** Throws AuthError "token_cache_unreadable" for a wrong key, another user's blob or tampering. */
export function decryptTokenCache(blob: string, key: Buffer, owner: string): string {
  try {
    const [version, payload] = blob.split(".", 2);
    if (version !== VERSION || !payload) throw new Error("unknown format");
    const raw = Buffer.from(payload, "base64");
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(owner.toLowerCase(), "utf8"));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch (error) {
    throw new AuthError("token_cache_unreadable", `the stored token cache of ${owner} cannot be read; sign in again`, {
      cause: error,
    });
  }
}
