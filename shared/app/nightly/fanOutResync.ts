// Nightly use case: one RESYNC pull message per user with any switch on (batched, deduplicated per night) + index pruning.
import type { Logger } from "../dispatchMessage.js";
import type { AppDeps } from "../appDeps.js";
import { toAppError } from "../../domain/errors.js";
import { pullMessageId } from "../../domain/messages/messageIds.js";
import { pullMessage, type PullMessage } from "../../domain/messages/pullMessage.js";
import type { OutgoingMessage } from "../../adapters/servicebus/queueSender.js";
import { SWITCH_COLUMNS, type UserSettings } from "../../adapters/tables/usersTable.js";

export type FanOutDeps = Pick<AppDeps, "config" | "now" | "users" | "subscriptions" | "queues">;

export interface FanOutOptions {
  log: Logger;
  /**
   * Names the run in every MessageId, so a timer that fires twice in one night sends the same ids and Service Bus
   * duplicate detection drops the second copy. Default: `nightly-<UTC date of deps.now()>`.
   */
  runId?: string;
  /** Messages handed to one sendBatch call (each call still packs them into as few AMQP batches as fit). */
  chunkSize?: number;
  /** Skip pruning of stale subscription index rows (tests). */
  prune?: boolean;
}

export interface FanOutSummary {
  runId: string;
  /** Rows in the Users table (valid + invalid). */
  users: number;
  /** Valid users with at least one switch on: one RESYNC each. */
  eligible: number;
  /** Messages accepted by the broker's sender (duplicates of an earlier run the same night are dropped by the broker). */
  enqueued: number;
  /** AMQP batch transfers used. */
  batches: number;
  /** Valid users with every switch off. */
  skipped: number;
  /** Rows whose admin columns are wrong (their status/lastError were written by listUsers). */
  invalid: number;
  /** Stale index rows removed; undefined when pruning was skipped or failed. */
  pruned: number | undefined;
  /** Set when pruning failed (the fan-out itself succeeded). */
  pruneError?: string;
  elapsedMs: number;
}

export const hasAnySwitchOn = (user: UserSettings): boolean => SWITCH_COLUMNS.some((column) => user[column]);

/** `nightly-YYYY-MM-DD` (UTC) for the given instant. */
export const nightlyRunId = (at: Date): string => `nightly-${at.toISOString().slice(0, 10)}`;

/** The RESYNC request for one user on one night, with its deterministic MessageId. */
export function resyncMessageFor(user: string, runId: string): OutgoingMessage {
  const body: PullMessage = { source: "RESYNC", user, reason: "nightly" };
  return { body, sessionId: user, messageId: pullMessageId(body, runId) };
}

/**
 * Lists every user (invalid rows get their status there), sends one RESYNC per valid user with any switch on to the
 * pull queue in as few batches as fit, then prunes stale subscription index rows. A transient send failure is
 * thrown after logging how far it got: a rerun re-sends the same MessageIds and the broker drops those already in.
 */
export async function fanOutResync(deps: FanOutDeps, options: FanOutOptions): Promise<FanOutSummary> {
  const { log } = options;
  const started = Date.now();
  const runId = options.runId ?? nightlyRunId(deps.now());
  const chunkSize = Math.max(1, options.chunkSize ?? 5000);
  const queue = deps.config.pullQueue;

  const { valid, invalid } = await deps.users.listUsers();
  for (const bad of invalid) log.warn(`nightly: Users row ${bad.userId} is invalid and skipped: ${bad.lastError}`);

  const messages: OutgoingMessage[] = [];
  let skipped = 0;
  for (const user of valid) {
    if (!hasAnySwitchOn(user)) {
      skipped++;
      continue;
    }
    const message = resyncMessageFor(user.userId, runId);
    const checked = pullMessage.safeParse(message.body);
    if (!checked.success) {
      // Cannot happen for a row listUsers accepted, but a message the worker would reject must not be sent.
      log.warn(`nightly: RESYNC for ${user.userId} not sent: ${checked.error.issues[0]?.message ?? "invalid"}`);
      skipped++;
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
      log.log(`nightly ${runId}: ${enqueued} of ${messages.length} RESYNC messages sent (${batches} batches)`);
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

  const summary: FanOutSummary = {
    runId,
    users: valid.length + invalid.length,
    eligible: messages.length,
    enqueued,
    batches,
    skipped,
    invalid: invalid.length,
    pruned,
    ...(pruneError !== undefined ? { pruneError } : {}),
    elapsedMs: Date.now() - started,
  };
  log.log(
    `nightly ${runId}: users=${summary.users} enqueued=${enqueued} batches=${batches} skipped=${skipped} ` +
      `invalid=${summary.invalid} pruned=${pruned ?? "-"} in ${summary.elapsedMs} ms`,
  );
  return summary;
}
