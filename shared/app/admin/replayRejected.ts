// Admin use case: re-send a message set aside in the Rejected table to its queue (same SessionId), then remove its row.
import type { AppDeps } from "../appDeps.js";
import { RESCHEDULE_COUNT_PROPERTY, RESCHEDULED_FROM_PROPERTY } from "../dispatchMessage.js";
import { toAppError, TransientError } from "../../domain/errors.js";
import { parsePullMessage, parsePushMessage, type ParseResult } from "../../domain/messages/parseMessage.js";
import type { RejectedRow } from "../../adapters/servicebus/rejectedStore.js";
import { failed, succeeded, type AdminOutcome } from "./adminOutcome.js";

export type ReplayDeps = Pick<AppDeps, "config" | "rejected" | "queues">;

/** The application property a replayed copy carries: the MessageId (or row id) of the message it replays. */
export const REPLAY_OF_PROPERTY = "replayOf";

/** How the worker of a queue reads its messages: the same parser and user field the dispatcher checks. */
interface QueueContract {
  parse(body: unknown): ParseResult<{ user: string }>;
  routeOf(message: unknown): string;
}

/** The queues this app consumes (and so can replay to): the push and the pull queue from the settings. */
export function replayableQueues(config: ReplayDeps["config"]): Map<string, QueueContract> {
  return new Map<string, QueueContract>([
    [config.pushQueue, { parse: parsePushMessage, routeOf: (m) => `kind ${(m as { kind: string }).kind}` }],
    [config.pullQueue, { parse: parsePullMessage, routeOf: (m) => `source ${(m as { source: string }).source}` }],
  ]);
}

/** `queue: expected …` when the app does not consume `queue`, else undefined. */
export function queueProblem(config: ReplayDeps["config"], queue: string): string | undefined {
  const known = [...replayableQueues(config).keys()];
  return known.includes(queue)
    ? undefined
    : `queue: expected one of ${known.join(", ")} (the queues this app consumes), got ${JSON.stringify(queue)}`;
}

export interface ReplayView {
  queue: string;
  /** The Rejected row's id (RowKey). */
  id: string;
  originalMessageId: string | null;
  sessionId: string;
  /** What the worker will route it by, e.g. `kind appointment` or `source RESYNC`. */
  route: string;
  /** Why it was set aside (what an admin should have fixed before replaying). */
  code: string;
  reason: string;
  /** The MessageId of the copy (deterministic per row: a repeated replay of the same row is dropped as a duplicate). */
  replayMessageId: string;
  bodyLength: number;
  applicationProperties: Record<string, string | number | boolean | null>;
  dryRun: boolean;
  /** false on a dry run. */
  sent: boolean;
  removed: boolean;
}

/** The body as the worker received it: the JSON value the host had parsed, or the exact text. */
const receivedBody = (row: RejectedRow): unknown => (row.bodyEncoding === "json" ? JSON.parse(row.body) : row.body);

/**
 * `<original MessageId>-replay-<when it was set aside, base 36 ms>`: the same for every replay of one row (a retry
 * after a failed delete is dropped by duplicate detection), different for a later rejection of the same MessageId.
 */
function replayMessageIdOf(row: RejectedRow): string {
  const id = `${row.messageId ?? row.id}-replay-${row.rejectedAt.getTime().toString(36)}`;
  return id.length <= 128 ? id : `${id.slice(0, 60)}--${id.slice(-60)}`;
}

/** The original properties, minus the reschedule bookkeeping (a replay starts a fresh chain), plus replayOf. */
function replayProperties(row: RejectedRow): Record<string, string | number | boolean | null> {
  const props = { ...row.applicationProperties };
  delete props[RESCHEDULE_COUNT_PROPERTY];
  delete props[RESCHEDULED_FROM_PROPERTY];
  return { ...props, [REPLAY_OF_PROPERTY]: row.messageId ?? row.id };
}

/**
 * Checks the row as the worker would (the current parser, the user against the SessionId), then — unless `dryRun` —
 * sends the original body with its application properties to `queue` under the same SessionId and deletes the row.
 * Refused (422, the reason names the field) when the current parser still rejects the body: fix the sender or deploy
 * the fix first. A failed send keeps the row (503); a failed delete after the send is thrown, and a second replay of
 * the same row re-sends the same MessageId, which duplicate detection drops.
 */
export async function replayRejected(
  deps: ReplayDeps,
  input: { queue: string; id: string; dryRun?: boolean },
): Promise<AdminOutcome<ReplayView>> {
  const { queue, id } = input;
  const dryRun = input.dryRun ?? false;
  const problem = queueProblem(deps.config, queue);
  if (problem) return failed({ kind: "bad_request", reason: problem });
  const contract = replayableQueues(deps.config).get(queue)!;

  const row = await deps.rejected.get(queue, id);
  if (!row)
    return failed({ kind: "rejected_not_found", queue, id, reason: `no rejected message ${id} for queue ${queue}` });
  const refuse = (reason: string) => failed<ReplayView>({ kind: "replay_refused", queue, id, reason });

  let body: unknown;
  try {
    body = receivedBody(row);
  } catch {
    return refuse("body: the stored JSON body cannot be read back (the row was edited?)");
  }
  const parsed = contract.parse(body);
  if (!parsed.ok) return refuse(`the current parser still rejects it: ${parsed.reason}`);
  if (!row.sessionId) return refuse("sessionId: the rejected message has none, so its session is unknown");
  if (parsed.message.user !== row.sessionId)
    return refuse(`user: "${parsed.message.user}" does not match the message's SessionId "${row.sessionId}"`);

  const view: ReplayView = {
    queue,
    id,
    originalMessageId: row.messageId ?? null,
    sessionId: row.sessionId,
    route: contract.routeOf(parsed.message),
    code: row.code,
    reason: row.reason,
    replayMessageId: replayMessageIdOf(row),
    bodyLength: row.body.length,
    applicationProperties: replayProperties(row),
    dryRun,
    sent: false,
    removed: false,
  };
  if (dryRun) return succeeded(view);

  try {
    // A JSON body goes out as JSON again (content type application/json); text goes out as the exact text.
    await deps.queues.send(queue, body, {
      sessionId: row.sessionId,
      messageId: view.replayMessageId,
      applicationProperties: view.applicationProperties,
    });
  } catch (error) {
    const e = toAppError(error);
    if (!(e instanceof TransientError)) throw e;
    return failed({
      kind: "queue_unavailable",
      user: row.sessionId,
      reason: `send to ${queue}: ${e.code}: ${e.message} (temporary; the row is kept, try again)`,
    });
  }
  view.sent = true;
  view.removed = await deps.rejected.remove(queue, id);
  return succeeded(view);
}
