// Token provider contracts: per mailbox, so app-only (client credentials) and per-user delegated tokens fit the same slot.

/** Gives a bearer token for Graph calls made on behalf of / against `mailbox`. */
export interface TokenProvider {
  getToken(mailbox: string): Promise<string>;
}

/** The result of a delegated sign-in: who signed in and what they granted (recorded on the Users row). */
export interface DelegatedSignIn {
  /** MSAL account id (homeAccountId), the key for later silent acquisition. */
  homeAccountId: string;
  username: string;
  grantedScopes: string[];
  expiresOn: Date | null;
}

/**
 * Per-user delegated tokens (authorization-code flow, refresh tokens in an encrypted per-user cache).
 * Not implemented yet; the interface fixes the shape the admin sign-in endpoint and the workers will use.
 */
export interface DelegatedTokenProvider extends TokenProvider {
  /** URL to send the user to for consent/sign-in; `state` comes back on the redirect. */
  getAuthCodeUrl(user: string, redirectUri: string, state: string): Promise<string>;
  /** Redeems the code from the redirect; stores the user's refresh token in the token cache. */
  acquireByCode(user: string, code: string, redirectUri: string): Promise<DelegatedSignIn>;
  /** A fresh access token for `user` from the cache (refreshing as needed); AuthError when the user must sign in again. */
  acquireSilent(user: string): Promise<string>;
}

/** Graph's resource-wide scope for app-only tokens. */
export const GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default";
