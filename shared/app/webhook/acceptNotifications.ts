// Use case of the webhook: screen posted notifications (point read + constant-time clientState) → enqueue PULL requests.
import type { AppDeps } from "../appDeps.js";
import type { Logger } from "../dispatchMessage.js";
import { TransientError, toAppError } from "../../domain/errors.js";
import { contentMessageId } from "../../domain/messages/messageIds.js";
import type { PullMessage } from "../../domain/messages/pullMessage.js";
import {
  screenNotifications,
  type KnownSubscription,
  type Rejected,
} from "../../domain/webhook/screenNotifications.js";
import { isLifecycleNotification, type LifecycleNotification } from "../../adapters/graph/schemas.js";
import type { OutgoingMessage } from "../../adapters/servicebus/queueSender.js";
import { checkSubscriptionCount, type PostedNotification } from "./parseNotificationPost.js";

type Deps = Pick<AppDeps, "config" | "now" | "subscriptions" | "queues">;

export type AcceptOutcome =
  /** Everything genuine is enqueued (forged/unknown items are dropped and logged): answer 202. */
  | { status: "accepted"; enqueued: number; rejected: Rejected[] }
  /** Reading the subscriptions or enqueueing failed: answer 5xx so Graph posts again (duplicates are dropped). */
  | { status: "unavailable"; reason: string }
  /** The post names more subscriptions than MAX_SUBSCRIPTIONS_PER_POST: nothing read, answer 400. */
  | { status: "invalid"; reason: string };

/** Graph drops endpoints slower than ~3 s: reads and sends get this long in all before the answer is 503. */
export const DEFAULT_DEADLINE_MS = 2_000;

/** Rejects with TransientError "timeout" when `promise` is not settled by `deadline` (epoch ms); never leaves a rejection unhandled. */
export async function beforeDeadline<T>(promise: Promise<T>, deadline: number, what: string): Promise<T> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TransientError("timeout", `${what} took too long`)),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

type SubscriptionReads = Pick<AppDeps["subscriptions"], "getBySubscriptionId">;
type IndexEntry = Awaited<ReturnType<SubscriptionReads["getBySubscriptionId"]>>;

/** Point reads under way, per Subscriptions table: a POST for a subscription whose read is in flight shares it. */
const readsInFlight = new WeakMap<SubscriptionReads, Map<string, Promise<IndexEntry>>>();

/**
 * The subscription's index row, read once for every POST that asks while the read is under way (Graph posts the
 * changes of one subscription in bursts; under load they queue behind the same read). Nothing is kept after the read
 * settles: the next POST reads again, so a deleted or renewed subscription is seen at once.
 */
export function readSubscription(subscriptions: SubscriptionReads, id: string): Promise<IndexEntry> {
  let reads = readsInFlight.get(subscriptions);
  if (!reads) {
    reads = new Map();
    readsInFlight.set(subscriptions, reads);
  }
  const pending = reads.get(id);
  if (pending) return pending;
  const table = reads;
  const read = subscriptions.getBySubscriptionId(id).finally(() => table.delete(id));
  table.set(id, read);
  return read;
}

/** A subscription id as posted (anyone can post): control characters masked, length capped, for a safe log line. */
const forLog = (id: string) =>
  [...id.slice(0, 100)].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? "?" : c)).join("");

/** Width of the receive-time bucket in a lifecycle notification's PULL message id. */
export const LIFECYCLE_BUCKET_MS = 5 * 60_000;

/**
 * The PULL message id of a lifecycle notification. Graph sends them without an `id`, and the subscription's expiry
 * only changes at renewal, so (event, subscription, expiry) alone would make every later `missed` of the same day a
 * "duplicate" the broker drops (its detection window is a day). The receive-time bucket keeps re-posts within
 * LIFECYCLE_BUCKET_MS collapsing while a later notification gets through; a repeat that slips through is harmless
 * (a RESYNC is idempotent, a second renewal only moves the expiry).
 */
export function lifecycleMessageId(n: LifecycleNotification, receivedAt: Date): string {
  return contentMessageId("pull", {
    lifecycle: n.lifecycleEvent,
    subscriptionId: n.subscriptionId,
    subscriptionExpirationDateTime: n.subscriptionExpirationDateTime,
    id: (n as { id?: unknown }).id,
    bucket: Math.floor(receivedAt.getTime() / LIFECYCLE_BUCKET_MS),
  });
}

/**
 * One point read per distinct subscription id (in parallel; shared with concurrent POSTs), screenNotifications, then
 * one PULL message per accepted subscription (MSEVENT / MSTASK) and one per accepted lifecycle notification
 * (LIFECYCLE), SessionId = user. No Graph call, no table write. More than MAX_SUBSCRIPTIONS_PER_POST distinct ids →
 * "invalid" before any read. Reads and sends share a deadline (`deadline` epoch ms, else now + `deadlineMs`): past it
 * the answer is 503 and Graph posts again (a send that still completes later makes the retry a duplicate, which
 * Service Bus drops). Rejected items are logged with the subscription id and reason only — never a clientState.
 */
export async function acceptNotifications(
  deps: Deps,
  notifications: readonly PostedNotification[],
  log: Logger,
  options: { deadlineMs?: number; deadline?: number } = {},
): Promise<AcceptOutcome> {
  const deadline = options.deadline ?? Date.now() + (options.deadlineMs ?? DEFAULT_DEADLINE_MS);
  const tooMany = checkSubscriptionCount(notifications);
  if (tooMany) return { status: "invalid", reason: tooMany };
  const receivedAt = deps.now();
  const ids = [...new Set(notifications.map((n) => n.subscriptionId))];
  let known: Map<string, KnownSubscription | undefined>;
  try {
    const entries = await beforeDeadline(
      Promise.all(ids.map((id) => readSubscription(deps.subscriptions, id))),
      deadline,
      "reading the subscriptions",
    );
    known = new Map(ids.map((id, i) => [id, entries[i]]));
  } catch (error) {
    const e = toAppError(error);
    log.error(`graph webhook: could not read subscriptions (${e.code}); answering 503 so Graph retries`);
    return { status: "unavailable", reason: `subscriptions unavailable (${e.code})` };
  }

  const changes = notifications.filter((n) => !isLifecycleNotification(n));
  const lifecycles = notifications.filter(isLifecycleNotification);
  const screened = screenNotifications(changes, known);
  const rejected = [...screened.rejected];
  const messages: OutgoingMessage[] = screened.accepted.map((g) => ({
    body: {
      source: g.kind === "events" ? "MSEVENT" : "MSTASK",
      subscriptionId: g.subscriptionId,
      user: g.user,
    } satisfies PullMessage,
    sessionId: g.user,
    messageId: `pull-${g.idempotencyKey}`,
  }));
  for (const n of lifecycles) {
    const one = screenNotifications([n], known);
    rejected.push(...one.rejected);
    const group = one.accepted[0];
    if (!group) continue;
    messages.push({
      body: {
        source: "LIFECYCLE",
        subscriptionId: n.subscriptionId,
        user: group.user,
        lifecycleEvent: n.lifecycleEvent,
      } satisfies PullMessage,
      sessionId: group.user,
      messageId: lifecycleMessageId(n, receivedAt),
    });
  }

  const counts = new Map<string, number>();
  for (const r of rejected) {
    const key = `${forLog(r.subscriptionId)} (${r.reason})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [what, n] of counts)
    log.warn(`graph webhook: dropped ${n} notification(s) for subscription ${what}; nothing enqueued for them`);

  try {
    await beforeDeadline(
      Promise.all(messages.map(({ body, ...send }) => deps.queues.send(deps.config.pullQueue, body, send))),
      deadline,
      "enqueueing",
    );
  } catch (error) {
    const e = toAppError(error);
    log.error(
      `graph webhook: could not enqueue to ${deps.config.pullQueue} (${e.code}); answering 503 so Graph retries`,
    );
    return { status: "unavailable", reason: `queue unavailable (${e.code})` };
  }
  return { status: "accepted", enqueued: messages.length, rejected };
}
