// Per-user sign-in end to end: the auth/signin and auth/callback handlers over HTTP, the real MSAL client against the
// Graph simulator's authorize/token endpoints (HTTPS), Azurite tables, and the push worker holding a user's messages.
import { ServiceBusClient } from "@azure/service-bus";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runAuthCallback, authCallbackRoute } from "../../functions/authCallback.js";
import { runAuthSignIn, authSignInRoute } from "../../functions/authSignIn.js";
import { runPushWorker } from "../../functions/pushWorker.js";
import { TokenCacheTable, TOKEN_CACHE_ROW } from "../../shared/adapters/tables/tokenCacheTable.js";
import { USERS_PARTITION } from "../../shared/adapters/tables/usersTable.js";
import { recordSignInRequired } from "../../shared/app/auth/recordSignInRequired.js";
import { buildPushHandlers } from "../../shared/app/pushHandlers.js";
import { parsePullMessage } from "../../shared/domain/messages/parseMessage.js";
import type { SignInRequiredError } from "../../shared/domain/errors.js";
import { startAppRig, QUEUES, type AppRig } from "../harness/appRig.js";
import { createDeliveryHarness } from "../harness/deliveryHarness.js";

const KEY = randomBytes(32).toString("base64");
let rig: AppRig;
const logs: string[] = [];

beforeAll(async () => {
  rig = await startAppRig({
    manualClock: true, // one clock for the app and the stand-in: held copies fall due only when the test says so
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

/** The push queue through pushWorker's entry, wired as the deployed function wires it (holds on sign-in). */
async function drainPush() {
  const h = createDeliveryHarness({
    connectionString: rig.bus.connectionString,
    queue: QUEUES.push,
    handler: (message, context) => {
      context.log = (...a: unknown[]) => void logs.push(a.join(" "));
      return runPushWorker(message, context, {
        queue: QUEUES.push,
        handlers: buildPushHandlers(rig.deps),
        rejected: rig.deps.rejected,
        reschedule: rig.deps.queues,
        rescheduleOptions: { now: rig.deps.now },
        onSignInRequired: (user: string, e: SignInRequiredError) => recordSignInRequired(rig.deps, user, e),
      });
    },
  });
  try {
    return await h.drain();
  } finally {
    await h.stop();
  }
}

/** Receives (and completes) every message waiting on the pull queue, session by session, with the real client. */
async function drainPull(client: ServiceBusClient): Promise<{ sessionId: string | undefined; body: unknown }[]> {
  const out: { sessionId: string | undefined; body: unknown }[] = [];
  for (;;) {
    const waiting = rig.bus
      .queue(QUEUES.pull)
      .messages()
      .filter((m) => m.state === "active");
    const session = waiting[0]?.sessionId;
    if (session === undefined) return out;
    const receiver = await client.acceptSession(QUEUES.pull, session);
    try {
      // Receive while the broker has a message of this session for us (the wait is only a hang guard).
      while (rig.bus.queue(QUEUES.pull).availableCount(session) > 0) {
        const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 60_000 });
        if (!m) break;
        out.push({ sessionId: m.sessionId, body: m.body });
        await receiver.completeMessage(m);
      }
    } finally {
      await receiver.close();
    }
  }
}

/** GET /me on the simulator with a bearer token, as Graph would answer it. */
async function me(token: string) {
  const r = await fetch(`${rig.sim.graphUrl}/me`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as { error: { code: string; message: string } } };
}

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as { iat: number; exp: number };

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
      [
        "Calendars.ReadWrite",
        "Mail.Read",
        "Mail.Send",
        "MailboxSettings.Read",
        "Tasks.ReadWrite",
        "User.Read",
        "offline_access",
      ].sort(),
    );
    expect(Date.parse(String(row.signedInAt))).not.toBeNaN();
    const cache = await cacheRow("jsmith@contoso.test");
    expect(cache.keyId).toBe("k1");
    expect(cache.cache).toMatch(/^v1\./);
    // No token readable: neither the access token the gateway uses (nor its claims part) nor MSAL's cache keys. (A
    // bare /eyJ/ is no test: random ciphertext in base64 contains it now and then.)
    const token = await rig.deps.signIn!.delegated.getToken("jsmith@contoso.test");
    expect(cache.cache).not.toContain(token.split(".")[1]);
    expect(cache.cache).not.toMatch(/RefreshToken|AccessToken|IdToken/);
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
  it("after the access token expires a refresh happens silently: the simulator refuses the old token, MSAL refreshes", async () => {
    expect((await browserSignIn("JSMITH")).status).toBe(200);
    const mailbox = "jsmith@contoso.test";
    const refreshes = () => rig.sim.tokenGrants().refresh_token ?? 0;
    const before = refreshes();
    // The token the gateway uses, from the user's cache (no refresh: it is fresh).
    const first = await rig.deps.signIn!.delegated.getToken(mailbox);
    expect(refreshes()).toBe(before);
    expect((await me(first)).status).toBe(200);
    const { iat, exp } = claimsOf(first);
    const past = (exp - iat + 60) * 1000; // a minute past the access token's lifetime

    // Graph's clock (the simulator's) passes the token's lifetime: the token is refused as Graph refuses it.
    rig.sim.advanceClock(past);
    const refused = await me(first);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("InvalidAuthenticationToken");
    expect(refused.body.error.message).toContain("expired");

    // The same time passes on the app's machine, whose clock MSAL reads (Date; it renews 5 min before expiresOn):
    // the next Graph call refreshes silently with the refresh token, and the simulator accepts the new token.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + past });
    try {
      expect((await rig.deps.graph.getProfile(mailbox)).userPrincipalName).toBe(mailbox);
      expect(refreshes()).toBe(before + 1);
      const second = await rig.deps.signIn!.delegated.getToken(mailbox);
      expect(refreshes()).toBe(before + 1); // cached: one refresh, not one per call
      expect(second).not.toBe(first);
      expect(claimsOf(second).iat).toBeGreaterThanOrEqual(iat + past / 1000);
      expect((await me(second)).status).toBe(200);
      expect((await userRow("JSMITH")).status).not.toBe("needs_sign_in");
    } finally {
      vi.useRealTimers();
    }
  });

  it("a revoked refresh token holds that user's messages on the queue (growing delay); the next sign-in queues a RESYNC (reason signIn) and the held message goes through; other users are unaffected", async () => {
    rig.sim.setDelegatedTokenLifetime(60); // each Graph call refreshes, so a revocation is seen at once
    const client = new ServiceBusClient(rig.bus.connectionString);
    const erp = client.createSender(QUEUES.push);
    const push = rig.bus.queue(QUEUES.push);
    const mail = (user: string, messageKey: string, subject: string) => ({
      body: {
        kind: "email",
        op: "SEND",
        user,
        messageKey,
        data: { to: ["buyer@fabrikam.test"], subject, body: { contentType: "text", content: "hi" } },
      },
      sessionId: user,
      messageId: `push-${messageKey}`,
      contentType: "application/json",
    });
    const sent = (mailbox: string, subject: string) =>
      rig.sim.sentMail(mailbox).filter((m) => m.subject === subject).length;
    try {
      expect((await browserSignIn("JSMITH")).status).toBe(200);
      expect((await browserSignIn("ADOE")).status).toBe(200);
      await drainPull(client); // the RESYNCs of these sign-ins (asserted below for the one after the revocation)

      rig.sim.revokeSignInSessions("jsmith@contoso.test");
      await erp.sendMessages([mail("JSMITH", "MK-HOLD-1", "held"), mail("ADOE", "MK-OTHER-1", "other user 1")]);
      const first = await drainPush();
      expect(first.failed).toBe(0);
      // JSMITH's message is held: the delivery completed and a copy is scheduled on the queue, a minute ahead.
      const held1 = push.messages().filter((m) => m.state === "scheduled" && m.sessionId === "JSMITH");
      expect(held1).toHaveLength(1);
      expect(held1[0]!.applicationProperties).toMatchObject({ rescheduleCount: 1, rescheduledFrom: "push-MK-HOLD-1" });
      const delay1 = held1[0]!.scheduledEnqueueTimeUtc!.getTime() - rig.deps.now().getTime();
      expect(delay1).toBe(60_000);
      const row = await userRow("JSMITH");
      expect(row.status).toBe("needs_sign_in");
      expect(String(row.lastError)).toContain("invalid_grant");
      expect(String(row.lastError)).toContain(`${rig.host.baseUrl}/auth/signin?user=JSMITH`);
      expect(sent("jsmith@contoso.test", "held")).toBe(0);
      // Another user is unaffected: ADOE's message went through, ADOE's row is untouched.
      expect(sent("adoe@contoso.test", "other user 1")).toBe(1);
      expect((await userRow("ADOE")).status).not.toBe("needs_sign_in");

      // The copy falls due (the stand-in's clock): redelivered, still no sign-in → held again, twice as long.
      rig.advance(delay1);
      expect(push.messages().filter((m) => m.state === "scheduled" && m.sessionId === "JSMITH")).toHaveLength(0);
      await erp.sendMessages(mail("ADOE", "MK-OTHER-2", "other user 2"));
      const second = await drainPush();
      expect(second.deliveries.map((d) => d.messageId).sort()).toEqual([held1[0]!.messageId, "push-MK-OTHER-2"].sort());
      const held2 = push.messages().filter((m) => m.state === "scheduled" && m.sessionId === "JSMITH");
      expect(held2).toHaveLength(1);
      expect(held2[0]!.applicationProperties).toMatchObject({ rescheduleCount: 2, rescheduledFrom: "push-MK-HOLD-1" });
      expect(held2[0]!.scheduledEnqueueTimeUtc!.getTime() - rig.deps.now().getTime()).toBe(120_000);
      expect(sent("jsmith@contoso.test", "held")).toBe(0);
      expect(sent("adoe@contoso.test", "other user 2")).toBe(1);

      // JSMITH signs in again: status back to pending, and a RESYNC with reason signIn reaches the pull queue.
      expect((await browserSignIn("JSMITH")).status).toBe(200);
      expect((await userRow("JSMITH")).status).toBe("pending");
      const resyncs = await drainPull(client);
      expect(resyncs.filter((m) => m.sessionId === "JSMITH").map((m) => m.body)).toEqual([
        { source: "RESYNC", user: "JSMITH", reason: "signIn" },
      ]);
      expect(resyncs.filter((m) => m.sessionId === "ADOE")).toEqual([]);
      const parsed = parsePullMessage(resyncs.find((m) => m.sessionId === "JSMITH")!.body);
      expect(parsed.ok).toBe(true);

      // The held copy falls due and is redelivered by the stand-in: it now goes through, exactly once.
      rig.advance(120_000);
      const third = await drainPush();
      expect(third.deliveries.map((d) => d.messageId)).toEqual([held2[0]!.messageId]);
      expect(third.failed).toBe(0);
      expect(sent("jsmith@contoso.test", "held")).toBe(1);
      expect(push.messages().filter((m) => m.state === "scheduled" || m.state === "active")).toHaveLength(0);
      expect(await rig.deps.rejected.list({ queue: QUEUES.push })).toEqual([]);
    } finally {
      rig.sim.setDelegatedTokenLifetime(3600);
      await erp.close();
      await client.close();
    }
  });

  it("no token, code or secret reaches the logs", async () => {
    const all = [...logs, ...rig.host.logs].join("\n");
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(all).not.toContain(rig.sim.defaultApp.clientSecret);
    expect(all).not.toContain(KEY);
  });
});
