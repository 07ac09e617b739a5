// Use case of GET auth/callback: check the state (signed, unexpired, single use), redeem the code, check the account,
// record granted scopes + signedInAt on the Users row, queue a RESYNC.
import { verifyState } from "../../adapters/auth/signedState.js";
import { AppError, toAppError } from "../../domain/errors.js";
import type { PullMessage } from "../../domain/messages/pullMessage.js";
import type { AppDeps } from "../appDeps.js";
import type { Logger } from "../dispatchMessage.js";
import { page, type SignInOutcome } from "./signInPage.js";

export interface CallbackQuery {
  code: string | null;
  state: string | null;
  error: string | null;
  errorDescription: string | null;
}

const OIDC = new Set(["openid", "profile", "email"]);

/** Entra's granted scopes as permission names (Mail.Read, offline_access …), OpenID scopes left out. */
export function grantedPermissionNames(scopes: readonly string[]): string[] {
  return scopes.map((s) => s.replace(/^https:\/\/graph\.microsoft\.com\//i, "")).filter((s) => !OIDC.has(s));
}

export async function completeSignIn(
  deps: Pick<AppDeps, "users" | "signIn" | "now" | "queues" | "config">,
  query: CallbackQuery,
  log: Logger,
): Promise<SignInOutcome> {
  const signIn = deps.signIn;
  if (!signIn) return page(503, "Sign-in is not set up", "SIGNIN_REDIRECT_URI and a token cache key must be set.");
  if (!query.state) return page(400, "Sign-in failed", "The callback has no state; start again from the sign-in link.");
  const checked = verifyState(query.state, signIn.stateKey, deps.now());
  if (!checked.ok) return page(400, "Sign-in failed", checked.reason);
  const { id, user } = checked.payload;
  const pending = await signIn.states.take(id);
  if (!pending || pending.user !== user)
    return page(400, "Sign-in failed", "This sign-in link was already used; start again from the sign-in link.");
  if (pending.expiresAt.getTime() <= deps.now().getTime())
    return page(400, "Sign-in failed", "the sign-in link has expired (10 minutes); start again");
  if (query.error) {
    const first = (query.errorDescription ?? "").split(/\r?\n| Trace ID:/)[0];
    const refused = query.error === "access_denied";
    log.warn(`sign-in of ${user} ended with ${query.error}`);
    return page(
      refused ? 403 : 400,
      refused ? "Consent refused" : "Sign-in failed",
      `${user} did not sign in: ${query.error}${first ? ` (${first})` : ""}. Nothing was stored.`,
    );
  }
  if (!query.code) return page(400, "Sign-in failed", "The callback has no authorization code.");
  const lookup = await deps.users.getUser(user);
  if (!lookup) return page(404, "Unknown user", `There is no Users row for ${user} any more.`);
  if (!lookup.valid) return page(409, "User row needs fixing", `The Users row of ${user} is invalid.`);
  const mailbox = lookup.user.mailbox;
  let result;
  try {
    result = await signIn.delegated.redeemCode(mailbox, query.code, signIn.redirectUri, pending.codeVerifier);
  } catch (error) {
    const e = toAppError(error);
    log.warn(`sign-in of ${user} refused: ${e.code}`);
    if (e.code === "wrong_account")
      return page(403, "Wrong account", `${e.message}. Sign in as ${mailbox}; nothing was stored.`);
    return page(
      e instanceof AppError && e.kind === "transient" ? 503 : 400,
      "Sign-in failed",
      `${e.code}: ${e.message}`,
    );
  }
  const granted = grantedPermissionNames(result.grantedScopes);
  const now = deps.now().toISOString();
  await deps.users.recordStatus(user, { status: "pending", grantedScopes: granted, signedInAt: now });
  const resync: PullMessage = { source: "RESYNC", user, reason: "signIn" };
  await deps.queues.send(deps.config.pullQueue, resync, { sessionId: user, messageId: `signin-${user}-${id}` });
  log.log(`sign-in of ${user} as ${result.username}: granted ${granted.join(" ")}; RESYNC queued`);
  return page(200, "Signed in", `${user} is signed in as ${result.username}; granted: ${granted.join(" ")}`);
}
