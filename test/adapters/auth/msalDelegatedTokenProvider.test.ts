// Delegated tokens against the simulator: auth-code + PKCE sign-in, the encrypted TokenCache table (Azurite), silent
// use by a fresh instance, key rotation.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MsalDelegatedTokenProvider } from "../../../shared/adapters/auth/msalDelegatedTokenProvider.js";
import { decryptTokenCache, encryptTokenCache } from "../../../shared/adapters/auth/tokenCacheCrypto.js";
import { TokenCacheTable, TOKEN_CACHE_ROW } from "../../../shared/adapters/tables/tokenCacheTable.js";
import { GraphGateway } from "../../../shared/adapters/graph/graphGateway.js";
import { KeyedSemaphore } from "../../../shared/adapters/graph/keyedSemaphore.js";
import { AuthError, SignInRequiredError } from "../../../shared/domain/errors.js";
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

/** A fresh TokenCache table (own prefix) under the given keys, the first active. */
async function table(keys: [string, Buffer][], prefix = "t" + randomBytes(5).toString("hex")) {
  return {
    prefix,
    store: await TokenCacheTable.open(
      { connectionString: inject("storageConnectionString"), tablePrefix: prefix },
      { activeId: keys[0]![0], keys: new Map(keys) },
    ),
  };
}

function provider(store: TokenCacheTable) {
  return new MsalDelegatedTokenProvider({
    authorityHost: sim.authorityHost,
    tenantId: sim.tenantId,
    clientId: sim.defaultApp.clientId,
    clientSecret: sim.defaultApp.clientSecret,
    cacheStore: store,
  });
}

const rowOf = (store: TokenCacheTable, user: string) =>
  store.client.getEntity<{ cache: string; keyId: string }>(TokenCacheTable.partitionOf(user), TOKEN_CACHE_ROW);

async function signIn(p: MsalDelegatedTokenProvider, user: string) {
  const verifier = randomBytes(32).toString("base64url");
  const codeChallenge = createHash("sha256").update(verifier).digest("base64url");
  const url = await p.authorizeUrl(user, { redirectUri: REDIRECT, state: "st-1", codeChallenge });
  const res = await fetch(url, { redirect: "manual" });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get("location") ?? "");
  expect(back.searchParams.get("state")).toBe("st-1");
  return p.redeemCode(user, back.searchParams.get("code") ?? "", REDIRECT, verifier);
}

describe("MsalDelegatedTokenProvider", () => {
  it("signs in by code, stores the cache encrypted, and a fresh instance calls Graph silently as the user", async () => {
    const key = randomBytes(32);
    const { store } = await table([["k1", key]]);
    const signInResult = await signIn(provider(store), USER);
    expect(signInResult.username.toLowerCase()).toBe(USER);
    expect(signInResult.grantedScopes.join(" ")).toMatch(/Calendars\.ReadWrite/);

    const row = await rowOf(store, USER);
    expect(row.keyId).toBe("k1");
    const blob = row.cache;
    const clear = decryptTokenCache(blob, key, USER);
    expect(clear).toContain("RefreshToken");
    // No token (access, refresh, id) and no cache field name appears in clear text in what is stored.
    const cache = JSON.parse(clear) as Record<string, Record<string, { secret?: string }>>;
    const secrets = Object.values(cache).flatMap((section) =>
      Object.values(section ?? {}).flatMap((entry) => (typeof entry?.secret === "string" ? [entry.secret] : [])),
    );
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) expect(blob).not.toContain(secret);
    expect(blob).not.toContain("RefreshToken");

    const fresh = provider(store);
    const gw = new GraphGateway({ baseUrl: sim.graphUrl, tokenProvider: fresh, limiter: new KeyedSemaphore(4) });
    const profile = await gw.getProfile(USER);
    expect(profile.userPrincipalName).toBe(USER);
  });

  it("a user who never signed in gets SignInRequiredError not_signed_in", async () => {
    const { store } = await table([["k1", randomBytes(32)]]);
    const e = await provider(store)
      .acquireSilent("adoe@contoso.test")
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SignInRequiredError);
    expect((e as AuthError).code).toBe("not_signed_in");
  });

  it("a cache under an unknown key or a wrong key, or moved to another user, is unreadable: SignInRequiredError", async () => {
    const key = randomBytes(32);
    const { store, prefix } = await table([["k1", key]]);
    await signIn(provider(store), USER);
    const unknownId = await table([["k2", randomBytes(32)]], prefix);
    const e1 = await provider(unknownId.store)
      .acquireSilent(USER)
      .catch((x: unknown) => x);
    expect(e1).toBeInstanceOf(SignInRequiredError);
    expect((e1 as AuthError).message).toContain('key id "k1"');
    const wrongKey = await table([["k1", randomBytes(32)]], prefix);
    const e2 = await provider(wrongKey.store)
      .acquireSilent(USER)
      .catch((x: unknown) => x);
    expect((e2 as AuthError).code).toBe("token_cache_unreadable");
    const row = await rowOf(store, USER);
    await store.client.upsertEntity({
      partitionKey: TokenCacheTable.partitionOf("adoe@contoso.test"),
      rowKey: TOKEN_CACHE_ROW,
      cache: row.cache,
      keyId: "k1",
    });
    const moved = await provider(store)
      .acquireSilent("adoe@contoso.test")
      .catch((x: unknown) => x);
    expect((moved as AuthError).code).toBe("token_cache_unreadable");
  });

  it("key rotation: a row under the old key is read, and re-encrypted under the new active key on the next write", async () => {
    const oldKey = randomBytes(32);
    const { store, prefix } = await table([["old", oldKey]]);
    sim.setDelegatedTokenLifetime(60); // below MSAL's 5-minute margin: every silent call refreshes and writes back
    await signIn(provider(store), USER);
    const newKey = randomBytes(32);
    const rotated = await table(
      [
        ["new", newKey],
        ["old", oldKey],
      ],
      prefix,
    );
    try {
      const gw = new GraphGateway({
        baseUrl: sim.graphUrl,
        tokenProvider: provider(rotated.store),
        limiter: new KeyedSemaphore(4),
      });
      expect((await gw.getProfile(USER)).userPrincipalName).toBe(USER);
    } finally {
      sim.setDelegatedTokenLifetime(3600);
    }
    expect((await rowOf(store, USER)).keyId).toBe("new");
    const onlyNew = await table([["new", newKey]], prefix);
    await expect(provider(onlyNew.store).acquireSilent(USER)).resolves.toEqual(expect.any(String));
  });

  it("round-trips through the cache crypto and rejects tampering", () => {
    const key = randomBytes(32);
    const blob = encryptTokenCache('{"a":1}', key, "U@x");
    expect(decryptTokenCache(blob, key, "u@X")).toBe('{"a":1}');
    const tampered = blob.slice(0, -4) + (blob.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect(() => decryptTokenCache(tampered, key, "u@x")).toThrow(AuthError);
  });
});
