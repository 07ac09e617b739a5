// Nightly use case: delete the Graph subscriptions (and their table rows) of users who are gone or no longer need them.
import type { AppDeps } from "../appDeps.js";
import type { Logger } from "../dispatchMessage.js";
import { toAppError } from "../../domain/errors.js";
import type { InvalidUser, UserSettings } from "../../adapters/tables/usersTable.js";
import { needsSubscription } from "../subscriptions/handleLifecycle.js";
import { removeSubscription } from "../subscriptions/removeSubscription.js";
import { planCleanup, type CleanupPlan, type RemovalReason, type SubscriptionRef } from "./planCleanup.js";

export type CleanupDeps = Pick<AppDeps, "users" | "subscriptions" | "graph">;

export interface CleanupOptions {
  log: Logger;
  /** Names the run in log lines. */
  runId: string;
  /** At most this many removals per run (the rest wait for the next night). Default 500. */
  maxRemovals?: number;
  /** Removals in flight at once. Default 4. */
  concurrency?: number;
}

export interface CleanupSummary {
  /** Subscription records in the table. */
  subscriptions: number;
  /** Removed in the table (and in Graph, or Graph had already forgotten it). */
  removed: number;
  removedBy: Record<RemovalReason, number>;
  /** Removals that failed (logged; the row stays, so the next night retries). */
  removeFailed: number;
  /** Kept because the user's Users row is invalid. */
  keptForInvalid: number;
  /** Planned removals left for the next night because of maxRemovals. */
  deferred: number;
  /** Planned removals dropped because the user's row changed meanwhile (now needs it, or is invalid). */
  stillNeeded: number;
}

/**
 * Lists every stored subscription and removes (removeSubscription: Graph DELETE, 404 is fine; then the row and its
 * index row) those whose user has no Users row or no switch needing that kind. Subscriptions of invalid rows are
 * kept. Just before each removal the user's row is read again, so a user switched on (or added) since `users` was
 * listed keeps the subscription. One failed removal is logged (subscription id and user, never the clientState) and
 * the others go on. Throws only when the subscriptions cannot be listed.
 */
export async function cleanUpSubscriptions(
  deps: CleanupDeps,
  users: { valid: readonly UserSettings[]; invalid: readonly InvalidUser[] },
  options: CleanupOptions,
): Promise<CleanupSummary> {
  const { log, runId } = options;
  const maxRemovals = Math.max(0, options.maxRemovals ?? 500);
  const concurrency = Math.max(1, options.concurrency ?? 4);

  const stored = await deps.subscriptions.listAll();
  const plan: CleanupPlan = planCleanup(stored, users);
  for (const s of plan.keptForInvalid)
    log.warn(
      `nightly ${runId}: subscription ${s.subscriptionId} (${s.user}/${s.kind}) kept: the user's Users row is invalid`,
    );

  const todo = plan.remove.slice(0, maxRemovals);
  const deferred = plan.remove.length - todo.length;
  if (deferred > 0)
    log.warn(
      `nightly ${runId}: ${plan.remove.length} subscriptions to remove, capped at ${maxRemovals} this run; ` +
        `${deferred} wait for the next night`,
    );

  const summary: CleanupSummary = {
    subscriptions: stored.length,
    removed: 0,
    removedBy: { unknownUser: 0, switchedOff: 0 },
    removeFailed: 0,
    keptForInvalid: plan.keptForInvalid.length,
    deferred,
    stillNeeded: 0,
  };

  const removeOne = async (s: SubscriptionRef & { reason: RemovalReason }): Promise<void> => {
    const what = `subscription ${s.subscriptionId} (${s.user}/${s.kind})`;
    try {
      const now = await deps.users.getUser(s.user);
      if (now && (!now.valid || needsSubscription(now.user, s.kind))) {
        summary.stillNeeded++;
        if (!now.valid) summary.keptForInvalid++;
        log.log(`nightly ${runId}: ${what} kept: the user's row changed during the run`);
        return;
      }
      const result = await removeSubscription(deps, s.user, s.kind);
      if (result.removedInTable) {
        summary.removed++;
        summary.removedBy[s.reason]++;
        const graph = result.removedInGraph ? "deleted in Graph" : "already gone in Graph";
        log.log(`nightly ${runId}: removed ${what}, ${describe(s.reason)}; ${graph}`);
      }
    } catch (error) {
      const e = toAppError(error);
      summary.removeFailed++;
      log.error(`nightly ${runId}: removing ${what} failed (${e.code}: ${e.message}); the next night retries`);
    }
  };

  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const item = todo[next++];
      if (item) await removeOne(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  return summary;
}

function describe(reason: RemovalReason): string {
  return reason === "unknownUser" ? "the user has no Users row" : "no switch of the user needs it";
}
