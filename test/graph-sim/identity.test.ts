// Tests of the simulated identity platform and Graph's bearer / permission checks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphSim, type GraphSim } from "./index.js";
import { appToken, graph } from "./testkit.js";

let sim: GraphSim;
beforeAll(async () => {
  sim = await startGraphSim();
});
afterAll(async () => {
  await sim.stop();
});

const form = (o: Record<string, string>) => ({ method: "POST", body: new URLSearchParams(o) });
const clientCredentials = (override: Record<string, string> = {}) =>
  fetch(
    sim.tokenEndpoint,
    form({
      client_id: sim.defaultApp.clientId,
      client_secret: sim.defaultApp.clientSecret,
      grant_type: "client_credentials",
      scope: "https://graph.microsoft.com/.default",
      ...override,
    }),
  );

describe("token endpoint", () => {
  it("issues a JWT for client credentials with the app's roles", async () => {
    const t = await appToken(sim);
    const claims = JSON.parse(Buffer.from(t.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({
      aud: "https://graph.microsoft.com",
      tid: sim.tenantId,
      appid: sim.defaultApp.clientId,
    });
    expect(claims.roles).toContain("Calendars.ReadWrite");
    expect(typeof claims.exp).toBe("number");
  });

  it.each([
    [{ client_secret: "wrong" }, 401, "invalid_client"],
    [{ client_id: "99999999-9999-4999-8999-999999999999" }, 400, "unauthorized_client"],
    [{ scope: "Calendars.Read" }, 400, "invalid_scope"],
    [{ grant_type: "password" }, 400, "unsupported_grant_type"],
  ])("refuses %o with %i %s", async (override, status, error) => {
    const r = await clientCredentials(override);
    expect(r.status).toBe(status);
    const b = (await r.json()) as { error: string; error_codes: number[] };
    expect(b.error).toBe(error);
    expect(b.error_codes.length).toBe(1);
  });

  it("serves OpenID metadata and instance discovery pointing at itself", async () => {
    const meta = (await (
      await fetch(`${sim.authorityHost}/${sim.tenantId}/v2.0/.well-known/openid-configuration`)
    ).json()) as Record<string, string>;
    expect(meta.token_endpoint).toBe(sim.tokenEndpoint);
    expect(meta.authorization_endpoint).toBe(`${sim.baseUrl}/${sim.tenantId}/oauth2/v2.0/authorize`);
    const inst = (await (await fetch(`${sim.baseUrl}/common/discovery/instance?api-version=1.1`)).json()) as Record<
      string,
      unknown
    >;
    expect(inst.tenant_discovery_endpoint).toContain("/.well-known/openid-configuration");
  });

  it("runs the authorization-code flow (PKCE) and refreshes a delegated token", async () => {
    const verifier = "a".repeat(50);
    const challenge = (await import("node:crypto")).createHash("sha256").update(verifier).digest("base64url");
    const q = new URLSearchParams({
      client_id: sim.defaultApp.clientId,
      response_type: "code",
      redirect_uri: "https://localhost/cb",
      scope: "Calendars.ReadWrite User.Read offline_access openid",
      state: "s1",
      login_hint: "jsmith@contoso.test",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const a = await fetch(`${sim.authorityHost}/${sim.tenantId}/oauth2/v2.0/authorize?${q}`, { redirect: "manual" });
    expect(a.status).toBe(302);
    const loc = new URL(a.headers.get("location")!);
    expect(loc.searchParams.get("state")).toBe("s1");
    const code = loc.searchParams.get("code")!;
    const base = {
      client_id: sim.defaultApp.clientId,
      client_secret: sim.defaultApp.clientSecret,
      redirect_uri: "https://localhost/cb",
      scope: "Calendars.ReadWrite User.Read offline_access",
    };
    const bad = await fetch(
      sim.tokenEndpoint,
      form({ ...base, grant_type: "authorization_code", code, code_verifier: "wrong" }),
    );
    expect(bad.status).toBe(400);
    const a2 = await fetch(`${sim.authorityHost}/${sim.tenantId}/oauth2/v2.0/authorize?${q}`, { redirect: "manual" });
    const code2 = new URL(a2.headers.get("location")!).searchParams.get("code")!;
    const r = await fetch(
      sim.tokenEndpoint,
      form({ ...base, grant_type: "authorization_code", code: code2, code_verifier: verifier }),
    );
    expect(r.status).toBe(200);
    const t = (await r.json()) as { access_token: string; refresh_token: string; id_token: string; scope: string };
    expect(t.scope).toContain("https://graph.microsoft.com/Calendars.ReadWrite");
    const me = await graph(sim, t.access_token)("GET", "/me");
    expect(me.status).toBe(200);
    expect(me.body.userPrincipalName).toBe("jsmith@contoso.test");
    // the code is single-use
    expect(
      (
        await fetch(
          sim.tokenEndpoint,
          form({ ...base, grant_type: "authorization_code", code: code2, code_verifier: verifier }),
        )
      ).status,
    ).toBe(400);
    const rr = await fetch(
      sim.tokenEndpoint,
      form({ ...base, grant_type: "refresh_token", refresh_token: t.refresh_token }),
    );
    expect(rr.status).toBe(200);
    expect(((await rr.json()) as { access_token: string }).access_token).toBeTruthy();
  });
});

describe("authorize behaviour (consent subset, refusal, revoked sessions)", () => {
  const authorize = async (scope: string, hint = "jsmith@contoso.test") => {
    const q = new URLSearchParams({
      client_id: sim.defaultApp.clientId,
      response_type: "code",
      redirect_uri: "https://localhost/cb",
      scope,
      state: "s",
      login_hint: hint,
    });
    const a = await fetch(`${sim.authorityHost}/${sim.tenantId}/oauth2/v2.0/authorize?${q}`, { redirect: "manual" });
    expect(a.status).toBe(302);
    return new URL(a.headers.get("location")!);
  };
  const redeem = async (code: string, scope: string) => {
    const r = await fetch(
      sim.tokenEndpoint,
      form({
        client_id: sim.defaultApp.clientId,
        client_secret: sim.defaultApp.clientSecret,
        redirect_uri: "https://localhost/cb",
        grant_type: "authorization_code",
        code,
        scope,
      }),
    );
    return { status: r.status, body: (await r.json()) as Record<string, string> };
  };

  it("grants only the scopes the user consented to, whatever the token request lists", async () => {
    sim.setSignIn("jsmith@contoso.test", { grant: ["Calendars.ReadWrite"] });
    try {
      const scope = "Calendars.ReadWrite Mail.Send offline_access";
      const loc = await authorize(scope);
      const t = await redeem(loc.searchParams.get("code")!, scope);
      expect(t.status).toBe(200);
      expect(t.body.scope!.split(" ").sort()).toEqual([
        "https://graph.microsoft.com/Calendars.ReadWrite",
        "offline_access",
      ]);
    } finally {
      sim.setSignIn("jsmith@contoso.test", undefined);
    }
  });

  it("a refusal redirects with error=access_denied and the state; no code", async () => {
    sim.setSignIn("*", { refuse: true });
    try {
      const loc = await authorize("User.Read");
      expect(loc.searchParams.get("error")).toBe("access_denied");
      expect(loc.searchParams.get("error_description")).toMatch(/^AADSTS65004/);
      expect(loc.searchParams.get("state")).toBe("s");
      expect(loc.searchParams.get("code")).toBeNull();
    } finally {
      sim.setSignIn("*", undefined);
    }
  });

  it("an authorization code expires after 10 minutes on the simulator's clock", async () => {
    const code = (await authorize("User.Read offline_access")).searchParams.get("code")!;
    sim.advanceClock(10 * 60_000 + 1_000);
    try {
      const r = await redeem(code, "User.Read");
      expect(r.status).toBe(400);
      expect(r.body.error).toBe("invalid_grant");
    } finally {
      sim.advanceClock(-(10 * 60_000 + 1_000));
    }
  });

  it("revokeSignInSessions makes earlier refresh tokens invalid_grant (AADSTS50173); a new sign-in works", async () => {
    const scope = "User.Read offline_access";
    const first = await redeem((await authorize(scope)).searchParams.get("code")!, scope);
    sim.revokeSignInSessions("jsmith@contoso.test");
    const refresh = (rt: string) =>
      fetch(
        sim.tokenEndpoint,
        form({
          client_id: sim.defaultApp.clientId,
          client_secret: sim.defaultApp.clientSecret,
          grant_type: "refresh_token",
          refresh_token: rt,
        }),
      );
    const refused = await refresh(first.body.refresh_token!);
    expect(refused.status).toBe(400);
    const err = (await refused.json()) as { error: string; error_codes: number[] };
    expect(err).toMatchObject({ error: "invalid_grant", error_codes: [50173] });
    const again = await redeem((await authorize(scope)).searchParams.get("code")!, scope);
    expect((await refresh(again.body.refresh_token!)).status).toBe(200);
  });
});

describe("bearer and permissions", () => {
  it.each([
    ["no header", undefined, "Access token is empty."],
    ["garbage", "not-a-jwt", undefined],
  ])("401 InvalidAuthenticationToken with %s", async (_n, token, msg) => {
    const r = await graph(sim, token)("GET", "/users/jsmith@contoso.test");
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("InvalidAuthenticationToken");
    expect(r.body.error.innerError["request-id"]).toMatch(/[0-9a-f-]{36}/);
    if (msg) expect(r.body.error.message).toBe(msg);
  });

  it("401 for an expired token", async () => {
    const r = await graph(sim, sim.issueToken({ expiresInSeconds: -10 }))("GET", "/users/jsmith@contoso.test");
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/expired/);
  });

  it("token lifetime is judged on the simulator's clock: advanceClock past exp → 401; expires_in is the lifetime", async () => {
    const t = await clientCredentials();
    const body = (await t.json()) as { access_token: string; expires_in: number };
    const claims = JSON.parse(Buffer.from(body.access_token.split(".")[1]!, "base64url").toString()) as {
      iat: number;
      exp: number;
    };
    expect(body.expires_in).toBe(claims.exp - claims.iat - 1);
    const call = () => graph(sim, body.access_token)("GET", "/users/jsmith@contoso.test");
    const lifetimeMs = (claims.exp - claims.iat) * 1000;
    sim.advanceClock(lifetimeMs - 60_000); // a minute before exp on the simulator's clock: still accepted
    try {
      expect((await call()).status).toBe(200);
      sim.advanceClock(120_000); // a minute after exp
      const r = await call();
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("InvalidAuthenticationToken");
      expect(r.body.error.message).toMatch(/expired/);
      // A token minted now (on the simulator's clock) is valid again.
      expect((await graph(sim, sim.issueToken())("GET", "/users/jsmith@contoso.test")).status).toBe(200);
    } finally {
      sim.advanceClock(-(lifetimeMs + 60_000));
    }
  });

  it("/me with an app token is 400 as Graph; /users/{upn} works", async () => {
    const g = graph(sim, await appToken(sim));
    const me = await g("GET", "/me");
    expect(me.status).toBe(400);
    expect(me.body.error.message).toBe("/me request is only valid with delegated authentication flow.");
    const u = await g("GET", "/users/JSMITH@contoso.test");
    expect(u.body).toMatchObject({ displayName: "JSMITH", userPrincipalName: "jsmith@contoso.test" });
    expect((await g("GET", `/users/${u.body.id}`)).body.id).toBe(u.body.id);
    expect((await g("GET", "/users/nobody@contoso.test")).status).toBe(404);
  });

  it("enforces permissions per resource for an app without them", async () => {
    const g = graph(sim, await appToken(sim, "22222222-2222-4222-8222-222222222222", "no-perms-secret"));
    expect((await g("GET", "/users/jsmith@contoso.test")).status).toBe(200);
    const ev = await g("GET", "/users/jsmith@contoso.test/events");
    expect([ev.status, ev.body.error.code]).toEqual([403, "ErrorAccessDenied"]);
    const send = await g("POST", "/users/jsmith@contoso.test/sendMail", {
      message: { toRecipients: [{ emailAddress: { address: "a@b.c" } }] },
    });
    expect(send.status).toBe(403);
    const todo = await g("GET", "/users/jsmith@contoso.test/todo/lists");
    expect(todo.status).toBe(403);
  });

  it("read-only calendar permission may read but not write", async () => {
    const g = graph(sim, sim.issueToken({ roles: ["Calendars.Read"] }));
    expect((await g("GET", "/users/jsmith@contoso.test/events")).status).toBe(200);
    const w = await g("POST", "/users/jsmith@contoso.test/events", {
      subject: "x",
      start: { dateTime: "2030-01-01T10:00:00", timeZone: "UTC" },
      end: { dateTime: "2030-01-01T11:00:00", timeZone: "UTC" },
    });
    expect([w.status, w.body.error.code]).toEqual([403, "ErrorAccessDenied"]);
  });

  it("GET /me: the signed-in user's profile with User.Read; 403 without it; another user's profile needs more than User.Read", async () => {
    const jsmith = graph(sim, sim.issueToken({ user: "jsmith@contoso.test", scopes: ["User.Read"] }));
    const me = await jsmith("GET", "/me");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ userPrincipalName: "jsmith@contoso.test", displayName: "JSMITH" });
    expect((await jsmith("GET", "/users/jsmith@contoso.test")).body.id).toBe(me.body.id);
    const other = await jsmith("GET", "/users/adoe@contoso.test");
    expect([other.status, other.body.error.code]).toEqual([403, "Authorization_RequestDenied"]);
    const mailOnly = graph(sim, sim.issueToken({ user: "jsmith@contoso.test", scopes: ["Mail.Send"] }));
    const denied = await mailOnly("GET", "/me");
    expect([denied.status, denied.body.error.code]).toEqual([403, "Authorization_RequestDenied"]);
    const basicAll = graph(sim, sim.issueToken({ user: "jsmith@contoso.test", scopes: ["User.ReadBasic.All"] }));
    expect((await basicAll("GET", "/users/adoe@contoso.test")).status).toBe(200);
  });

  it("a delegated token reaches only its own mailbox", async () => {
    const g = graph(sim, sim.issueToken({ user: "jsmith@contoso.test" }));
    expect((await g("GET", "/me/events")).status).toBe(200);
    expect((await g("GET", "/users/adoe@contoso.test/events")).status).toBe(403);
  });

  it("masterCategories (the mailbox's category list) needs MailboxSettings.Read", async () => {
    const without = graph(sim, sim.issueToken({ roles: ["Calendars.ReadWrite", "User.Read.All"] }));
    expect((await without("GET", "/users/jsmith@contoso.test/outlook/masterCategories")).status).toBe(403);
    const withPerm = graph(sim, sim.issueToken({ roles: ["MailboxSettings.Read"] }));
    const r = await withPerm("GET", "/users/jsmith@contoso.test/outlook/masterCategories");
    expect(r.body.value.map((c: { displayName: string }) => c.displayName)).toEqual(["Meeting", "Site visit"]);
  });
});
