// Admin use case (the profile test): proves the Graph connection works for a user by reading the mailbox's profile.
import type { AppDeps } from "../appDeps.js";
import type { Logger } from "../dispatchMessage.js";
import { failed, graphFailure, loadValidUser, succeeded, type AdminOutcome } from "./adminOutcome.js";

export interface ProfileTestResult {
  user: string;
  mailbox: string;
  profile: { id: string; displayName: string | null; userPrincipalName: string | null; mail: string | null };
  /** What was called, for the admin (the design's `GET /me` needs a delegated token; the app has an app token). */
  request: string;
}

/** Statuses a successful profile read proves wrong (they are reset to "pending" for the next sync to confirm). */
const CLEARED_BY_SUCCESS = new Set(["auth_required", "mailbox_not_found"]);

/**
 * `GET /users/{mailbox}` with the app's token. Unknown user → user_not_found; invalid row → user_invalid;
 * 401/403 → auth_required (status written); 404 → mailbox_not_found (status written); throttling/5xx → retry later.
 */
export async function profileTest(
  deps: Pick<AppDeps, "users" | "graph">,
  userId: string,
  options: { log: Logger },
): Promise<AdminOutcome<ProfileTestResult>> {
  const loaded = await loadValidUser(deps, userId);
  if (!loaded.ok) return loaded;
  const user = loaded.value;
  const request = `GET /users/${user.mailbox}`;
  try {
    const p = await deps.graph.getProfile(user.mailbox);
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
    const failure = await graphFailure(deps, user.userId, `profile test (${request})`, error);
    options.log.warn(`admin profile ${user.userId}: ${failure.reason}`);
    return failed(failure);
  }
}
