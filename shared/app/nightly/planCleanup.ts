// Pure decision for the nightly clean-up: which stored Graph subscriptions no user needs any more.
import type { ResourceKind } from "../../adapters/tables/subscriptionsTable.js";
import type { UserSettings } from "../../adapters/tables/usersTable.js";
import { normalizeUserId } from "../../adapters/tables/keys.js";
import { needsSubscription } from "../subscriptions/handleLifecycle.js";

/** What the plan needs of a stored subscription (never its clientState). */
export interface SubscriptionRef {
  user: string;
  kind: ResourceKind;
  subscriptionId: string;
}

export type RemovalReason = "unknownUser" | "switchedOff";

export interface CleanupPlan {
  /** Subscriptions to delete (in Graph and in the table), in the order listed. */
  remove: (SubscriptionRef & { reason: RemovalReason })[];
  /** Subscriptions of a user whose Users row is invalid: kept (the admin may be mid-edit; the row shows the error). */
  keptForInvalid: SubscriptionRef[];
  /** Subscriptions a valid user still needs. */
  kept: number;
}

/** The form subscriptions are stored under (trimmed, upper-case); the raw id when it cannot be a key at all. */
function keyOf(userId: string): string {
  try {
    return normalizeUserId(userId);
  } catch {
    return userId;
  }
}

/**
 * Per stored subscription: the user's Users row is valid and one of its switches needs this kind → keep; the row is
 * invalid → keep (reported apart); the row is valid but no switch needs this kind → remove ("switchedOff"); there is
 * no row → remove ("unknownUser"). Users are matched case-insensitively, as every table keys them.
 */
export function planCleanup(
  subscriptions: readonly SubscriptionRef[],
  users: { valid: readonly UserSettings[]; invalid: readonly { userId: string }[] },
): CleanupPlan {
  const valid = new Map(users.valid.map((u) => [keyOf(u.userId), u]));
  const invalid = new Set(users.invalid.map((u) => keyOf(u.userId)));
  const plan: CleanupPlan = { remove: [], keptForInvalid: [], kept: 0 };
  for (const s of subscriptions) {
    const ref: SubscriptionRef = { user: s.user, kind: s.kind, subscriptionId: s.subscriptionId };
    const key = keyOf(s.user);
    const user = valid.get(key);
    if (user) {
      if (needsSubscription(user, s.kind)) plan.kept++;
      else plan.remove.push({ ...ref, reason: "switchedOff" });
    } else if (invalid.has(key)) plan.keptForInvalid.push(ref);
    else plan.remove.push({ ...ref, reason: "unknownUser" });
  }
  return plan;
}
