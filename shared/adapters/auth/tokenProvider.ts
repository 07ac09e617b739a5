// Token provider contracts: per mailbox, so app-only (client credentials) and per-user delegated tokens fit the same slot.

/** Options of one token request. */
export interface TokenRequestOptions {
  /**
   * Skip the cached access token and ask the authority for a new one: Graph refused the cached token (401) although
   * it had not expired by our clock (clock skew, revoked sessions, changed permissions).
   */
  forceRefresh?: boolean;
}

/** Gives a bearer token for Graph calls made on behalf of / against `mailbox`. */
export interface TokenProvider {
  getToken(mailbox: string, options?: TokenRequestOptions): Promise<string>;
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
 * Implemented by MsalDelegatedTokenProvider (which adds the PKCE variants authorizeUrl / redeemCode).
 */
export interface DelegatedTokenProvider extends TokenProvider {
  /** The authorize URL to send the user's browser to (code + PKCE S256); `state` comes back on the redirect. */
  authorizeUrl(owner: string, request: AuthCodeRequest): Promise<string>;
  /** Redeems the code from the redirect; stores the user's cache only when the signed-in account is `owner`. */
  redeemCode(owner: string, code: string, redirectUri: string, codeVerifier: string): Promise<DelegatedSignIn>;
  /** A fresh access token for `owner` from the cache (refreshing as needed); SignInRequiredError when they must sign in. */
  acquireSilent(owner: string, options?: TokenRequestOptions): Promise<string>;
}

export interface AuthCodeRequest {
  redirectUri: string;
  state: string;
  /** base64url SHA-256 of the PKCE verifier. */
  codeChallenge: string;
}

/** Graph's resource-wide scope for app-only tokens. */
export const GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default";
