// GET manage/users/{user}/profile in AUTH_MODE=delegated over real HTTP: the profile test is Graph GET /me with the
// user's own token (real MSAL against the simulator, signed in through auth/signin → authorize → auth/callback).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { runAdminProfile, adminProfileRoute } from "../../functions/adminProfile.js";
import { runAuthCallback, authCallbackRoute } from "../../functions/authCallback.js";
import { runAuthSignIn, authSignInRoute } from "../../functions/authSignIn.js";
import { startAppRig, type AppRig } from "../harness/appRig.js";

let rig: AppRig;
beforeAll(async () => {
  rig = await startAppRig({
    env: {
      AUTH_MODE: "delegated",
      SIGNIN_REDIRECT_URI: "http://127.0.0.1:1/api/auth/callback", // replaced below once the host port is known
      TOKEN_CACHE_KEYS: `k1:${randomBytes(32).toString("base64")}`,
    },
    routes: (deps) => [
      { ...authSignInRoute, methods: [...authSignInRoute.methods], handler: (r, c) => runAuthSignIn(r, c, deps()) },
      {
        ...authCallbackRoute,
        methods: [...authCallbackRoute.methods],
        handler: (r, c) => runAuthCallback(r, c, deps()),
      },
      {
        ...adminProfileRoute,
        methods: [...adminProfileRoute.methods],
        handler: (r, c) => runAdminProfile(r, c, deps()),
      },
    ],
  });
  rig.deps.signIn = { ...rig.deps.signIn!, redirectUri: `${rig.host.baseUrl}/auth/callback` };
  await rig.deps.users.upsertUser({ userId: "JSMITH", mailbox: "jsmith@contoso.test", emails: true });
  await rig.deps.users.upsertUser({ userId: "ADOE", mailbox: "adoe@contoso.test", emails: true });
}, 60_000);
afterAll(async () => rig?.stop());

async function signIn(user: string): Promise<number> {
  const start = await fetch(`${rig.host.baseUrl}/auth/signin?user=${user}`, { redirect: "manual" });
  const entra = await fetch(start.headers.get("location")!, { redirect: "manual" });
  return (await fetch(entra.headers.get("location")!, { redirect: "manual" })).status;
}

async function profile(user: string) {
  const res = await fetch(`${rig.host.baseUrl}/manage/users/${user}/profile`);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const statusOf = async (user: string) => {
  const lookup = await rig.deps.users.getUser(user);
  return lookup?.valid ? lookup.user.status : undefined;
};
const meCalls = () => rig.sim.counters().byEndpoint["GET /me"] ?? 0;

describe("profile test in delegated mode", () => {
  it("before the user signed in: 403 needs_sign_in with the sign-in link, status needs_sign_in, no Graph call", async () => {
    const before = rig.sim.counters().total;
    const res = await profile("JSMITH");
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: "needs_sign_in", user: "JSMITH" });
    expect(res.json.reason).toContain(`${rig.host.baseUrl}/auth/signin?user=JSMITH`);
    expect(await statusOf("JSMITH")).toBe("needs_sign_in");
    expect(rig.sim.counters().total).toBe(before);
  });

  it("after sign-in: GET /me with the user's token returns that user's profile; the status is pending again", async () => {
    expect(await signIn("JSMITH")).toBe(200);
    const calls = meCalls();
    const res = await profile("JSMITH");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      user: "JSMITH",
      mailbox: "jsmith@contoso.test",
      request: "GET /me",
      profile: { userPrincipalName: "jsmith@contoso.test", displayName: "JSMITH" },
    });
    expect(meCalls()).toBe(calls + 1);
    expect(rig.sim.counters().byEndpoint["GET /users/{id}"] ?? 0).toBe(0);
    expect(await statusOf("JSMITH")).toBe("pending");
  });

  it("a user who did not grant User.Read: Graph refuses /me (403) → auth_required naming Graph's code", async () => {
    rig.sim.setSignIn("adoe@contoso.test", { grant: ["Mail.Send"] });
    try {
      expect(await signIn("ADOE")).toBe(200);
    } finally {
      rig.sim.setSignIn("adoe@contoso.test", undefined);
    }
    const res = await profile("ADOE");
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: "auth_required", user: "ADOE", code: "Authorization_RequestDenied" });
    expect(String(res.json.reason)).toMatch(/^profile test \(GET \/me\): Graph 403 Authorization_RequestDenied/);
  });

  it("a revoked sign-in: 403 needs_sign_in again (the refresh token is refused: invalid_grant)", async () => {
    rig.sim.setDelegatedTokenLifetime(60); // below MSAL's 5-minute margin: the call must refresh
    try {
      expect(await signIn("JSMITH")).toBe(200);
      rig.sim.revokeSignInSessions("jsmith@contoso.test");
      const res = await profile("JSMITH");
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ error: "needs_sign_in", code: "invalid_grant" });
      expect(await statusOf("JSMITH")).toBe("needs_sign_in");
    } finally {
      rig.sim.setDelegatedTokenLifetime(3600);
    }
  });
});
