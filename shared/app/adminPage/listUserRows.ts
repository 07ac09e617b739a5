// Admin page use case: every Users row (valid or not) with its subscriptions and health, for the users list.
import type { AppDeps } from "../appDeps.js";
import { RESOURCE_KINDS, type ResourceKind } from "../../adapters/tables/subscriptionsTable.js";
import { subscriptionView, type SubscriptionView } from "../admin/getUserStatus.js";
import { signInView, type SignInView } from "./signInView.js";
import { userHealth, type Health } from "./userHealth.js";

export interface UserRow {
  user: string;
  mailbox: string | undefined;
  valid: boolean;
  switches:
    | Record<"emails" | "syncAppointments" | "appointmentsFromOutlook" | "syncTasks" | "tasksFromOutlook", boolean>
    | undefined;
  status: string | undefined;
  lastError: string | undefined;
  lastSyncAt: string | undefined;
  grantedScopes: string | undefined;
  /** Sign-in state (delegated mode: with the link to auth/signin?user=…). */
  signIn: SignInView;
  subscriptions: Record<ResourceKind, SubscriptionView | undefined>;
  health: Health;
}

const scopes = (s: string | undefined) => (s ? s.split(/\s+/).filter(Boolean) : []);

/** `signInLinkFor` in delegated mode only: the page then shows a "Sign in" link per user. */
export async function listUserRows(
  deps: Pick<AppDeps, "now" | "users" | "subscriptions">,
  signInLinkFor?: (user: string) => string,
): Promise<UserRow[]> {
  const { valid, invalid } = await deps.users.listUsers();
  const now = deps.now();
  const subsOf = async (user: string) => {
    const records = await Promise.all(RESOURCE_KINDS.map((k) => deps.subscriptions.get(user, k)));
    return Object.fromEntries(
      RESOURCE_KINDS.map((k, i) => [k, records[i] ? subscriptionView(records[i]!, now) : undefined]),
    ) as Record<ResourceKind, SubscriptionView | undefined>;
  };
  const rows: UserRow[] = [];
  for (const u of valid) {
    const subscriptions = await subsOf(u.userId);
    rows.push({
      user: u.userId,
      mailbox: u.mailbox,
      valid: true,
      switches: {
        emails: u.emails,
        syncAppointments: u.syncAppointments,
        appointmentsFromOutlook: u.appointmentsFromOutlook,
        syncTasks: u.syncTasks,
        tasksFromOutlook: u.tasksFromOutlook,
      },
      status: u.status,
      lastError: u.lastError,
      lastSyncAt: u.lastSyncAt,
      grantedScopes: u.grantedScopes,
      signIn: signInView({ ...u, grantedScopes: scopes(u.grantedScopes) }, signInLinkFor, u.userId),
      subscriptions,
      health: userHealth({ ...u, valid: true, events: subscriptions.events, todoTasks: subscriptions.todoTasks }),
    });
  }
  for (const u of invalid) {
    rows.push({
      user: u.userId,
      mailbox: undefined,
      valid: false,
      switches: undefined,
      status: "invalid",
      lastError: u.lastError,
      lastSyncAt: undefined,
      grantedScopes: undefined,
      signIn: signInView(
        { status: "invalid", lastError: u.lastError, grantedScopes: [], signedInAt: undefined },
        undefined,
        u.userId,
      ),
      subscriptions: await subsOf(u.userId),
      health: userHealth({
        valid: false,
        status: "invalid",
        lastError: u.lastError,
        syncAppointments: false,
        syncTasks: false,
        grantedScopes: undefined,
        events: undefined,
        todoTasks: undefined,
      }),
    });
  }
  return rows.sort((a, b) => a.user.localeCompare(b.user));
}
