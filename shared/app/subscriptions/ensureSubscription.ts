// Use case: make sure a user has a live Graph subscription for a resource kind (create, renew by PATCH, or recreate).
import { randomBytes } from "node:crypto";
import type { AppDeps } from "../appDeps.js";
import { AppError, AuthError } from "../../domain/errors.js";
import { findTaskList } from "../tasks/taskList.js";
import { planRenewal } from "../../domain/renewal.js";
import { graphDateTimeToMs } from "../../adapters/graph/schemas.js";
import type { ResourceKind, StoredSubscription, SubscriptionRecord } from "../../adapters/tables/subscriptionsTable.js";
import type { UserSettings } from "../../adapters/tables/usersTable.js";

/** What a subscription of each kind listens to (Graph's changeType list). */
export const SUBSCRIPTION_CHANGE_TYPE = "created,updated,deleted";

type Deps = Pick<AppDeps, "config" | "now" | "users" | "subscriptions" | "graph" | "taskLists">;

/** A fresh secret for a new subscription: 48 random bytes → 64 base64url characters (Graph allows ≤ 128). */
export function newClientState(): string {
  return randomBytes(48).toString("base64url");
}

/** The mailbox a stored subscription's resource names (`/users/{mailbox}/…`), for routing Graph calls. */
export function mailboxOfResource(resource: string): string | undefined {
  const m = /^\/?users\/([^/]+)\//i.exec(resource);
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
}

const isNotFound = (e: unknown) => e instanceof AppError && e.code === "not_found";

function toIso(graphDateTime: string, fallback: Date): string {
  try {
    return new Date(graphDateTimeToMs(graphDateTime)).toISOString();
  } catch {
    return fallback.toISOString();
  }
}

async function resourceFor(
  deps: Deps,
  user: UserSettings,
  kind: ResourceKind,
): Promise<{ resource: string; listId?: string }> {
  if (kind === "events") return { resource: `/users/${user.mailbox}/events` };
  const list = await findTaskList(deps, user);
  return { resource: taskSubscriptionResource(user.mailbox, list.id), listId: list.id };
}

/** The resource of a To Do subscription: the tasks of the user's TASK_LIST_NAME list. */
export const taskSubscriptionResource = (mailbox: string, listId: string): string =>
  `/users/${mailbox}/todo/lists/${listId}/tasks`;

/**
 * Creates, renews or recreates the subscription for (user, kind) so that it expires at now + SUBSCRIPTION_LIFETIME_HOURS,
 * and stores it. Decision by planRenewal: no record or expired → create; else PATCH the expiry (404 → create anew).
 * A renewal keeps the clientState, deltaUrl and window; a new subscription gets a new clientState and no deltaUrl
 * (`recreate: true` forces a new one and deletes the old one in Graph, best effort). AuthError → the user's status
 * becomes auth_required and the error is rethrown; other errors propagate (transient ones → retry).
 */
export async function ensureSubscription(
  deps: Deps,
  user: UserSettings,
  kind: ResourceKind,
  opts: { recreate?: boolean } = {},
): Promise<SubscriptionRecord> {
  try {
    return await ensure(deps, user, kind, opts);
  } catch (error) {
    if (error instanceof AuthError) {
      await deps.users.recordStatus(user.userId, {
        status: "auth_required",
        lastError: `subscription (${kind}): ${error.code}: ${error.message}`,
      });
    }
    throw error;
  }
}

async function ensure(
  deps: Deps,
  user: UserSettings,
  kind: ResourceKind,
  opts: { recreate?: boolean },
): Promise<SubscriptionRecord> {
  const stored = await deps.subscriptions.get(user.userId, kind);
  // An admin who changed the user's mailbox wants the new mailbox watched, not the old one renewed.
  const moved =
    stored !== undefined && mailboxOfResource(stored.resource)?.toLowerCase() !== user.mailbox.toLowerCase();
  const now = deps.now();
  const [step] = planRenewal(
    [
      {
        user: user.userId,
        kind,
        subscriptionId: opts.recreate || moved || !stored?.clientState ? undefined : stored.subscriptionId,
        expiresAt: stored?.expiresAt,
      },
    ],
    now,
    deps.config.subscriptionLifetimeHours,
  );
  if (!step) throw new Error("planRenewal returned no step");
  const expirationDateTime = step.newExpiry.toISOString();

  if (stored && step.action === "renew" && step.subscriptionId) {
    try {
      const renewed = await deps.graph.renewSubscription(user.mailbox, step.subscriptionId, expirationDateTime);
      const { etag, ...record } = stored;
      const next: SubscriptionRecord = { ...record, expiresAt: toIso(renewed.expirationDateTime, step.newExpiry) };
      await deps.subscriptions.save(next, etag);
      return next;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // Graph no longer knows it (expired or removed): fall through and create a new one.
    }
  }
  return create(deps, user, kind, stored, expirationDateTime, step.newExpiry);
}

async function create(
  deps: Deps,
  user: UserSettings,
  kind: ResourceKind,
  stored: StoredSubscription | undefined,
  expirationDateTime: string,
  newExpiry: Date,
): Promise<SubscriptionRecord> {
  const { resource, listId } = await resourceFor(deps, user, kind);
  const clientState = newClientState();
  const created = await deps.graph.createSubscription(user.mailbox, {
    changeType: SUBSCRIPTION_CHANGE_TYPE,
    notificationUrl: deps.config.webhookUrl,
    lifecycleNotificationUrl: deps.config.lifecycleWebhookUrl,
    resource,
    expirationDateTime,
    clientState,
  });
  const record: SubscriptionRecord = {
    user: user.userId,
    kind,
    subscriptionId: created.id,
    clientState,
    expiresAt: toIso(created.expirationDateTime, newExpiry),
    resource,
    ...(listId !== undefined ? { listId } : {}),
    // The window stays (it says what was synchronised); the delta cursor is dropped, so the next pull starts afresh.
    ...(stored?.windowStart !== undefined ? { windowStart: stored.windowStart } : {}),
    ...(stored?.windowEnd !== undefined ? { windowEnd: stored.windowEnd } : {}),
    ...(stored?.lastSyncAt !== undefined ? { lastSyncAt: stored.lastSyncAt } : {}),
  };
  try {
    await deps.subscriptions.save(record, stored?.etag);
  } catch (error) {
    // Not stored → nobody would accept its notifications: remove it in Graph rather than leave it running.
    await deps.graph.deleteSubscription(user.mailbox, created.id).catch(() => undefined);
    throw error;
  }
  if (stored?.subscriptionId && stored.subscriptionId !== created.id) {
    // The old one (if Graph still has it) would only post notifications the webhook now rejects: delete it.
    const mailbox = mailboxOfResource(stored.resource) ?? user.mailbox;
    await deps.graph.deleteSubscription(mailbox, stored.subscriptionId).catch(() => undefined);
  }
  return record;
}
