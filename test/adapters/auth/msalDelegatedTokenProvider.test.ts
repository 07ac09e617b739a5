// Delegated tokens against the simulator: auth-code sign-in, encrypted per-user cache, silent use by a fresh instance.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MsalDelegatedTokenProvider,
  type TokenCacheStore,
} from "../../../shared/adapters/auth/msalDelegatedTokenProvider.js";
import { decryptTokenCache, encryptTokenCache } from "../../../shared/adapters/auth/tokenCacheCrypto.js";
import { GraphGateway } from "../../../shared/adapters/graph/graphGateway.js";
import { KeyedSemaphore } from "../../../shared/adapters/graph/keyedSemaphore.js";
import { AuthError } from "../../../shared/domain/errors.js";
import { startGraphSim, type GraphSim } from "../../graph-sim/index.js";

const USER = "jsmith@contoso.test";
const REDIRECT = "https://coins.example.test/api/auth/callback";

let sim: GraphSim;
beforeAll(async () => {
  sim = await startGraphSim();
});
afterAll(async () => {
  await sim?.stop();
});

/** Stands in for the TokenCache table (the store is not what this test is about). */
class MapStore implements TokenCacheStore {
  readonly data = new Map<string, string>();
  async load(user: string) {
    return this.data.get(user);
  }
  async save(user: string, value: string) {
    this.data.set(user, value);
  }
}

function provider(store: TokenCacheStore, key: Buffer) {
  return new MsalDelegatedTokenProvider({
    authorityHost: sim.authorityHost,
    tenantId: sim.tenantId,
    clientId: sim.defaultApp.clientId,
    clientSecret: sim.defaultApp.clientSecret,
    cacheStore: store,
    cacheKey: key,
  });
}

async function signIn(p: MsalDelegatedTokenProvider, user: string) {
  const url = await p.getAuthCodeUrl(user, REDIRECT, "st-1");
  const res = await fetch(url, { redirect: "manual" });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get("location") ?? "");
  expect(back.searchParams.get("state")).toBe("st-1");
  return p.acquireByCode(user, back.searchParams.get("code") ?? "", REDIRECT);
}

describe("MsalDelegatedTokenProvider", () => {
  it("signs in by code, stores the cache encrypted, and a fresh instance calls Graph silently as the user", async () => {
    const store = new MapStore();
    const key = randomBytes(32);
    const signInResult = await signIn(provider(store, key), USER);
    expect(signInResult.username.toLowerCase()).toBe(USER);
    expect(signInResult.grantedScopes.join(" ")).toMatch(/Calendars\.ReadWrite/);

    const blob = store.data.get(USER);
    expect(blob).toBeDefined();
    const clear = decryptTokenCache(blob!, key, USER);
    expect(clear).toContain("RefreshToken");
    // No token (access, refresh, id) and no cache field name appears in clear text in what is stored.
    const cache = JSON.parse(clear) as Record<string, Record<string, { secret?: string }>>;
    const secrets = Object.values(cache).flatMap((section) =>
      Object.values(section ?? {}).flatMap((entry) => (typeof entry?.secret === "string" ? [entry.secret] : [])),
    );
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) expect(blob).not.toContain(secret);
    expect(blob).not.toContain("RefreshToken");

    const fresh = provider(store, key);
    const gw = new GraphGateway({ baseUrl: sim.graphUrl, tokenProvider: fresh, limiter: new KeyedSemaphore(4) });
    const profile = await gw.getProfile(USER);
    expect(profile.userPrincipalName).toBe(USER);
  });

  it("a user who never signed in gets AuthError sign_in_required", async () => {
    const e = await provider(new MapStore(), randomBytes(32))
      .acquireSilent("adoe@contoso.test")
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).code).toBe("sign_in_required");
  });

  it("a cache under another key, or moved to another user, is unreadable: AuthError", async () => {
    const store = new MapStore();
    const key = randomBytes(32);
    await signIn(provider(store, key), USER);
    const wrongKey = await provider(store, randomBytes(32))
      .acquireSilent(USER)
      .catch((x: unknown) => x);
    expect(wrongKey).toBeInstanceOf(AuthError);
    expect((wrongKey as AuthError).code).toBe("token_cache_unreadable");
    store.data.set("adoe@contoso.test", store.data.get(USER)!);
    const moved = await provider(store, key)
      .acquireSilent("adoe@contoso.test")
      .catch((x: unknown) => x);
    expect((moved as AuthError).code).toBe("token_cache_unreadable");
  });

  it("round-trips through the cache crypto and rejects tampering", () => {
    const key = randomBytes(32);
    const blob = encryptTokenCache('{"a":1}', key, "U@x");
    expect(decryptTokenCache(blob, key, "u@X")).toBe('{"a":1}');
    const tampered = blob.slice(0, -4) + (blob.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect(() => decryptTokenCache(tampered, key, "u@x")).toThrow(AuthError);
  });
});
