// Decides which change notifications posted to the webhook are genuine and groups them into one pull per subscription.
import { createHash } from "node:crypto";
import { secretsEqual } from "./secretsEqual.js";

export interface IncomingNotification {
  id?: string | undefined;
  subscriptionId: string;
  clientState?: string | null | undefined;
  changeType?: string | undefined;
  lifecycleEvent?: string | undefined;
  resource?: string | undefined;
  resourceData?: { id?: string | undefined; "@odata.etag"?: string | undefined } | undefined;
}

export interface KnownSubscription {
  user: string;
  kind: "events" | "todoTasks";
  clientState: string;
}

export interface AcceptedGroup {
  subscriptionId: string;
  user: string;
  kind: "events" | "todoTasks";
  /** Deterministic key of this group's content: an identical re-post by Graph yields the same key, so Service Bus
   * duplicate detection drops it. */
  idempotencyKey: string;
  changes: number;
}

export interface Rejected {
  subscriptionId: string;
  reason: "unknownSubscription" | "clientStateMismatch";
}

export interface ScreenResult {
  accepted: AcceptedGroup[];
  rejected: Rejected[];
}

function changeKey(n: IncomingNotification): string {
  return [
    n.id ?? "",
    n.changeType ?? n.lifecycleEvent ?? "",
    n.resourceData?.id ?? n.resource ?? "",
    n.resourceData?.["@odata.etag"] ?? "",
  ].join("|");
}

/** Pure: `subscriptions` holds the point-read result for each subscription ID in the post (undefined = not ours). */
export function screenNotifications(
  notifications: IncomingNotification[],
  subscriptions: ReadonlyMap<string, KnownSubscription | undefined>,
): ScreenResult {
  const groups = new Map<string, { sub: KnownSubscription; keys: string[] }>();
  const rejected: Rejected[] = [];
  for (const n of notifications) {
    const sub = subscriptions.get(n.subscriptionId);
    if (!sub) {
      rejected.push({ subscriptionId: n.subscriptionId, reason: "unknownSubscription" });
      continue;
    }
    if (!secretsEqual(n.clientState, sub.clientState)) {
      rejected.push({ subscriptionId: n.subscriptionId, reason: "clientStateMismatch" });
      continue;
    }
    const group = groups.get(n.subscriptionId) ?? { sub, keys: [] };
    group.keys.push(changeKey(n));
    groups.set(n.subscriptionId, group);
  }
  const accepted = [...groups.entries()].map(([subscriptionId, { sub, keys }]) => ({
    subscriptionId,
    user: sub.user,
    kind: sub.kind,
    changes: keys.length,
    idempotencyKey: createHash("sha256")
      .update(subscriptionId + "\n" + [...keys].sort().join("\n"))
      .digest("hex")
      .slice(0, 64),
  }));
  return { accepted, rejected };
}
