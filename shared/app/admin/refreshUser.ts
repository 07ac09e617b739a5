// Admin use case (the REFRESH button): re-subscribe the user (new subscription, new clientState) and queue a full
// resync now.
import { randomUUID } from "node:crypto";
import type { AppDeps } from "../appDeps.js";
import { ensureSubscription } from "../subscriptions/ensureSubscription.js";
import { needsSubscription } from "../subscriptions/handleLifecycle.js";
import { AuthError, toAppError } from "../../domain/errors.js";
import { pullMessageId } from "../../domain/messages/messageIds.js";
import type { PullMessage } from "../../domain/messages/pullMessage.js";
import type { ResourceKind } from "../../adapters/tables/subscriptionsTable.js";
import type { UserSettings } from "../../adapters/tables/usersTable.js";
import type { AuthMode } from "../../config/config.js";
import type { Logger } from "../dispatchMessage.js";
import { failed, graphFailure, loadValidUser, succeeded, type AdminOutcome } from "./adminOutcome.js";
import { subscriptionView, type SubscriptionView } from "./getUserStatus.js";

export type RefreshDeps = Pick<
  AppDeps,
  "config" | "now" | "users" | "subscriptions" | "graph" | "queues" | "taskLists"
>;

export interface RefreshOptions {
  log: Logger;
  /** Only this kind (REFRESH `?kind=events|todoTasks`); default every kind the user's switches ask for. */
  kind?: ResourceKind;
}

export interface RefreshResult {
  user: string;
  subscriptions: Partial<Record<ResourceKind, SubscriptionView>>;
  /** Kinds the user's switches ask for but this refresh did not subscribe, with why. */
  notSubscribed: Partial<Record<ResourceKind, string>>;
  resync: { queued: true; queue: string; messageId: string };
}

const TASKS_POLLED =
  "AUTH_MODE is application: Graph refuses app-only To Do subscriptions; the list is polled (TASK_POLL_SCHEDULE)";

/**
 * Which kinds a refresh subscribes for this user, and whether it concerns tasks at all (in application mode To Do is
 * polled: no subscription, but the refresh's RESYNC still looks the list up again and reads it whole).
 */
export function refreshKinds(
  user: UserSettings,
  authMode: AuthMode,
  only?: ResourceKind,
): { kinds: ResourceKind[]; skipped: Partial<Record<ResourceKind, string>>; tasks: boolean } {
  const kinds: ResourceKind[] = [];
  const skipped: Partial<Record<ResourceKind, string>> = {};
  const wanted = (k: ResourceKind) => only === undefined || only === k;
  if (wanted("events") && needsSubscription(user, "events")) kinds.push("events");
  const tasks = wanted("todoTasks") && needsSubscription(user, "todoTasks");
  if (tasks) {
    if (authMode === "delegated") kinds.push("todoTasks");
    else skipped.todoTasks = TASKS_POLLED;
  }
  return { kinds, skipped, tasks };
}

/**
 * Unknown user → user_not_found; invalid row → user_invalid (with the row's lastError); no appointment/task switch
 * on → nothing_to_refresh. Each kind is recreated (new id, new clientState, old one deleted in Graph); then one
 * RESYNC (reason "admin", a fresh MessageId per click) goes to the pull queue so a full resync runs now.
 */
export async function refreshUser(
  deps: RefreshDeps,
  userId: string,
  options: RefreshOptions,
): Promise<AdminOutcome<RefreshResult>> {
  const loaded = await loadValidUser(deps, userId);
  if (!loaded.ok) return loaded;
  const user = loaded.value;
  const { kinds, skipped, tasks } = refreshKinds(user, deps.config.authMode, options.kind);
  if (kinds.length === 0 && !tasks)
    return failed({
      kind: "nothing_to_refresh",
      user: user.userId,
      reason:
        options.kind === "events"
          ? "syncAppointments and appointmentsFromOutlook are false"
          : options.kind === "todoTasks"
            ? "syncTasks and tasksFromOutlook are false"
            : "syncAppointments, appointmentsFromOutlook, syncTasks and tasksFromOutlook are false",
    });

  const now = deps.now();
  const subscriptions: Partial<Record<ResourceKind, SubscriptionView>> = {};
  for (const kind of kinds) {
    try {
      const record = await ensureSubscription(deps, user, kind, { recreate: true });
      subscriptions[kind] = subscriptionView(record, now);
      options.log.log(
        `admin refresh ${user.userId}: ${kind} subscription ${record.subscriptionId} expires ${record.expiresAt}`,
      );
    } catch (error) {
      const failure = await graphFailure(deps, user.userId, `subscribing ${kind} for ${user.mailbox}`, error, {
        // ensureSubscription writes auth_required (and no_task_list) itself.
        alreadyRecorded: error instanceof AuthError,
      });
      options.log.warn(`admin refresh ${user.userId}: ${kind} failed: ${failure.reason}`);
      return failed(failure);
    }
  }

  const body: PullMessage = { source: "RESYNC", user: user.userId, reason: "admin" };
  const messageId = pullMessageId(body, `admin-${now.toISOString()}-${randomUUID()}`);
  const queue = deps.config.pullQueue;
  try {
    await deps.queues.send(queue, body, { sessionId: user.userId, messageId });
  } catch (error) {
    const e = toAppError(error);
    options.log.error(`admin refresh ${user.userId}: subscribed, but queueing the resync failed: ${e.code}`);
    return failed({
      kind: "queue_unavailable",
      user: user.userId,
      reason: `subscribed, but the resync could not be queued (${e.code}: ${e.message}); press refresh again`,
    });
  }
  options.log.log(`admin refresh ${user.userId}: RESYNC queued on ${queue} (${messageId})`);
  return succeeded({
    user: user.userId,
    subscriptions,
    notSubscribed: skipped,
    resync: { queued: true, queue, messageId },
  });
}
