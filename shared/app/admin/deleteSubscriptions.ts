// Admin use case: delete a user's subscription(s) in Graph and in the table (one kind, or both).
import type { AppDeps } from "../appDeps.js";
import { removeSubscription } from "../subscriptions/removeSubscription.js";
import { RESOURCE_KINDS, type ResourceKind } from "../../adapters/tables/subscriptionsTable.js";
import type { Logger } from "../dispatchMessage.js";
import { failed, graphFailure, succeeded, type AdminOutcome } from "./adminOutcome.js";

export interface DeleteSubscriptionsResult {
  user: string;
  removed: Partial<Record<ResourceKind, { removedInGraph: boolean; removedInTable: boolean }>>;
}

/**
 * Unknown user (no Users row) → user_not_found. An invalid row is still a known user: its subscriptions can be
 * removed. A Graph failure stops at that kind and leaves its row, so pressing delete again retries it.
 */
export async function deleteSubscriptions(
  deps: Pick<AppDeps, "users" | "subscriptions" | "graph">,
  userId: string,
  kind: ResourceKind | undefined,
  options: { log: Logger },
): Promise<AdminOutcome<DeleteSubscriptionsResult>> {
  const lookup = await deps.users.getUser(userId);
  if (!lookup)
    return failed({ kind: "user_not_found", user: userId, reason: `no row for ${userId} in the Users table` });
  const removed: DeleteSubscriptionsResult["removed"] = {};
  for (const k of kind ? [kind] : RESOURCE_KINDS) {
    try {
      removed[k] = await removeSubscription(deps, userId, k);
    } catch (error) {
      // A 404 here means the subscription is gone, which removeSubscription already treats as success.
      const failure = await graphFailure(deps, userId, `deleting the ${k} subscription`, error, {
        notFoundIsMailbox: false,
      });
      options.log.warn(`admin delete ${userId}: ${k} failed: ${failure.reason}`);
      return failed(failure);
    }
    const r = removed[k];
    options.log.log(
      `admin delete ${userId}: ${k} removedInGraph=${r?.removedInGraph} removedInTable=${r?.removedInTable}`,
    );
  }
  return succeeded({ user: userId, removed });
}
