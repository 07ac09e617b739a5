// Runs a sync for a user and records the outcome on the Users row: ok + lastSyncAt, auth_required, or error.
import type { UserSettings } from "../../adapters/tables/usersTable.js";
import { AppError, AuthError } from "../../domain/errors.js";
import type { AppDeps } from "../appDeps.js";
import type { Logger } from "../dispatchMessage.js";

/**
 * `run` succeeded → status ok, lastSyncAt = now. AuthError → auth_required; another permanent error → error (with
 * its code and message; never a secret). Transient errors leave the status alone (the broker redelivers).
 * The error is always rethrown, so the dispatcher settles the message as usual.
 */
export async function withSyncStatus<T>(
  deps: Pick<AppDeps, "users" | "now">,
  user: UserSettings,
  log: Logger,
  what: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    const result = await run();
    await deps.users.recordStatus(user.userId, { status: "ok", lastSyncAt: deps.now().toISOString() });
    return result;
  } catch (error) {
    if (error instanceof AppError && error.kind !== "transient") {
      const status = error instanceof AuthError ? "auth_required" : "error";
      await deps.users
        .recordStatus(user.userId, { status, lastError: `${what}: ${error.code}: ${error.message}`.slice(0, 2000) })
        .catch((e: unknown) => log.warn(`could not record the status of ${user.userId}: ${String(e)}`));
    }
    throw error;
  }
}
