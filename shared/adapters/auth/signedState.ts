// The OAuth `state` of a sign-in: an id and the ERP user, HMAC-signed (key derived from the token cache key), expiring.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

export interface StatePayload {
  /** Random id: the SignInState row holding the PKCE verifier (single use). */
  id: string;
  user: string;
  /** Expiry, ms since epoch. */
  exp: number;
}

export type StateCheck = { ok: true; payload: StatePayload } | { ok: false; reason: string };

/** A signing key for states, derived (HKDF-SHA256) so the cache key itself never signs anything. */
export function stateSigningKey(tokenCacheKey: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", tokenCacheKey, Buffer.alloc(0), "coins-outlook sign-in state v1", 32));
}

export function newStateId(): string {
  return randomBytes(18).toString("base64url");
}

export function signState(payload: StatePayload, key: Buffer): string {
  const body = Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
  const mac = createHmac("sha256", key).update(body).digest("base64url");
  return `${body}.${mac}`;
}

/** Signature first (constant time), then shape, then expiry against `now`. */
export function verifyState(state: string, key: Buffer, now: Date): StateCheck {
  const [body, mac, extra] = state.split(".");
  if (!body || !mac || extra !== undefined) return { ok: false, reason: "the sign-in state is malformed" };
  const expected = createHmac("sha256", key).update(body).digest();
  const given = Buffer.from(mac, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: "the sign-in state was not issued by this app (signature mismatch)" };
  let payload: Partial<StatePayload>;
  try {
    payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Partial<StatePayload>;
  } catch {
    return { ok: false, reason: "the sign-in state is malformed" };
  }
  if (typeof payload.id !== "string" || typeof payload.user !== "string" || typeof payload.exp !== "number")
    return { ok: false, reason: "the sign-in state is malformed" };
  if (payload.exp <= now.getTime())
    return { ok: false, reason: "the sign-in link has expired (10 minutes); start again" };
  return { ok: true, payload: payload as StatePayload };
}
