// Admin use case: the messages set aside in the Rejected table (one queue or all), newest first, with why each was.
import type { RejectedRow } from "../../adapters/servicebus/rejectedStore.js";
import { failed, succeeded, type AdminOutcome } from "./adminOutcome.js";
import { queueProblem, REPLAY_OF_PROPERTY, type ReplayDeps } from "./replayRejected.js";

export interface RejectedView {
  queue: string;
  /** The row id to replay with: POST manage/rejected/{queue}/{id}/replay. */
  id: string;
  messageId: string | null;
  sessionId: string | null;
  code: string;
  reason: string;
  rejectedAt: string;
  deliveryCount: number | null;
  bodyLength: number;
  /** The first 500 characters of the body as received. */
  bodyPreview: string;
  /** The MessageId of the message this one is a replayed copy of (set aside again), else null. */
  replayOf: string | null;
}

export interface RejectedList {
  queue: string | null;
  count: number;
  items: RejectedView[];
}

const PREVIEW_CHARS = 500;

/** A replayed copy carries the MessageId it replays (application property `replayOf`). */
export function replayOfRow(row: RejectedRow): string | null {
  const v = row.applicationProperties?.[REPLAY_OF_PROPERTY];
  return typeof v === "string" ? v : null;
}

export const rejectedView = (row: RejectedRow): RejectedView => ({
  queue: row.queue,
  id: row.id,
  messageId: row.messageId ?? null,
  sessionId: row.sessionId ?? null,
  code: row.code,
  reason: row.reason,
  rejectedAt: row.rejectedAt.toISOString(),
  deliveryCount: row.deliveryCount ?? null,
  bodyLength: row.body.length,
  bodyPreview: row.body.length > PREVIEW_CHARS ? `${row.body.slice(0, PREVIEW_CHARS)}…` : row.body,
  replayOf: replayOfRow(row),
});

/** `queue` must be one the app consumes (400 naming `queue` otherwise); without it, every queue's rows. */
export async function listRejected(
  deps: Pick<ReplayDeps, "config" | "rejected">,
  queue: string | undefined,
): Promise<AdminOutcome<RejectedList>> {
  if (queue !== undefined) {
    const problem = queueProblem(deps.config, queue);
    if (problem) return failed({ kind: "bad_request", reason: problem });
  }
  const rows = await deps.rejected.list(queue !== undefined ? { queue } : {});
  return succeeded({ queue: queue ?? null, count: rows.length, items: rows.map(rejectedView) });
}
