// Minimal HS256 JSON Web Tokens for the simulator's access, id and refresh tokens.
import { createHmac, timingSafeEqual } from "node:crypto";

const b64url = (b: Buffer | string): string => Buffer.from(b).toString("base64url");

export function signJwt(payload: Record<string, unknown>, key: Buffer): string {
  const header = b64url(JSON.stringify({ typ: "JWT", alg: "HS256", kid: "graph-sim" }));
  const body = b64url(JSON.stringify(payload));
  const sig = createHmac("sha256", key).update(`${header}.${body}`).digest("base64url");
  return `${header}.${body}.${sig}`;
}

/** Returns the payload when the signature is valid, else undefined (expiry is the caller's concern). */
export function verifyJwt(token: string, key: Buffer): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  const expected = createHmac("sha256", key).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
    return typeof payload === "object" && payload !== null ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes without verifying (used for id tokens in tests). */
export function decodeJwt(token: string): Record<string, unknown> {
  const p = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>;
}
