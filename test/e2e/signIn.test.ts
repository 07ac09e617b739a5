// Per-user sign-in end to end: the auth/signin and auth/callback handlers over HTTP, the real MSAL client against the
// Graph simulator's authorize/token endpoints (HTTPS), Azurite tables, and the push worker holding a user's messages.
import { InvocationContext } from "@azure/functions";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAuthCallback, authCallbackRoute } from "../../functions/authCallback.js";
import { runAuthSignIn, authSignInRoute } from "../../functions/authSignIn.js";
import { runPushWorker } from "../../functions/pushWorker.js";
import { TokenCacheTable, TOKEN_CACHE_ROW } from "../../shared/adapters/tables/tokenCacheTable.js";
import { USERS_PARTITION } from "../../shared/adapters/tables/usersTable.js";
import { recordSignInRequired } from "../../shared/app/auth/recordSignInRequired.js";
import { buildPushHandlers } from "../../shared/app/pushHandlers.js";
import type { PushMessage } from "../../shared/domain/messages/pushMessage.js";
import type { SignInRequiredError } from "../../shared/domain/errors.js";
import { startAppRig, QUEUES, type AppRig } from "../harness/appRig.js";

const KEY = randomBytes(32).toString("base64");
let rig: AppRig;
const logs: string[] = [];

beforeAll(async () => {
  rig = await startAppRig({
    env: {
      AUTH_MODE: "delegated",
      SIGNIN_REDIRECT_URI: "http://127.0.0.1:1/api/auth/callback", // replaced below once the host port is known
      TOKEN_CACHE_KEYS: `k1:${KEY}`,
    },
    routes: (deps) => [
      { ...authSignInRoute, methods: [...authSignInRoute.methods], handler: (r, c) => runAuthSignIn(r, c, deps()) },
      {
        ...authCallbackRoute,
        methods: [...authCallbackRoute.methods],
        handler: (r, c) => runAuthCallback(r, c, deps()),
      },
    ],
  });
  // The redirect URI must be the host's real callback URL (registered exactly in Entra; here: the test host).
  rig.deps.signIn = { ...rig.deps.signIn!, redirectUri: `${rig.host.baseUrl}/auth/callback` };
  await rig.deps.users.upsertUser({ userId: "JSMITH", mailbox: "jsmith@contoso.test", emails: true });
  await rig.deps.users.upsertUser({ userId: "ADOE", mailbox: "adoe@contoso.test", emails: true });
}, 60_000);
afterAll(async () => rig?.stop());

/** The browser: open the sign-in link, follow the simulator's authorize redirect, land on the callback. */
async function browserSignIn(user: string, tamper?: (callback: URL) => URL) {
  const start = await fetch(`${rig.host.baseUrl}/auth/signin?user=${user}`, { redirect: "manual" });
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get("location")!);
  const entra = await fetch(authorize, { redirect: "manual" });
  expect(entra.status).toBe(302);
  let callback = new URL(entra.headers.get("location")!);
  if (tamper) callback = tamper(callback);
  const res = await fetch(callback, { redirect: "manual" });
  return { authorize, callback, status: res.status, text: await res.text() };
}

const userRow = (id: string) => rig.deps.users.client.getEntity<Record<string, unknown>>(USERS_PARTITION, id);
const cacheRow = (mailbox: string) =>
  rig.deps.signIn!.tokenCache.client.getEntity<{ cache: string; keyId: string }>(
    TokenCacheTable.partitionOf(mailbox),
    TOKEN_CACHE_ROW,
  );

describe("sign-in over HTTP", () => {
  it("signs in: PKCE redirect, callback page, encrypted cache row, grantedScopes + signedInAt, delegated Graph call", async () => {
    const r = await browserSignIn("JSMITH");
    expect(r.authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(r.authorize.searchParams.get("login_hint")).toBe("jsmith@contoso.test");
    expect(r.authorize.searchParams.get("redirect_uri")).toBe(`${rig.host.baseUrl}/auth/callback`);
    expect(r.status).toBe(200);
    expect(r.text).toContain("JSMITH is signed in as jsmith@contoso.test; granted: ");
    const row = await userRow("JSMITH");
    const granted = String(row.grantedScopes).split(" ").sort();
    expect(granted).toEqual(
      ["Calendars.ReadWrite", "Mail.Read", "Mail.Send", "Tasks.ReadWrite", "User.Read", "offline_access"].sort(),
    );
    expect(Date.parse(String(row.signedInAt))).not.toBeNaN();
    const cache = await cacheRow("jsmith@contoso.test");
    expect(cache.keyId).toBe("k1");
    expect(cache.cache).toMatch(/^v1\./);
    expect(cache.cache).not.toMatch(/eyJ|RefreshToken|AccessToken/);
    const me = await rig.deps.graph.getProfile("jsmith@contoso.test");
    expect(me.userPrincipalName).toBe("jsmith@contoso.test");
  });

  it("a user who grants fewer scopes sees exactly those on the row", async () => {
    rig.sim.setSignIn("adoe@contoso.test", { grant: ["User.Read", "Mail.Send"] });
    try {
      const r = await browserSignIn("ADOE");
      expect(r.status).toBe(200);
      expect(
        String((await userRow("ADOE")).grantedScopes)
          .split(" ")
          .sort(),
      ).toEqual(["Mail.Send", "User.Read", "offline_access"].sort());
    } finally {
      rig.sim.setSignIn("adoe@contoso.test", undefined);
    }
  });

  it("a replayed, tampered or expired state is refused with a page; so is a refusal of consent", async () => {
    const first = await browserSignIn("JSMITH");
    expect(first.status).toBe(200);
    const replay = await fetch(first.callback, { redirect: "manual" });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("already used");

    const tampered = await browserSignIn("JSMITH", (cb) => {
      const state = cb.searchParams.get("state")!;
      const [body, mac] = state.split(".");
      const payload = JSON.parse(Buffer.from(body!, "base64url").toString()) as Record<string, unknown>;
      cb.searchParams.set(
        "state",
        `${Buffer.from(JSON.stringify({ ...payload, user: "ADOE" })).toString("base64url")}.${mac}`,
      );
      return cb;
    });
    expect(tampered.status).toBe(400);
    expect(tampered.text).toContain("signature mismatch");

    const expired = await browserSignIn("JSMITH", (cb) => (rig.advance(11 * 60_000), cb));
    expect(expired.status).toBe(400);
    expect(expired.text).toContain("expired");

    rig.sim.setSignIn("*", { refuse: true });
    try {
      const refused = await browserSignIn("JSMITH");
      expect(refused.status).toBe(403);
      expect(refused.text).toContain("access_denied");
      expect(refused.text).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      rig.sim.setSignIn("*", undefined);
    }
  });

  it("a sign-in as the wrong account is refused (403) and stores nothing", async () => {
    await rig.deps.users.upsertUser({ userId: "WRONG", mailbox: "ghost-wrong@contoso.test", emails: true });
    rig.sim.setSignIn("ghost-wrong@contoso.test", { signInAs: "adoe@contoso.test" });
    try {
      const r = await browserSignIn("WRONG");
      expect(r.status).toBe(403);
      expect(r.text).toContain("signed in as adoe@contoso.test");
      await expect(cacheRow("ghost-wrong@contoso.test")).rejects.toMatchObject({ statusCode: 404 });
      expect((await userRow("WRONG")).grantedScopes).toBeUndefined();
    } finally {
      rig.sim.setSignIn("ghost-wrong@contoso.test", undefined);
    }
  });

  it("unknown user → 404 page; no user → 400 page", async () => {
    const unknown = await fetch(`${rig.host.baseUrl}/auth/signin?user=NOBODY`, { redirect: "manual" });
    expect(unknown.status).toBe(404);
    const none = await fetch(`${rig.host.baseUrl}/auth/signin`, { redirect: "manual" });
    expect(none.status).toBe(400);
  });
});

describe("tokens after sign-in", () => {
  it("refreshes silently when the access token is due, then a revoked refresh token holds the user's message until they sign in again", async () => {
    rig.sim.setDelegatedTokenLifetime(60); // below MSAL's 5-minute margin: each call refreshes
    try {
      expect((await browserSignIn("JSMITH")).status).toBe(200);
      expect((await rig.deps.graph.getProfile("jsmith@contoso.test")).userPrincipalName).toBe("jsmith@contoso.test");
      expect((await rig.deps.graph.getProfile("jsmith@contoso.test")).userPrincipalName).toBe("jsmith@contoso.test");

      rig.sim.revokeSignInSessions("jsmith@contoso.test");
      const message: PushMessage = {
        kind: "email",
        op: "SEND",
        user: "JSMITH",
        messageKey: "MK-HOLD-1",
        data: { to: ["buyer@fabrikam.test"], subject: "held", body: { contentType: "text", content: "hi" } },
      } as PushMessage;
      const deps = {
        queue: QUEUES.push,
        handlers: buildPushHandlers(rig.deps),
        rejected: rig.deps.rejected,
        reschedule: rig.deps.queues,
        rescheduleOptions: { now: rig.deps.now },
        onSignInRequired: (user: string, e: SignInRequiredError) => recordSignInRequired(rig.deps, user, e),
      };
      const context = (meta: Record<string, unknown>) => {
        const c = new InvocationContext({ triggerMetadata: meta });
        c.log = (...a: unknown[]) => void logs.push(a.join(" "));
        c.warn = c.log;
        c.error = c.log;
        return c;
      };
      const held = await runPushWorker(
        message,
        context({ messageId: "m-hold-1", sessionId: "JSMITH", deliveryCount: 1 }),
        deps,
      );
      expect(held).toMatchObject({ status: "rescheduled", code: "invalid_grant", rescheduleCount: 1 });
      if (held.status !== "rescheduled") throw new Error("not held");
      expect(held.scheduledEnqueueTimeUtc.getTime() - rig.deps.now().getTime()).toBeGreaterThan(50_000);
      const row = await userRow("JSMITH");
      expect(row.status).toBe("needs_sign_in");
      expect(String(row.lastError)).toContain(`${rig.host.baseUrl}/auth/signin?user=JSMITH`);
      expect(rig.sim.sentMail("jsmith@contoso.test").some((m) => m.subject === "held")).toBe(false);
      // Another user is unaffected.
      expect((await rig.deps.graph.getProfile("adoe@contoso.test")).userPrincipalName).toBe("adoe@contoso.test");

      expect((await browserSignIn("JSMITH")).status).toBe(200);
      expect((await userRow("JSMITH")).status).toBe("pending");
      // The held copy arrives (as the broker delivers it at its time): it now goes through.
      const released = await runPushWorker(
        message,
        context({
          messageId: held.messageId,
          sessionId: "JSMITH",
          deliveryCount: 1,
          applicationProperties: { rescheduleCount: 1, rescheduledFrom: "m-hold-1" },
        }),
        deps,
      );
      expect(released).toMatchObject({ status: "handled" });
      expect(rig.sim.sentMail("jsmith@contoso.test").some((m) => m.subject === "held")).toBe(true);
    } finally {
      rig.sim.setDelegatedTokenLifetime(3600);
    }
  });

  it("no token, code or secret reaches the logs", async () => {
    const all = [...logs, ...rig.host.logs].join("\n");
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(all).not.toContain(rig.sim.defaultApp.clientSecret);
    expect(all).not.toContain(KEY);
  });
});
