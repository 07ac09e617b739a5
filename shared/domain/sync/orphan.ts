// Drift repair for an Outlook item carrying our ERP key without a live link of its own (any kind).
import type { ConflictRule } from "./conflictRule.js";
import type { Link } from "./link.js";

export type OrphanAction = "relink" | "deleteEvent";

/**
 * An Outlook item carrying our ERP key whose Outlook id has no live link. `keyLink` is the link stored for that ERP
 * key now. Its tombstone (the ERP was sent DELETE) or a live link to another item (a duplicate) → the item is an
 * orphan: delete it, never send the ERP anything for it. A re-create in progress → relink (it is that re-create's
 * item). No link at all: in a delta read our own create may be racing its link save → relink; in a full resync the
 * conflict rule decides (outlook-wins: Outlook keeps none → delete; otherwise relink, and the ERP's RESYNC push
 * refreshes it).
 */
export function decideOrphan(
  keyLink: Pick<Link, "outlookId" | "state"> | undefined,
  outlookId: string,
  rule: ConflictRule,
  fullResync: boolean,
): OrphanAction {
  if (!keyLink) return fullResync && rule === "outlook-wins" ? "deleteEvent" : "relink";
  if (keyLink.state === "outlookDeleted") return "deleteEvent";
  if (keyLink.state === "recreating") return "relink";
  return keyLink.outlookId === outlookId ? "relink" : "deleteEvent";
}
