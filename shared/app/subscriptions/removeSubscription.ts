// Use case: delete a user's subscription for a resource kind in Graph (already gone is fine) and then in the table.
import type { AppDeps } from "../appDeps.js";
import type { ResourceKind } from "../../adapters/tables/subscriptionsTable.js";
import { mailboxOfResource } from "./ensureSubscription.js";

type Deps = Pick<AppDeps, "users" | "subscriptions" | "graph">;

/**
 * DELETE /subscriptions/{id} (404 = already gone), then the table row and its index row. A Graph failure other than
 * 404 propagates and leaves the row, so a retry still knows which subscription to delete.
 */
export async function removeSubscription(
  deps: Deps,
  userId: string,
  kind: ResourceKind,
): Promise<{ removedInGraph: boolean; removedInTable: boolean }> {
  const stored = await deps.subscriptions.get(userId, kind);
  if (!stored) return { removedInGraph: false, removedInTable: false };
  let removedInGraph = false;
  if (stored.subscriptionId) {
    const mailbox = mailboxOfResource(stored.resource) ?? userId;
    removedInGraph = (await deps.graph.deleteSubscription(mailbox, stored.subscriptionId)).deleted;
  }
  const removed = await deps.subscriptions.remove(userId, kind);
  return { removedInGraph, removedInTable: removed !== undefined };
}
