// Runs a sync for a user and records the outcome on the Users row: ok, auth_required, mailbox_not_found or error.
import { GraphHttpErrorDetails } from "../../adapters/graph/mapGraphError.js";
import type { StatusUpdate, UserSettings } from "../../adapters/tables/usersTable.js";
import { AppError, AuthError } from "../../domain/errors.js";
import type { AppDeps } from "../appDeps.js";
import type { Logger } from "../dispatchMessage.js";

/** Graph's answer for one missing item (an event, a task): not the mailbox's fault. */
const ITEM_NOT_FOUND = new Set(["erroritemnotfound"]);

/**
 * A 404 that escaped the sync run is about the mailbox (Graph's ErrorInvalidUser, Request_ResourceNotFound,
 * ResourceNotFound on `/users/{mailbox}/…`, MailboxNotEnabledForRESTAPI): the admin must fix the `mailbox` column.
 * Item-level 404s (ErrorItemNotFound) are handled by the sync itself; one that escapes stays a generic error.
 */
export function isMailboxNotFound(error: AppError): boolean {
  if (error.code !== "not_found" && error.code !== "MailboxNotEnabledForRESTAPI") return false;
  const details = error.cause instanceof GraphHttpErrorDetails ? error.cause : undefined;
  return !ITEM_NOT_FOUND.has(details?.graphCode?.toLowerCase() ?? "");
}

/** The status a permanent failure of a sync run leaves on the Users row; the text names the column to fix. */
export function failureStatus(user: UserSettings, what: string, error: AppError): StatusUpdate {
  const detail = `${what}: ${error.code}: ${error.message}`;
  if (error instanceof AuthError) return { status: "auth_required", lastError: detail.slice(0, 2000) };
  if (isMailboxNotFound(error))
    return {
      status: "mailbox_not_found",
      lastError: `mailbox: Graph has no mailbox ${JSON.stringify(user.mailbox)} (${detail})`.slice(0, 2000),
    };
  return { status: "error", lastError: detail.slice(0, 2000) };
}

/**
 * `run` succeeded → status ok, lastSyncAt = now. AuthError → auth_required; Graph 404 for the mailbox →
 * mailbox_not_found naming the `mailbox` column; another permanent error → error (with its code and message; never a
 * secret). Transient errors leave the status alone (the broker redelivers). The error is always rethrown, so the
 * dispatcher settles the message as usual.
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
      await deps.users
        .recordStatus(user.userId, failureStatus(user, what, error))
        .catch((e: unknown) => log.warn(`could not record the status of ${user.userId}: ${String(e)}`));
    }
    throw error;
  }
}
