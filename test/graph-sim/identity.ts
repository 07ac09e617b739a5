// The simulated Microsoft identity platform: token endpoint, authorize endpoint, OpenID metadata, bearer checks.
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { SimSeed } from "./seed.js";
import type { Store } from "./store.js";
import { GraphError, type Principal, type SimResponse } from "./http.js";
import { signJwt, verifyJwt } from "./jwt.js";

export const GRAPH_AUDIENCE = "https://graph.microsoft.com";
const TOKEN_LIFETIME_S = 3600;

interface AuthCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  scopes: string[];
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expires: number;
}

/** How the simulated user answers the authorize page (Entra shows sign-in and consent UI; the simulator decides). */
export interface SignInBehaviour {
  /** Sign in as this account instead of the login_hint (a user picking another account). */
  signInAs?: string;
  /** Consent to only these of the requested Graph scopes (a user unticking permissions); default: all requested. */
  grant?: string[];
  /** Decline consent: the redirect carries error=access_denied (AADSTS65004). */
  refuse?: boolean;
}

const OIDC_SCOPES = ["openid", "profile", "offline_access", "email"];
const stripGraph = (s: string) => s.replace(/^https:\/\/graph\.microsoft\.com\//i, "");

const safeEqual = (a: string, b: string): boolean => {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y);
};

export class Identity {
  private codes = new Map<string, AuthCode>();
  /** access tokens revoked by tests (by jti) */
  readonly revoked = new Set<string>();
  /** Per login_hint (lower-case) or "*": how the next authorize requests are answered. */
  readonly signInBehaviour = new Map<string, SignInBehaviour>();
  /** Per user object id: refresh tokens minted before the last revokeSignInSessions carry an older generation. */
  private readonly sessionGeneration = new Map<string, number>();
  /** Lifetime of delegated access tokens (tests shorten it so MSAL must refresh; Entra's default is 60–90 min). */
  delegatedLifetimeS = TOKEN_LIFETIME_S;
  /** Tokens issued per grant type (tests check that a silent call really refreshed). */
  readonly grantsIssued: Record<string, number> = {};

  /** Like Graph's POST /users/{id}/revokeSignInSessions: every refresh token of the user stops working. */
  revokeSignInSessions(mailbox: string): void {
    const user = this.store.find(mailbox);
    if (!user) throw new GraphError(404, "Request_ResourceNotFound", `Resource '${mailbox}' does not exist.`);
    this.sessionGeneration.set(user.id, (this.sessionGeneration.get(user.id) ?? 0) + 1);
  }

  constructor(
    private readonly seed: SimSeed,
    private readonly store: Store,
    private readonly key: Buffer,
    private readonly baseUrl: () => string,
    /** The simulator's clock (ms; the one advanceClock moves): token lifetimes and code expiry are judged on it. */
    private readonly now: () => number = () => Date.now(),
  ) {}

  get tenantId(): string {
    return this.seed.tenantId;
  }

  private app(clientId: string) {
    return this.seed.apps.find((a) => a.clientId === clientId);
  }

  private oauthError(status: number, error: string, aadsts: number, description: string): SimResponse {
    return {
      status,
      headers: { "content-type": "application/json; charset=utf-8" },
      body: {
        error,
        error_description: `AADSTS${aadsts}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
        error_codes: [aadsts],
        timestamp: new Date().toISOString().replace("T", " ").slice(0, 19) + "Z",
        trace_id: randomUUID(),
        correlation_id: randomUUID(),
      },
    };
  }

  /** Handles identity paths (full path, no /v1.0); undefined when the path is not an identity route. */
  handle(method: string, path: string, query: URLSearchParams, body: Buffer): SimResponse | undefined {
    const base = this.baseUrl();
    const m =
      /^\/([^/]+)\/(oauth2\/v2\.0\/(token|authorize|logout)|v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|discovery\/instance)$/.exec(
        path,
      );
    if (!m) return undefined;
    const tenant = m[1]!;
    const what = m[2]!;
    const knownTenant = [this.seed.tenantId, "common", "organizations"].includes(tenant);
    if (!knownTenant && what !== "discovery/instance")
      return this.oauthError(400, "invalid_tenant", 90002, `Tenant '${tenant}' not found.`);
    const t = this.seed.tenantId;
    if (what === "v2.0/.well-known/openid-configuration") {
      return {
        status: 200,
        body: {
          token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
          token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
          jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
          response_modes_supported: ["query", "fragment", "form_post"],
          subject_types_supported: ["pairwise"],
          id_token_signing_alg_values_supported: ["RS256"],
          response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
          scopes_supported: ["openid", "profile", "email", "offline_access"],
          issuer: `${base}/${t}/v2.0`,
          request_uri_parameter_supported: false,
          userinfo_endpoint: `${base}/oidc/userinfo`,
          authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
          device_authorization_endpoint: `${base}/${t}/oauth2/v2.0/devicecode`,
          http_logout_supported: true,
          frontchannel_logout_supported: true,
          end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
          claims_supported: [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "preferred_username",
            "name",
            "tid",
            "ver",
            "oid",
          ],
          kerberos_endpoint: `${base}/${t}/kerberos`,
          tenant_region_scope: "EU",
          cloud_instance_name: new URL(base).host,
          cloud_graph_host_name: "graph.windows.net",
          msgraph_host: "graph.microsoft.com",
          rbac_url: "https://pas.windows.net",
        },
      };
    }
    if (what === "discovery/instance") {
      const host = new URL(base).host;
      return {
        status: 200,
        body: {
          tenant_discovery_endpoint: `${base}/${t}/v2.0/.well-known/openid-configuration`,
          "api-version": "1.1",
          metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
        },
      };
    }
    if (what === "discovery/v2.0/keys") return { status: 200, body: { keys: [] } };
    if (what === "oauth2/v2.0/logout")
      return { status: 200, raw: "signed out", headers: { "content-type": "text/plain" } };
    if (what === "oauth2/v2.0/authorize") return this.authorize(query);
    if (method !== "POST")
      return this.oauthError(405, "invalid_request", 900561, "The endpoint only accepts POST requests.");
    return this.token(new URLSearchParams(body.toString("utf8")));
  }

  /** GET authorize?client_id&redirect_uri&scope&state&login_hint=<upn> → 302 redirect_uri?code&state (no UI). */
  private authorize(q: URLSearchParams): SimResponse {
    const clientId = q.get("client_id") ?? "";
    const app = this.app(clientId);
    if (!app)
      return this.oauthError(
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${clientId}' was not found in the directory.`,
      );
    const redirectUri = q.get("redirect_uri");
    if (!redirectUri)
      return this.oauthError(
        400,
        "invalid_request",
        900144,
        "The request body must contain the following parameter: 'redirect_uri'.",
      );
    if (q.get("response_type") !== "code")
      return this.oauthError(
        400,
        "unsupported_response_type",
        900144,
        "The request body must contain the following parameter: 'response_type' = 'code'.",
      );
    const hint = q.get("login_hint") ?? "";
    const behaviour = this.signInBehaviour.get(hint.toLowerCase()) ?? this.signInBehaviour.get("*") ?? {};
    const target = new URL(redirectUri);
    const state = q.get("state");
    if (behaviour.refuse) {
      target.searchParams.set("error", "access_denied");
      target.searchParams.set("error_description", "AADSTS65004: User declined to consent to access the app.");
      if (state !== null) target.searchParams.set("state", state);
      return { status: 302, headers: { location: target.toString() } };
    }
    const signInAs = behaviour.signInAs ?? hint;
    const user = this.store.find(signInAs);
    if (!user)
      return this.oauthError(
        400,
        "invalid_request",
        50034,
        `The user account '${hint}' does not exist in the directory (login_hint).`,
      );
    const requested = (q.get("scope") ?? "").split(/\s+/).filter(Boolean);
    const granted = behaviour.grant?.map((g) => g.toLowerCase());
    const consented = granted
      ? requested.filter((r) => OIDC_SCOPES.includes(r) || granted.includes(stripGraph(r).toLowerCase()))
      : requested;
    const code = randomUUID() + randomUUID();
    const c: AuthCode = {
      clientId,
      redirectUri,
      userId: user.id,
      scopes: consented,
      expires: this.now() + 600_000,
    };
    const nonce = q.get("nonce");
    if (nonce) c.nonce = nonce;
    const cc = q.get("code_challenge");
    if (cc) {
      c.codeChallenge = cc;
      c.codeChallengeMethod = q.get("code_challenge_method") ?? "plain";
    }
    this.codes.set(code, c);
    target.searchParams.set("code", code);
    if (state !== null) target.searchParams.set("state", state);
    target.searchParams.set("session_state", randomUUID());
    return { status: 302, headers: { location: target.toString() } };
  }

  private token(p: URLSearchParams): SimResponse {
    const clientId = p.get("client_id") ?? "";
    const app = this.app(clientId);
    if (!app)
      return this.oauthError(
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${this.seed.tenantId}'.`,
      );
    const secret = p.get("client_secret");
    if (secret === null)
      return this.oauthError(
        401,
        "invalid_client",
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    if (!safeEqual(secret, app.clientSecret))
      return this.oauthError(
        401,
        "invalid_client",
        7000215,
        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
      );
    const grant = p.get("grant_type");
    const scopes = (p.get("scope") ?? "").split(/\s+/).filter(Boolean);
    const now = Math.floor(this.now() / 1000);
    if (grant === "client_credentials") {
      const resourceScopes = scopes.filter((s) => !["openid", "profile", "offline_access", "email"].includes(s));
      if (resourceScopes.length !== 1 || !/^https:\/\/graph\.microsoft\.com\/?\.default$/i.test(resourceScopes[0]!))
        return this.oauthError(
          400,
          "invalid_scope",
          1002012,
          `The provided value for scope ${scopes.join(" ")} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        );
      const at = this.accessToken(
        {
          appid: app.clientId,
          app_displayname: app.displayName ?? app.clientId,
          roles: app.applicationPermissions,
          idtyp: "app",
          oid: randomUUID(),
        },
        now,
      );
      return this.tokenResponse(
        {
          token_type: "Bearer",
          expires_in: TOKEN_LIFETIME_S - 1,
          ext_expires_in: TOKEN_LIFETIME_S - 1,
          access_token: at,
        },
        grant,
      );
    }
    if (grant === "authorization_code") {
      const code = p.get("code") ?? "";
      const c = this.codes.get(code);
      this.codes.delete(code);
      if (!c || c.expires < this.now() || c.clientId !== clientId)
        return this.oauthError(
          400,
          "invalid_grant",
          70000,
          "The provided authorization code or refresh token has expired due to inactivity, or is invalid.",
        );
      if (p.get("redirect_uri") !== c.redirectUri)
        return this.oauthError(
          400,
          "invalid_grant",
          50148,
          "The redirect URI specified in the request does not match the redirect URI used to acquire the authorization code.",
        );
      if (c.codeChallenge) {
        const v = p.get("code_verifier") ?? "";
        const computed = c.codeChallengeMethod === "S256" ? createHash("sha256").update(v).digest("base64url") : v;
        if (computed !== c.codeChallenge)
          return this.oauthError(
            400,
            "invalid_grant",
            501481,
            "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
          );
      }
      // Entra grants what the user consented to at the authorize step, whatever the token request lists.
      return this.delegated(app, c.userId, within(scopes.length ? scopes : c.scopes, c.scopes), now, grant, c.nonce);
    }
    if (grant === "refresh_token") {
      const rt = verifyJwt(p.get("refresh_token") ?? "", this.key);
      if (!rt || rt.typ !== "refresh" || rt.appid !== clientId || typeof rt.oid !== "string")
        return this.oauthError(
          400,
          "invalid_grant",
          9002313,
          "Invalid request. Request is malformed or invalid (refresh_token).",
        );
      if ((rt.gen ?? 0) !== (this.sessionGeneration.get(rt.oid) ?? 0))
        return this.oauthError(
          400,
          "invalid_grant",
          50173,
          "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
        );
      const granted = [
        ...String(rt.scp ?? "")
          .split(" ")
          .filter(Boolean),
        ...OIDC_SCOPES,
      ];
      return this.delegated(app, rt.oid, within(scopes.length ? scopes : granted, granted), now, grant);
    }
    return this.oauthError(
      400,
      "unsupported_grant_type",
      70003,
      `The app requested an unsupported grant type '${grant ?? ""}'.`,
    );
  }

  private delegated(
    app: SimSeed["apps"][number],
    userId: string,
    requested: string[],
    now: number,
    grant: "authorization_code" | "refresh_token",
    nonce?: string,
  ): SimResponse {
    const user = this.store.mailboxes.get(userId);
    if (!user) return this.oauthError(400, "invalid_grant", 50034, "The user account does not exist in the directory.");
    const strip = (s: string) => s.replace(/^https:\/\/graph\.microsoft\.com\//i, "");
    const wanted = requested.map(strip);
    const consented = app.delegatedPermissions;
    const expandDefault = wanted.includes(".default") ? (consented ?? []) : [];
    const graphScopes = [...new Set([...wanted.filter((s) => s !== ".default"), ...expandDefault])].filter(
      (s) =>
        !["openid", "profile", "offline_access", "email"].includes(s) &&
        (!consented || consented.some((c) => c.toLowerCase() === s.toLowerCase())),
    );
    const scp = graphScopes.join(" ");
    const at = this.accessToken(
      {
        appid: app.clientId,
        app_displayname: app.displayName ?? app.clientId,
        scp,
        idtyp: "user",
        oid: user.id,
        upn: user.userPrincipalName,
        unique_name: user.userPrincipalName,
        name: user.displayName,
      },
      now,
      this.delegatedLifetimeS,
    );
    const out: Record<string, unknown> = {
      token_type: "Bearer",
      scope: [
        ...graphScopes.map((s) => `${GRAPH_AUDIENCE}/${s}`),
        ...wanted.filter((s) => ["openid", "profile", "offline_access", "email"].includes(s)),
      ].join(" "),
      expires_in: this.delegatedLifetimeS - 1,
      ext_expires_in: this.delegatedLifetimeS - 1,
      access_token: at,
    };
    if (wanted.includes("offline_access") || wanted.includes(".default"))
      out.refresh_token = signJwt(
        {
          typ: "refresh",
          appid: app.clientId,
          oid: user.id,
          scp,
          gen: this.sessionGeneration.get(user.id) ?? 0,
          jti: randomUUID(),
          iat: now,
        },
        this.key,
      );
    const idClaims: Record<string, unknown> = {
      aud: app.clientId,
      iss: `${this.baseUrl()}/${this.seed.tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + TOKEN_LIFETIME_S,
      name: user.displayName,
      oid: user.id,
      preferred_username: user.userPrincipalName,
      sub: createHash("sha256")
        .update(user.id + app.clientId)
        .digest("base64url")
        .slice(0, 43),
      tid: this.seed.tenantId,
      ver: "2.0",
    };
    if (nonce) idClaims.nonce = nonce;
    out.id_token = signJwt(idClaims, this.key);
    out.client_info = Buffer.from(JSON.stringify({ uid: user.id, utid: this.seed.tenantId })).toString("base64url");
    return this.tokenResponse(out, grant);
  }

  private tokenResponse(body: Record<string, unknown>, grant: string): SimResponse {
    this.grantsIssued[grant] = (this.grantsIssued[grant] ?? 0) + 1;
    return {
      status: 200,
      headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store, no-cache" },
      body,
    };
  }

  accessToken(
    claims: Record<string, unknown>,
    now = Math.floor(this.now() / 1000),
    lifetime = TOKEN_LIFETIME_S,
  ): string {
    return signJwt(
      {
        aud: GRAPH_AUDIENCE,
        iss: `https://sts.windows.net/${this.seed.tenantId}/`,
        iat: now,
        nbf: now,
        exp: now + lifetime,
        tid: this.seed.tenantId,
        ver: "1.0",
        jti: randomUUID(),
        uti: randomUUID().replace(/-/g, "").slice(0, 22),
        ...claims,
      },
      this.key,
    );
  }

  /** Checks `Authorization: Bearer …`; a missing/invalid/expired token is Graph's 401 InvalidAuthenticationToken. */
  authenticate(authorization: string | undefined): Principal {
    const bad = (msg: string) =>
      new GraphError(401, "InvalidAuthenticationToken", msg, {
        "www-authenticate": `Bearer realm="", authorization_uri="${this.baseUrl()}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
      });
    if (!authorization) throw bad("Access token is empty.");
    const m = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (!m) throw bad("Access token validation failure. Invalid audience.");
    const claims = verifyJwt(m[1]!, this.key);
    if (!claims) throw bad("IDX14100: JWT is not well formed, there are no dots (.).");
    if (claims.aud !== GRAPH_AUDIENCE && claims.aud !== "00000003-0000-0000-c000-000000000000")
      throw bad("Access token validation failure. Invalid audience.");
    if (typeof claims.exp !== "number" || claims.exp * 1000 < this.now())
      throw bad("Lifetime validation failed, the token is expired.");
    if (claims.tid !== this.seed.tenantId) throw bad("Access token validation failure. Invalid tenant.");
    if (typeof claims.jti === "string" && this.revoked.has(claims.jti)) throw bad("Access token has been revoked.");
    const roles = new Set(Array.isArray(claims.roles) ? (claims.roles as string[]) : []);
    const scopes = new Set(typeof claims.scp === "string" ? claims.scp.split(" ").filter(Boolean) : []);
    if (claims.idtyp === "user" || typeof claims.scp === "string")
      return { kind: "delegated", appId: String(claims.appid), roles, scopes, oid: String(claims.oid) };
    return { kind: "app", appId: String(claims.appid), roles, scopes };
  }
}

/** The requested scopes that were granted (Graph scopes compared without the resource prefix, case-insensitively). */
function within(requested: string[], granted: string[]): string[] {
  const have = new Set(granted.map((g) => stripGraph(g).toLowerCase()));
  return requested.filter((r) => have.has(stripGraph(r).toLowerCase()) || stripGraph(r) === ".default");
}

/** True when the principal holds any of the permissions (app roles for app tokens, scopes for delegated). */
export function holds(p: Principal, anyOf: { app: string[]; delegated: string[] }): boolean {
  const have = p.kind === "app" ? p.roles : p.scopes;
  const want = p.kind === "app" ? anyOf.app : anyOf.delegated;
  return want.some((w) => [...have].some((h) => h.toLowerCase() === w.toLowerCase()));
}
