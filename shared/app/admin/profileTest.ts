// Admin use case (the profile test): proves the Graph connection works for a user by reading the mailbox's profile.
import { SignInRequiredError } from "../../domain/errors.js";
import type { AppDeps } from "../appDeps.js";
import { recordSignInRequired } from "../auth/recordSignInRequired.js";
import { signInUrlFor } from "../auth/signInUrl.js";
import type { Logger } from "../dispatchMessage.js";
import { failed, graphFailure, loadValidUser, succeeded, type AdminOutcome } from "./adminOutcome.js";

export interface ProfileTestResult {
  user: string;
  mailbox: string;
  profile: { id: string; displayName: string | null; userPrincipalName: string | null; mail: string | null };
  /** What was called: `GET /me` with the user's own token (AUTH_MODE=delegated), else `GET /users/{mailbox}`. */
  request: string;
}

/** Statuses a successful profile read proves wrong (they are reset to "pending" for the next sync to confirm). */
const CLEARED_BY_SUCCESS = new Set(["auth_required", "mailbox_not_found"]);

/**
 * Application mode: `GET /users/{mailbox}` with the app's token. Delegated mode: `GET /me` with the user's own token
 * (the seed's Profile button; /me exists only for a signed-in user). Unknown user → user_not_found; invalid row →
 * user_invalid; no usable sign-in → needs_sign_in (status written, with the sign-in link); 401/403 → auth_required
 * (status written); 404 → mailbox_not_found (status written); throttling/5xx → retry later.
 */
export async function profileTest(
  deps: Pick<AppDeps, "users" | "graph" | "config" | "signIn">,
  userId: string,
  options: { log: Logger },
): Promise<AdminOutcome<ProfileTestResult>> {
  const loaded = await loadValidUser(deps, userId);
  if (!loaded.ok) return loaded;
  const user = loaded.value;
  const delegated = deps.config.authMode === "delegated";
  const request = delegated ? "GET /me" : `GET /users/${user.mailbox}`;
  try {
    const p = delegated ? await deps.graph.getSignedInProfile(user.mailbox) : await deps.graph.getProfile(user.mailbox);
    if (user.status !== undefined && CLEARED_BY_SUCCESS.has(user.status))
      await deps.users.recordStatus(user.userId, { status: "pending" }).catch(() => undefined);
    options.log.log(`admin profile ${user.userId}: ${request} ok (${p.id})`);
    return succeeded({
      user: user.userId,
      mailbox: user.mailbox,
      profile: {
        id: p.id,
        displayName: p.displayName ?? null,
        userPrincipalName: p.userPrincipalName ?? null,
        mail: p.mail ?? null,
      },
      request,
    });
  } catch (error) {
    if (error instanceof SignInRequiredError) {
      await recordSignInRequired(deps, user.userId, error).catch(() => undefined);
      const link = deps.signIn ? `; sign in at ${signInUrlFor(deps.signIn.redirectUri, user.userId)}` : "";
      const reason = `profile test (${request}): ${user.userId} must sign in: ${error.code}: ${error.message}${link}`;
      options.log.warn(`admin profile ${user.userId}: needs sign-in (${error.code})`);
      return failed({ kind: "needs_sign_in", user: user.userId, code: error.code, reason });
    }
    const failure = await graphFailure(deps, user.userId, `profile test (${request})`, error);
    options.log.warn(`admin profile ${user.userId}: ${failure.reason}`);
    return failed(failure);
  }
}
