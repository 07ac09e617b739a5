// Nightly use case: one RESYNC per user who syncs (batched, deduplicated per night), subscription clean-up, index pruning.
import type { Logger } from "../dispatchMessage.js";
import type { AppDeps } from "../appDeps.js";
import { toAppError } from "../../domain/errors.js";
import { pullMessageId } from "../../domain/messages/messageIds.js";
import { pullMessage, type PullMessage } from "../../domain/messages/pullMessage.js";
import type { OutgoingMessage } from "../../adapters/servicebus/queueSender.js";
import { RESOURCE_KINDS } from "../../adapters/tables/subscriptionsTable.js";
import { USERS_PARTITION, type MisplacedRow, type UserSettings } from "../../adapters/tables/usersTable.js";
import { needsSubscription } from "../subscriptions/handleLifecycle.js";
import { cleanUpSubscriptions, type CleanupSummary } from "./cleanUpSubscriptions.js";

export type FanOutDeps = Pick<AppDeps, "config" | "now" | "users" | "subscriptions" | "queues" | "graph">;

export interface FanOutOptions {
  log: Logger;
  /**
   * Names the run in every MessageId, so a timer that fires twice in one night sends the same ids and Service Bus
   * duplicate detection drops the second copy. Default: `nightly-<UTC date of deps.now()>`.
   */
  runId?: string;
  /** Messages handed to one sendBatch call (each call still packs them into as few AMQP batches as fit). */
  chunkSize?: number;
  /**
   * Remove subscriptions nobody needs (default true). Turn it off only when `deps.users` is not the Users table the
   * subscriptions belong to (a benchmark's own table): every subscription would look orphaned.
   */
  cleanup?: boolean;
  /** At most this many subscription removals per run (default 500); the rest wait for the next night. */
  maxRemovals?: number;
  /** Subscription removals in flight at once (default 4). */
  removeConcurrency?: number;
  /** Skip pruning of stale subscription index rows (tests). */
  prune?: boolean;
  /**
   * Another fan-out over the same users (the task poll): which users get a message (default needsResync) and what it
   * is (default the RESYNC). The log lines name the run by its runId.
   */
  fanOut?: { select(user: UserSettings): boolean; messageFor(user: string, runId: string): OutgoingMessage };
}

/** Why a valid user got no RESYNC. */
export type SkipReason = "switchesOff" | "emailOnly" | "invalidMessage";

export interface FanOutSummary {
  runId: string;
  /** Rows in the Users table (valid + invalid). */
  users: number;
  /** Valid users with an appointment or task switch on: one RESYNC each. */
  eligible: number;
  /** Messages accepted by the broker's sender (duplicates of an earlier run the same night are dropped by the broker). */
  enqueued: number;
  /** AMQP batch transfers used. */
  batches: number;
  /** Valid users without a RESYNC (sum of skippedBy). */
  skipped: number;
  /** switchesOff: every switch off; emailOnly: only `emails` on (mail needs no subscription); invalidMessage: cannot happen. */
  skippedBy: Record<SkipReason, number>;
  /** Rows whose admin columns are wrong (their status/lastError were written by listUsers). */
  invalid: number;
  /** Rows under another PartitionKey than the Users partition: never synchronised until an admin moves them. */
  misplaced: MisplacedRow[];
  /** Subscription records examined by the clean-up; undefined when it was off or could not list them. */
  subscriptions: number | undefined;
  /** Subscriptions removed (user gone, or no switch needs that kind), by reason in removedBy. */
  removed: number;
  removedBy: CleanupSummary["removedBy"];
  /** Removals that failed (the rows stay; the next night retries). */
  removeFailed: number;
  /** Subscriptions of invalid Users rows, deliberately kept. */
  keptForInvalid: number;
  /** Removals left for the next night (maxRemovals reached). */
  removalsDeferred: number;
  /** Set when the clean-up could not list the subscriptions (the fan-out itself succeeded). */
  cleanupError?: string;
  /** Stale index rows removed; undefined when pruning was skipped or failed. */
  pruned: number | undefined;
  /** Set when pruning failed (the fan-out itself succeeded). */
  pruneError?: string;
  elapsedMs: number;
}

/** Whether any of the user's switches needs a Graph subscription, i.e. a nightly RESYNC (renewal, window, drift). */
export const needsResync = (user: UserSettings): boolean =>
  RESOURCE_KINDS.some((kind) => needsSubscription(user, kind));

/** `nightly-YYYY-MM-DD` (UTC) for the given instant. */
export const nightlyRunId = (at: Date): string => `nightly-${at.toISOString().slice(0, 10)}`;

/** The RESYNC request for one user on one night, with its deterministic MessageId. */
export function resyncMessageFor(user: string, runId: string): OutgoingMessage {
  const body: PullMessage = { source: "RESYNC", user, reason: "nightly" };
  return { body, sessionId: user, messageId: pullMessageId(body, runId) };
}

/**
 * Lists every user (invalid rows get their status there), sends one RESYNC per valid user with an appointment or task
 * switch on to the pull queue in as few batches as fit, removes the subscriptions of users who are gone or switched
 * that kind off (not those of invalid rows), then prunes stale subscription index rows. A transient send failure is
 * thrown after logging how far it got: a rerun re-sends the same MessageIds and the broker drops those already in.
 * Clean-up and pruning failures are logged and reported in the summary; the next night retries them.
 */
export async function fanOutResync(deps: FanOutDeps, options: FanOutOptions): Promise<FanOutSummary> {
  const { log } = options;
  const started = Date.now();
  const runId = options.runId ?? nightlyRunId(deps.now());
  const chunkSize = Math.max(1, options.chunkSize ?? 5000);
  const queue = deps.config.pullQueue;

  const { valid, invalid, misplaced } = await deps.users.listUsers();
  for (const bad of invalid) log.warn(`nightly: Users row ${bad.userId} is invalid and skipped: ${bad.lastError}`);
  if (misplaced.length) log.warn(misplacedLine(misplaced));

  const messages: OutgoingMessage[] = [];
  const skippedBy: Record<SkipReason, number> = { switchesOff: 0, emailOnly: 0, invalidMessage: 0 };
  const select = options.fanOut?.select ?? needsResync;
  const messageFor = options.fanOut?.messageFor ?? resyncMessageFor;
  for (const user of valid) {
    if (!select(user)) {
      skippedBy[user.emails ? "emailOnly" : "switchesOff"]++;
      continue;
    }
    const message = messageFor(user.userId, runId);
    const checked = pullMessage.safeParse(message.body);
    if (!checked.success) {
      // Cannot happen for a row listUsers accepted, but a message the worker would reject must not be sent.
      log.warn(`${runId}: message for ${user.userId} not sent: ${checked.error.issues[0]?.message ?? "invalid"}`);
      skippedBy.invalidMessage++;
      continue;
    }
    messages.push(message);
  }

  let enqueued = 0;
  let batches = 0;
  for (let i = 0; i < messages.length; i += chunkSize) {
    const chunk = messages.slice(i, i + chunkSize);
    try {
      const result = await deps.queues.sendBatch(queue, chunk);
      enqueued += result.sent;
      batches += result.batches;
    } catch (error) {
      const e = toAppError(error);
      log.error(
        `nightly ${runId}: sending to ${queue} failed after ${enqueued} of ${messages.length} (${e.code}: ${e.message}); ` +
          "a rerun re-sends the same message ids and duplicates are dropped",
      );
      throw e;
    }
    if (messages.length > chunkSize)
      log.log(`${runId}: ${enqueued} of ${messages.length} messages sent (${batches} batches)`);
  }

  let cleanup: CleanupSummary | undefined;
  let cleanupError: string | undefined;
  if (options.cleanup !== false) {
    try {
      cleanup = await cleanUpSubscriptions(
        deps,
        { valid, invalid },
        {
          log,
          runId,
          ...(options.maxRemovals !== undefined ? { maxRemovals: options.maxRemovals } : {}),
          ...(options.removeConcurrency !== undefined ? { concurrency: options.removeConcurrency } : {}),
        },
      );
    } catch (error) {
      const e = toAppError(error);
      cleanupError = `${e.code}: ${e.message}`;
      log.warn(`nightly ${runId}: listing subscriptions for the clean-up failed (${cleanupError}); next night retries`);
    }
  }

  let pruned: number | undefined;
  let pruneError: string | undefined;
  if (options.prune !== false) {
    try {
      pruned = await deps.subscriptions.pruneIndex();
    } catch (error) {
      const e = toAppError(error);
      pruneError = `${e.code}: ${e.message}`;
      log.warn(`nightly ${runId}: pruning subscription index rows failed (${pruneError}); next night retries`);
    }
  }

  const skipped = skippedBy.switchesOff + skippedBy.emailOnly + skippedBy.invalidMessage;
  const summary: FanOutSummary = {
    runId,
    users: valid.length + invalid.length,
    eligible: messages.length,
    enqueued,
    batches,
    skipped,
    skippedBy,
    invalid: invalid.length,
    misplaced,
    subscriptions: cleanup?.subscriptions,
    removed: cleanup?.removed ?? 0,
    removedBy: cleanup?.removedBy ?? { unknownUser: 0, switchedOff: 0 },
    removeFailed: cleanup?.removeFailed ?? 0,
    keptForInvalid: cleanup?.keptForInvalid ?? 0,
    removalsDeferred: cleanup?.deferred ?? 0,
    ...(cleanupError !== undefined ? { cleanupError } : {}),
    pruned,
    ...(pruneError !== undefined ? { pruneError } : {}),
    elapsedMs: Date.now() - started,
  };
  log.log(summaryLine(summary));
  return summary;
}

/** The warning for rows an admin put under the wrong PartitionKey (at most 20 named; the summary has them all). */
export function misplacedLine(rows: readonly MisplacedRow[]): string {
  const named = rows
    .slice(0, 20)
    .map((r) => `${JSON.stringify(r.partitionKey)}/${JSON.stringify(r.rowKey)}`)
    .join(", ");
  const more = rows.length > 20 ? ` and ${rows.length - 20} more` : "";
  return (
    `nightly: ${rows.length} Users row(s) under another PartitionKey than "${USERS_PARTITION}" are not synchronised: ` +
    `${named}${more} (move each to PartitionKey "${USERS_PARTITION}")`
  );
}

/** The one line a run ends with: every figure of the summary, "-" where a step did not run. */
export function summaryLine(s: FanOutSummary): string {
  const by = `switchesOff=${s.skippedBy.switchesOff} emailOnly=${s.skippedBy.emailOnly}`;
  const odd = s.skippedBy.invalidMessage ? ` invalidMessage=${s.skippedBy.invalidMessage}` : "";
  const removed =
    s.subscriptions === undefined
      ? "subscriptions=- removed=- removeFailed=- keptForInvalid=-"
      : `subscriptions=${s.subscriptions} removed=${s.removed} (unknownUser=${s.removedBy.unknownUser} ` +
        `switchedOff=${s.removedBy.switchedOff}) removeFailed=${s.removeFailed} keptForInvalid=${s.keptForInvalid}` +
        (s.removalsDeferred ? ` deferred=${s.removalsDeferred}` : "");
  return (
    `nightly ${s.runId}: users=${s.users} eligible=${s.eligible} enqueued=${s.enqueued} batches=${s.batches} ` +
    `skipped=${s.skipped} (${by}${odd}) invalid=${s.invalid} misplaced=${s.misplaced.length} ${removed} pruned=${s.pruned ?? "-"} in ${s.elapsedMs} ms`
  );
}
