// Pull-worker use case for a Graph lifecycle notification: renew, recreate + resync, or resync the user's subscription.
import type { AppDeps } from "../appDeps.js";
import type { HandlerContext } from "../dispatchMessage.js";
import type { PullMessageOf } from "../dispatchPull.js";
import { pullMessageId } from "../../domain/messages/messageIds.js";
import type { PullMessage } from "../../domain/messages/pullMessage.js";
import type { ResourceKind } from "../../adapters/tables/subscriptionsTable.js";
import type { UserSettings } from "../../adapters/tables/usersTable.js";
import { ensureSubscription } from "./ensureSubscription.js";
import { removeSubscription } from "./removeSubscription.js";

/** Whether any of the user's switches needs a subscription of this kind (the pull side reads its changes). */
export function needsSubscription(user: UserSettings, kind: ResourceKind): boolean {
  return kind === "events"
    ? user.syncAppointments || user.appointmentsFromOutlook
    : user.syncTasks || user.tasksFromOutlook;
}

export type LifecycleOutcome =
  | "renewed"
  | "recreated"
  | "resyncRequested"
  | "ignored:unknownUser"
  | "ignored:invalidUser"
  | "ignored:staleSubscription"
  | "removed:switchedOff";

/**
 * reauthorizationRequired → renew (PATCH; a 404 creates anew, and then, as for subscriptionRemoved, a RESYNC is
 * enqueued); subscriptionRemoved → create a new subscription and enqueue a RESYNC (changes may have been missed
 * meanwhile); missed → enqueue a RESYNC.
 *
 * Ignored (logged, message completed) rather than set aside in Rejected: a lifecycle notification for a subscription
 * that has since been replaced or removed (the stored record holds another id), and one for a user whose row is gone
 * or invalid. Nothing an admin could replay would help there: an invalid row already shows its problem in the Users
 * table's status/lastError, and the nightly run or a REFRESH subscribes again once the row is fixed. A user whose
 * switches for this resource are all off gets the subscription removed instead of renewed.
 * Errors from Graph propagate: transient → redelivery; AuthError → status auth_required (by ensureSubscription) and
 * the message is set aside.
 */
export async function handleLifecycle(
  deps: AppDeps,
  message: PullMessageOf<"LIFECYCLE">,
  ctx: HandlerContext,
): Promise<LifecycleOutcome> {
  const { subscriptionId, lifecycleEvent } = message;
  const about = `lifecycle ${lifecycleEvent} for subscription ${subscriptionId} (user ${message.user})`;

  const index = await deps.subscriptions.getBySubscriptionId(subscriptionId);
  const stored = index ? await deps.subscriptions.get(index.user, index.kind) : undefined;
  if (
    !index ||
    !stored ||
    stored.subscriptionId !== subscriptionId ||
    stored.user !== message.user.trim().toUpperCase()
  ) {
    ctx.log.warn(`${about}: ignored, no longer the stored subscription (replaced or removed)`);
    return "ignored:staleSubscription";
  }
  const kind = index.kind;

  const lookup = await deps.users.getUser(message.user);
  if (!lookup) {
    ctx.log.warn(`${about}: ignored, the user is not in the Users table`);
    return "ignored:unknownUser";
  }
  if (!lookup.valid) {
    ctx.log.warn(`${about}: ignored, the user's row is invalid (${lookup.invalid.lastError})`);
    return "ignored:invalidUser";
  }
  const user = lookup.user;
  if (!needsSubscription(user, kind)) {
    const r = await removeSubscription(deps, user.userId, kind);
    ctx.log.log(`${about}: every switch for ${kind} is off; subscription removed (in Graph: ${r.removedInGraph})`);
    return "removed:switchedOff";
  }

  const resync = async (newSubscriptionId: string) => {
    const body: PullMessage = {
      source: "RESYNC",
      subscriptionId: newSubscriptionId,
      user: user.userId,
      reason: "missed",
    };
    // Keyed by the lifecycle message's own id: its redelivery does not queue a second RESYNC.
    const runId = ctx.delivery.messageId ?? `${subscriptionId}:${lifecycleEvent}`;
    await deps.queues.send(deps.config.pullQueue, body, {
      sessionId: user.userId,
      messageId: pullMessageId(body, runId),
    });
  };

  switch (lifecycleEvent) {
    case "reauthorizationRequired": {
      const renewed = await ensureSubscription(deps, user, kind);
      if (renewed.subscriptionId !== subscriptionId) {
        // Graph no longer had it (renew → 404, or it had expired): a new one was created, and whatever changed while
        // none existed was never notified — read it all again, as after subscriptionRemoved.
        await resync(renewed.subscriptionId);
        ctx.log.log(`${about}: gone in Graph; recreated as ${renewed.subscriptionId}; RESYNC requested`);
        return "recreated";
      }
      ctx.log.log(`${about}: renewed until ${renewed.expiresAt} (subscription ${renewed.subscriptionId})`);
      return "renewed";
    }
    case "subscriptionRemoved": {
      const created = await ensureSubscription(deps, user, kind, { recreate: true });
      await resync(created.subscriptionId);
      ctx.log.log(`${about}: recreated as ${created.subscriptionId}; RESYNC requested`);
      return "recreated";
    }
    case "missed": {
      await resync(subscriptionId);
      ctx.log.log(`${about}: RESYNC requested`);
      return "resyncRequested";
    }
  }
}
