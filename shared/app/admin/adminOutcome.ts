// The admin use cases' shared outcomes: failures an admin can act on, how Graph errors become them (and the user's
// status), and their HTTP form (status code + JSON `{ error, reason, user }`).
import type { AppDeps } from "../appDeps.js";
import { AuthError, PermanentError, TransientError, toAppError } from "../../domain/errors.js";
import { USERS_PARTITION, type UserSettings, type UserStatus } from "../../adapters/tables/usersTable.js";

export type AdminFailure =
  | { kind: "bad_request"; reason: string }
  | { kind: "user_not_found"; user: string; reason: string }
  | { kind: "user_invalid"; user: string; reason: string; columns: string[] }
  | { kind: "nothing_to_refresh"; user: string; reason: string }
  | { kind: "auth_required"; user: string; reason: string; code: string }
  | { kind: "needs_sign_in"; user: string; reason: string; code: string }
  | { kind: "mailbox_not_found"; user: string; reason: string }
  | { kind: "graph_unavailable"; user: string; reason: string; retryAfterMs?: number }
  | { kind: "graph_failed"; user: string; reason: string; code: string }
  | { kind: "queue_unavailable"; user: string; reason: string }
  | { kind: "rejected_not_found"; queue: string; id: string; reason: string }
  | { kind: "replay_refused"; queue: string; id: string; reason: string };

export type AdminOutcome<T> = { ok: true; value: T } | { ok: false; failure: AdminFailure };

export const succeeded = <T>(value: T): AdminOutcome<T> => ({ ok: true, value });
export const failed = <T>(failure: AdminFailure): AdminOutcome<T> => ({ ok: false, failure });

/** 404 for a user without a Users row; names a row the admin put under another PartitionKey, if there is one. */
export async function userNotFound(deps: Pick<AppDeps, "users">, userId: string): Promise<AdminFailure> {
  const misplaced = await deps.users.findMisplaced(userId).catch(() => []);
  const where = misplaced.map((m) => JSON.stringify(m.partitionKey)).join(", ");
  const hint = misplaced.length
    ? ` (a row ${userId} exists under PartitionKey ${where}: move it to PartitionKey "${USERS_PARTITION}")`
    : "";
  return { kind: "user_not_found", user: userId, reason: `no row for ${userId} in the Users table${hint}` };
}

/** The user's valid Users row, or the failure an admin sees for a missing or mistyped row (404 / 409). */
export async function loadValidUser(deps: Pick<AppDeps, "users">, userId: string): Promise<AdminOutcome<UserSettings>> {
  const lookup = await deps.users.getUser(userId);
  if (!lookup) return failed(await userNotFound(deps, userId));
  if (!lookup.valid)
    return failed({
      kind: "user_invalid",
      user: lookup.invalid.userId,
      reason: `the Users row is invalid, fix it first: ${lookup.invalid.lastError}`,
      columns: lookup.invalid.errors.map((e) => e.column),
    });
  return succeeded(lookup.user);
}

/** A response as app.http handlers return it (HttpResponseInit's shape). */
export interface AdminHttpResponse {
  status: number;
  jsonBody: unknown;
  headers?: Record<string, string>;
}

const STATUS_OF: Record<AdminFailure["kind"], number> = {
  bad_request: 400,
  user_not_found: 404,
  user_invalid: 409,
  nothing_to_refresh: 409,
  auth_required: 403,
  needs_sign_in: 403,
  mailbox_not_found: 404,
  graph_unavailable: 503,
  graph_failed: 502,
  queue_unavailable: 503,
  rejected_not_found: 404,
  replay_refused: 422,
};

export function failureResponse(failure: AdminFailure): AdminHttpResponse {
  const { kind, ...rest } = failure;
  const headers: Record<string, string> = { "cache-control": "no-store" };
  if (failure.kind === "graph_unavailable" && failure.retryAfterMs !== undefined)
    headers["retry-after"] = String(Math.max(1, Math.ceil(failure.retryAfterMs / 1000)));
  return { status: STATUS_OF[kind], jsonBody: { error: kind, ...rest }, headers };
}

export function successResponse(status: number, body: unknown): AdminHttpResponse {
  return { status, jsonBody: body, headers: { "cache-control": "no-store" } };
}

export const toResponse = <T>(outcome: AdminOutcome<T>, status: number): AdminHttpResponse =>
  outcome.ok ? successResponse(status, outcome.value) : failureResponse(outcome.failure);

/**
 * Classifies a failed Graph call made for `user` and records what the admin must fix on the Users row:
 * 401/403 → auth_required, 404 on the mailbox → mailbox_not_found. Transient errors leave the status alone.
 * `alreadyRecorded` skips the write when the use case below has written the status itself (ensureSubscription).
 */
export async function graphFailure(
  deps: Pick<AppDeps, "users">,
  user: string,
  what: string,
  error: unknown,
  options: { alreadyRecorded?: boolean; notFoundIsMailbox?: boolean } = {},
): Promise<AdminFailure> {
  const e = toAppError(error);
  const reason = `${what}: ${e.message}`;
  let status: UserStatus | undefined;
  let failure: AdminFailure;
  if (e instanceof AuthError) {
    status = "auth_required";
    failure = {
      kind: "auth_required",
      user,
      code: e.code,
      reason: `${reason} (grant the app the Graph permission, or the user must sign in again)`,
    };
  } else if (e instanceof PermanentError && e.code === "not_found" && options.notFoundIsMailbox !== false) {
    status = "mailbox_not_found";
    failure = { kind: "mailbox_not_found", user, reason: `${reason} (check the Users row's mailbox column)` };
  } else if (e instanceof TransientError) {
    failure = {
      kind: "graph_unavailable",
      user,
      reason: `${reason} (temporary; try again)`,
      ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
    };
  } else {
    failure = { kind: "graph_failed", user, code: e.code, reason };
  }
  if (status && !options.alreadyRecorded) {
    // Best effort: the answer to the admin matters more than the status write.
    await deps.users.recordStatus(user, { status, lastError: failure.reason.slice(0, 2000) }).catch(() => undefined);
  }
  return failure;
}

/** Anything a handler did not expect (Table Storage down…): 503 when worth retrying, else 500; logged, never thrown. */
export function unexpectedResponse(error: unknown, log: { error(...args: unknown[]): void }, what: string) {
  const e = toAppError(error);
  log.error(`${what} failed: ${e.code}: ${e.message}`);
  return e instanceof TransientError
    ? successResponse(503, { error: "unavailable", reason: `${what}: ${e.code} (temporary; try again)` })
    : successResponse(500, { error: "internal", reason: `${what}: ${e.code}: ${e.message}` });
}
