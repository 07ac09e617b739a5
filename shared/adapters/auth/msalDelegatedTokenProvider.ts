// Per-user delegated Graph tokens through MSAL Node (authorization code, then silent refresh from an encrypted cache).
import { ConfidentialClientApplication, type ICachePlugin, type TokenCacheContext } from "@azure/msal-node";
import { AuthError } from "../../domain/errors.js";
import { msalConfiguration, type ClientCredentialsOptions } from "./clientCredentialsTokenProvider.js";
import { mapMsalError } from "./mapMsalError.js";
import { decryptTokenCache, encryptTokenCache } from "./tokenCacheCrypto.js";
import type { DelegatedSignIn, DelegatedTokenProvider } from "./tokenProvider.js";

/** Where each user's encrypted MSAL cache lives (the TokenCache table in production). Values are opaque strings. */
export interface TokenCacheStore {
  load(user: string): Promise<string | undefined>;
  save(user: string, value: string): Promise<void>;
}

/** The delegated permissions the integration asks for (offline_access gives the refresh token). */
export const DELEGATED_SCOPES = [
  "https://graph.microsoft.com/User.Read",
  "https://graph.microsoft.com/Mail.Read",
  "https://graph.microsoft.com/Mail.Send",
  "https://graph.microsoft.com/Calendars.ReadWrite",
  "https://graph.microsoft.com/Tasks.ReadWrite",
  "offline_access",
];

export interface DelegatedOptions extends ClientCredentialsOptions {
  cacheStore: TokenCacheStore;
  /** 32-byte key (TOKEN_CACHE_KEY decoded). */
  cacheKey: Buffer;
  scopes?: string[];
}

/**
 * One MSAL application per user, each with a cache plugin that reads/writes that user's encrypted cache, so one
 * user's refresh token is never loaded for another. The `user` key is the mailbox (UPN) the Graph calls target.
 */
export class MsalDelegatedTokenProvider implements DelegatedTokenProvider {
  private readonly apps = new Map<string, ConfidentialClientApplication>();
  private readonly scopes: string[];

  constructor(private readonly options: DelegatedOptions) {
    if (options.cacheKey.length !== 32) throw new AuthError("auth_config", "token cache key must be 32 bytes");
    this.scopes = options.scopes ?? DELEGATED_SCOPES;
  }

  private appFor(user: string): ConfidentialClientApplication {
    const key = user.toLowerCase();
    const existing = this.apps.get(key);
    if (existing) return existing;
    const { cacheStore, cacheKey } = this.options;
    const plugin: ICachePlugin = {
      async beforeCacheAccess(ctx: TokenCacheContext) {
        const blob = await cacheStore.load(key);
        if (blob) ctx.tokenCache.deserialize(decryptTokenCache(blob, cacheKey, key));
      },
      async afterCacheAccess(ctx: TokenCacheContext) {
        if (ctx.cacheHasChanged)
          await cacheStore.save(key, encryptTokenCache(ctx.tokenCache.serialize(), cacheKey, key));
      },
    };
    const app = new ConfidentialClientApplication({
      ...msalConfiguration(this.options),
      cache: { cachePlugin: plugin },
    });
    this.apps.set(key, app);
    return app;
  }

  async getAuthCodeUrl(user: string, redirectUri: string, state: string): Promise<string> {
    try {
      return await this.appFor(user).getAuthCodeUrl({ scopes: this.scopes, redirectUri, state, loginHint: user });
    } catch (error) {
      throw mapMsalError(error);
    }
  }

  async acquireByCode(user: string, code: string, redirectUri: string): Promise<DelegatedSignIn> {
    try {
      const result = await this.appFor(user).acquireTokenByCode({ code, redirectUri, scopes: this.scopes });
      if (!result.account) throw new AuthError("no_account", "the token endpoint returned no account");
      if (result.account.username.toLowerCase() !== user.toLowerCase()) {
        throw new AuthError("wrong_user", `signed in as ${result.account.username}, expected ${user}`);
      }
      return {
        homeAccountId: result.account.homeAccountId,
        username: result.account.username,
        grantedScopes: result.scopes,
        expiresOn: result.expiresOn,
      };
    } catch (error) {
      throw mapMsalError(error);
    }
  }

  async acquireSilent(user: string): Promise<string> {
    try {
      const app = this.appFor(user);
      const accounts = await app.getTokenCache().getAllAccounts();
      const account = accounts.find((a) => a.username.toLowerCase() === user.toLowerCase()) ?? accounts[0];
      if (!account) throw new AuthError("sign_in_required", `${user} has not signed in (no delegated token stored)`);
      const result = await app.acquireTokenSilent({ account, scopes: this.scopes });
      if (!result?.accessToken) throw new AuthError("no_token", "no access token returned");
      return result.accessToken;
    } catch (error) {
      throw mapMsalError(error);
    }
  }

  getToken(mailbox: string): Promise<string> {
    return this.acquireSilent(mailbox);
  }
}
