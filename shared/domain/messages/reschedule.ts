// The one reschedule scheme of both queues: a scheduled copy's MessageId and the application properties it carries.
import { createHash } from "node:crypto";

/** Application properties a rescheduled copy carries: how many times its chain was rescheduled, and its first id. */
export const RESCHEDULE_COUNT_PROPERTY = "rescheduleCount";
export const RESCHEDULED_FROM_PROPERTY = "rescheduledFrom";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * The MessageId of the n-th rescheduled copy: `<first MessageId>-r<n>` (a hash of the first id when that would pass
 * Service Bus's 128 characters). Deterministic per attempt, so a redelivery of the same attempt that re-sends the copy
 * again is dropped by duplicate detection, while the next attempt (n + 1) is a new message.
 */
export function rescheduledMessageId(firstMessageId: string, n: number): string {
  const id = `${firstMessageId}-r${n}`;
  return id.length <= 128 ? id : `${sha256(firstMessageId)}-r${n}`;
}

/** The next copy of a chain: its number, MessageId and the application properties that let the chain be counted. */
export function nextReschedule(
  first: string,
  rescheduledSoFar: number | undefined,
): { n: number; messageId: string; properties: Record<string, string | number> } {
  const n = (rescheduledSoFar ?? 0) + 1;
  return {
    n,
    messageId: rescheduledMessageId(first, n),
    properties: { [RESCHEDULE_COUNT_PROPERTY]: n, [RESCHEDULED_FROM_PROPERTY]: first },
  };
}
