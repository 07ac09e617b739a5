// Per-user delegated Graph tokens through MSAL Node: authorization code + PKCE, then silent refresh from a per-user cache.
import {
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  type ICachePlugin,
  type TokenCacheContext,
} from "@azure/msal-node";
import { AppError, AuthError, SignInRequiredError } from "../../domain/errors.js";
import { msalConfiguration, type ClientCredentialsOptions } from "./clientCredentialsTokenProvider.js";
import { mapMsalError } from "./mapMsalError.js";
import type { AuthCodeRequest, DelegatedSignIn, DelegatedTokenProvider, TokenRequestOptions } from "./tokenProvider.js";

/**
 * Where each user's MSAL cache lives (the TokenCache table, which encrypts it). `load` throws SignInRequiredError when
 * a stored cache cannot be read.
 */
export interface TokenCacheStore {
  load(owner: string): Promise<string | undefined>;
  save(owner: string, plaintext: string): Promise<void>;
}

/** The delegated permissions asked for by default (offline_access gives the refresh token). */
export const DELEGATED_SCOPES = [
  "User.Read",
  "Mail.Read",
  "Mail.Send",
  "Calendars.ReadWrite",
  "Tasks.ReadWrite",
  "offline_access",
];

const OIDC = new Set(["openid", "profile", "offline_access", "email"]);

/** Graph permission names → the scope strings Entra expects (`https://graph.microsoft.com/Mail.Read`). */
export function graphScopes(names: readonly string[]): string[] {
  return names.map((n) => (OIDC.has(n) || n.includes("://") ? n : `https://graph.microsoft.com/${n}`));
}

/** Errors that mean only the user can fix it by signing in again (Entra: refresh token revoked/expired, CA). */
const SIGN_IN_CODES = new Set(["invalid_grant", "interaction_required", "consent_required", "login_required"]);

export function toSignInError(error: unknown, owner: string): AppError {
  if (error instanceof SignInRequiredError) return error;
  const code = (error as { errorCode?: unknown }).errorCode;
  if (error instanceof InteractionRequiredAuthError || (typeof code === "string" && SIGN_IN_CODES.has(code))) {
    const msal = error as { errorCode: string; errorMessage?: string };
    const first = (msal.errorMessage ?? "").split(/ Trace ID:/)[0];
    return new SignInRequiredError(msal.errorCode || "interaction_required", `${owner} must sign in again: ${first}`, {
      cause: error,
    });
  }
  return mapMsalError(error);
}

export interface DelegatedOptions extends ClientCredentialsOptions {
  cacheStore: TokenCacheStore;
  /** Permission names (DELEGATED_SCOPES setting). */
  scopes?: readonly string[];
}

/**
 * One MSAL application per user, each with a cache plugin that reads/writes that user's cache, so one user's refresh
 * token is never loaded for another. The owner key is the mailbox (UPN) the Graph calls target.
 */
export class MsalDelegatedTokenProvider implements DelegatedTokenProvider {
  private readonly apps = new Map<string, ConfidentialClientApplication>();
  readonly scopes: string[];

  constructor(private readonly options: DelegatedOptions) {
    this.scopes = graphScopes(options.scopes ?? DELEGATED_SCOPES);
  }

  private appFor(owner: string): ConfidentialClientApplication {
    const key = owner.toLowerCase();
    const existing = this.apps.get(key);
    if (existing) return existing;
    const { cacheStore } = this.options;
    const plugin: ICachePlugin = {
      async beforeCacheAccess(ctx: TokenCacheContext) {
        const text = await cacheStore.load(key);
        if (text) ctx.tokenCache.deserialize(text);
      },
      async afterCacheAccess(ctx: TokenCacheContext) {
        if (ctx.cacheHasChanged) await cacheStore.save(key, ctx.tokenCache.serialize());
      },
    };
    const app = new ConfidentialClientApplication({
      ...msalConfiguration(this.options),
      cache: { cachePlugin: plugin },
    });
    this.apps.set(key, app);
    return app;
  }

  /** The authorize URL (code + PKCE S256), login_hint = the mailbox. */
  async authorizeUrl(owner: string, request: AuthCodeRequest): Promise<string> {
    try {
      return await new ConfidentialClientApplication(msalConfiguration(this.options)).getAuthCodeUrl({
        scopes: this.scopes,
        redirectUri: request.redirectUri,
        state: request.state,
        loginHint: owner,
        codeChallenge: request.codeChallenge,
        codeChallengeMethod: "S256",
        responseMode: "query",
      });
    } catch (error) {
      throw mapMsalError(error);
    }
  }

  /**
   * Redeems the code in a cache-less MSAL instance; only when the signed-in account is `owner` is its cache stored,
   * so a sign-in as the wrong account stores nothing. AuthError "wrong_account" otherwise.
   */
  async redeemCode(owner: string, code: string, redirectUri: string, codeVerifier: string): Promise<DelegatedSignIn> {
    const app = new ConfidentialClientApplication(msalConfiguration(this.options));
    let result;
    try {
      result = await app.acquireTokenByCode({ code, redirectUri, scopes: this.scopes, codeVerifier });
    } catch (error) {
      throw mapMsalError(error);
    }
    const account = result.account;
    if (!account) throw new AuthError("no_account", "the token endpoint returned no account");
    if (account.username.toLowerCase() !== owner.toLowerCase())
      throw new AuthError("wrong_account", `signed in as ${account.username}, but this user's mailbox is ${owner}`);
    await this.options.cacheStore.save(owner.toLowerCase(), app.getTokenCache().serialize());
    this.apps.delete(owner.toLowerCase());
    return {
      homeAccountId: account.homeAccountId,
      username: account.username,
      grantedScopes: result.scopes,
      expiresOn: result.expiresOn,
    };
  }

  /** A token from the user's cache, refreshed by MSAL when due. SignInRequiredError when only a sign-in can help. */
  async acquireSilent(owner: string, options: TokenRequestOptions = {}): Promise<string> {
    const app = this.appFor(owner);
    try {
      const accounts = await app.getTokenCache().getAllAccounts();
      const account = accounts.find((a) => a.username.toLowerCase() === owner.toLowerCase());
      if (!account) throw new SignInRequiredError("not_signed_in", `${owner} has not signed in yet`);
      const result = await app.acquireTokenSilent({
        account,
        scopes: this.scopes,
        forceRefresh: options.forceRefresh === true,
      });
      if (!result?.accessToken) throw new AuthError("no_token", "no access token returned");
      return result.accessToken;
    } catch (error) {
      throw toSignInError(error, owner);
    }
  }

  getToken(mailbox: string, options?: TokenRequestOptions): Promise<string> {
    return this.acquireSilent(mailbox, options);
  }
}
