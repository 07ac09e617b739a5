// Admin use case: a user's settings, sync status and per-resource subscription, with the clientState masked.
import type { AppDeps } from "../appDeps.js";
import {
  RESOURCE_KINDS,
  type ResourceKind,
  type SubscriptionRecord,
} from "../../adapters/tables/subscriptionsTable.js";
import type { UserColumnError } from "../../adapters/tables/usersTable.js";
import { failed, succeeded, userNotFound, type AdminOutcome } from "./adminOutcome.js";
import { maskSecret } from "./maskSecret.js";

export interface SubscriptionView {
  subscriptionId: string;
  /** The clientState, masked but for its last 4 characters. */
  state: string | undefined;
  expiresAt: string;
  /** expiresAt is in the past (by the app's clock): notifications have stopped until a refresh or the nightly run. */
  expired: boolean;
  resource: string;
  deltaUrl: string | null;
  listId?: string;
  window: { start: string | null; end: string | null };
  lastSyncAt: string | null;
}

export interface UserStatusView {
  user: string;
  /** false: the row's admin columns are wrong (see lastError and errors); the user is not synchronised. */
  valid: boolean;
  settings: {
    mailbox: string;
    defaultCompany: string | null;
    emails: boolean;
    syncAppointments: boolean;
    appointmentsFromOutlook: boolean;
    syncTasks: boolean;
    tasksFromOutlook: boolean;
  } | null;
  status: string | null;
  lastError: string | null;
  lastSyncAt: string | null;
  grantedScopes: string[];
  /** When the user last signed in (delegated mode), or null. */
  signedInAt: string | null;
  /** Invalid rows: one entry per wrong column. */
  errors?: UserColumnError[];
  subscriptions: Record<ResourceKind, SubscriptionView | null>;
  /**
   * The To Do list named TASK_LIST_NAME as the last task sync, push, poll or refresh found it (List ID), with the
   * list's delta cursor; null when none was found yet or the list is missing (status no_task_list).
   */
  taskList: { listId: string; listName: string; deltaUrl: string | null; lastSyncAt: string | null } | null;
}

export function subscriptionView(record: SubscriptionRecord, now: Date): SubscriptionView {
  const expiresMs = Date.parse(record.expiresAt);
  return {
    subscriptionId: record.subscriptionId,
    state: maskSecret(record.clientState),
    expiresAt: record.expiresAt,
    expired: Number.isFinite(expiresMs) ? expiresMs <= now.getTime() : true,
    resource: record.resource,
    deltaUrl: record.deltaUrl ?? null,
    ...(record.listId !== undefined ? { listId: record.listId } : {}),
    window: { start: record.windowStart ?? null, end: record.windowEnd ?? null },
    lastSyncAt: record.lastSyncAt ?? null,
  };
}

const scopes = (s: string | undefined) => (s ? s.split(/\s+/).filter(Boolean) : []);

/** Unknown user → user_not_found. An invalid row is a valid answer: status "invalid" with the column-naming error. */
export async function getUserStatus(
  deps: Pick<AppDeps, "now" | "users" | "subscriptions" | "taskLists">,
  userId: string,
): Promise<AdminOutcome<UserStatusView>> {
  const [lookup, list, ...records] = await Promise.all([
    deps.users.getUser(userId),
    deps.taskLists.get(userId),
    ...RESOURCE_KINDS.map((kind) => deps.subscriptions.get(userId, kind)),
  ]);
  const taskList = list
    ? {
        listId: list.listId,
        listName: list.listName,
        deltaUrl: list.deltaUrl ?? null,
        lastSyncAt: list.lastSyncAt ?? null,
      }
    : null;
  if (!lookup) return failed(await userNotFound(deps, userId));
  const now = deps.now();
  const subscriptions = Object.fromEntries(
    RESOURCE_KINDS.map((kind, i) => {
      const record = records[i];
      return [kind, record ? subscriptionView(record, now) : null];
    }),
  ) as Record<ResourceKind, SubscriptionView | null>;

  if (!lookup.valid) {
    return succeeded({
      user: lookup.invalid.userId,
      valid: false,
      settings: null,
      status: "invalid",
      lastError: lookup.invalid.lastError,
      lastSyncAt: null,
      grantedScopes: [],
      signedInAt: null,
      errors: lookup.invalid.errors,
      subscriptions,
      taskList,
    });
  }
  const u = lookup.user;
  return succeeded({
    user: u.userId,
    valid: true,
    settings: {
      mailbox: u.mailbox,
      defaultCompany: u.defaultCompany ?? null,
      emails: u.emails,
      syncAppointments: u.syncAppointments,
      appointmentsFromOutlook: u.appointmentsFromOutlook,
      syncTasks: u.syncTasks,
      tasksFromOutlook: u.tasksFromOutlook,
    },
    status: u.status ?? null,
    lastError: u.lastError ?? null,
    lastSyncAt: u.lastSyncAt ?? null,
    grantedScopes: scopes(u.grantedScopes),
    signedInAt: u.signedInAt ?? null,
    subscriptions,
    taskList,
  });
}
