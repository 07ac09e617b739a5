// PULL decisions for any kind whose delta items are whole items: what one Outlook change means for the ERP.
import type { Link } from "./link.js";
import { switchOn, type ErpItem, type OutlookItem, type Switches, type SyncKind } from "./syncKind.js";

/** What one PULL run knows besides the items. */
export interface PullItemContext {
  /** ERP user id. */
  user: string;
  /** The user's default company: the kco of items created in Outlook. */
  company: string;
  /** The user's links of this kind, by Outlook id. */
  links: ReadonlyMap<string, Link>;
  switches: Switches;
  now: Date;
}

/** What the pull needs of a kind besides its domain contract. */
export interface PullRules<O extends OutlookItem, D> {
  /** The erp-inbound `data` for an Outlook item. */
  inboundData(item: O): D;
  /** Our ERP key carried by the item (null: none; undefined: not read, e.g. a delta item without linkedResources). */
  erpKeyOf(item: O): { kco: string; hsaRef: string } | null | undefined;
}

/** A change of the item in Outlook, or its removal (@removed: deleted, or moved out of what is read). */
export type PulledChange<O> = { removed: false; item: O } | { removed: true; id: string };

export type PullItemDecision<D> =
  /** Send to the ERP; `link` is saved after sending (a DELETE's link is tombstoned BEFORE sending). */
  | {
      type: "inbound";
      op: "CREATE" | "UPDATE" | "DELETE";
      outlookId: string;
      kco: string;
      hsaRef: string | null;
      data?: D;
      link: { op: "upsert" | "tombstone"; link: Link };
    }
  /** Read the item whole (with what tells whether it is ours), then decide again. */
  | { type: "fetch"; outlookId: string }
  /** A linked item reported removed: GET it, then decideRemovedItem with the answer (undefined for 404). */
  | { type: "confirmRemoval"; outlookId: string }
  /** The item carries our ERP key but has no link (our create raced its link save): record it, send nothing. */
  | { type: "relink"; outlookId: string; link: Link }
  | {
      type: "skip";
      outlookId: string;
      reason: "switchOff" | "echo" | "unlinkedRemoval" | "tombstoned" | "recreating";
      detail?: string;
    };

/**
 * Rules: the kind's pull switch off → nothing. Removed: linked → confirm with a GET; unlinked → nothing. Linked:
 * a tombstone → nothing; fingerprint equal to the link's → echo (our own write, or a change already sent); else
 * UPDATE (CREATE again while the ERP has not answered the first). Unlinked: our ERP key not known → fetch; carrying
 * our key → relink; else CREATE in the default company with a pending link (hsaRef null).
 */
export function decidePulledItem<E extends ErpItem, O extends OutlookItem, D>(
  kind: SyncKind<E, O, unknown>,
  rules: PullRules<O, D>,
  ctx: PullItemContext,
  change: PulledChange<O>,
): PullItemDecision<D> {
  const outlookId = change.removed ? change.id : change.item.id;
  if (!switchOn(ctx.switches, kind.switches.pull)) return { type: "skip", outlookId, reason: "switchOff" };
  const link = ctx.links.get(outlookId);
  if (change.removed) {
    return link ? { type: "confirmRemoval", outlookId } : { type: "skip", outlookId, reason: "unlinkedRemoval" };
  }
  const item = change.item;
  const fingerprint = kind.outlookFingerprint(item);
  const synced = (base: Link): Link => ({
    ...base,
    erpFingerprint: fingerprint,
    outlookFingerprint: fingerprint,
    outlookChangeKey: item.changeKey ?? base.outlookChangeKey,
    lastSyncedAt: ctx.now,
  });
  if (link) {
    if (link.state === "outlookDeleted") return { type: "skip", outlookId, reason: "tombstoned" };
    if (fingerprint === link.outlookFingerprint) return { type: "skip", outlookId, reason: "echo" };
    return {
      type: "inbound",
      op: link.hsaRef === null ? "CREATE" : "UPDATE",
      outlookId,
      kco: link.kco,
      hsaRef: link.hsaRef,
      data: rules.inboundData(item),
      link: { op: "upsert", link: synced(link) },
    };
  }
  const ours = rules.erpKeyOf(item);
  if (ours === undefined) return { type: "fetch", outlookId };
  const fresh = (kco: string, hsaRef: string | null): Link => ({
    ...(kind.name === "appointment" ? {} : { kind: kind.name }),
    user: ctx.user,
    kco,
    hsaRef,
    outlookId,
    erpFingerprint: fingerprint,
    outlookFingerprint: fingerprint,
    outlookChangeKey: item.changeKey ?? "",
    lastSyncedAt: ctx.now,
  });
  if (ours) return { type: "relink", outlookId, link: fresh(ours.kco, ours.hsaRef) };
  return {
    type: "inbound",
    op: "CREATE",
    outlookId,
    kco: ctx.company,
    hsaRef: null,
    data: rules.inboundData(item),
    link: { op: "upsert", link: fresh(ctx.company, null) },
  };
}

/**
 * Second step of a confirmRemoval: `fetched` is the item as GET returns it now (undefined for 404, i.e. deleted or
 * no longer in what is read). Gone → DELETE (the link becomes a tombstone first), unless the push side is
 * re-creating it (its ERP change won); still there → decided like any change.
 */
export function decideRemovedItem<E extends ErpItem, O extends OutlookItem, D>(
  kind: SyncKind<E, O, unknown>,
  rules: PullRules<O, D>,
  ctx: PullItemContext,
  outlookId: string,
  fetched: O | undefined,
): PullItemDecision<D> {
  if (!switchOn(ctx.switches, kind.switches.pull)) return { type: "skip", outlookId, reason: "switchOff" };
  const link = ctx.links.get(outlookId);
  if (!link) return { type: "skip", outlookId, reason: "unlinkedRemoval" };
  if (fetched && !kind.isGone(fetched)) return decidePulledItem(kind, rules, ctx, { removed: false, item: fetched });
  if (link.state === "recreating") return { type: "skip", outlookId, reason: "recreating" };
  if (link.state === "outlookDeleted") return { type: "skip", outlookId, reason: "tombstoned" };
  return {
    type: "inbound",
    op: "DELETE",
    outlookId,
    kco: link.kco,
    hsaRef: link.hsaRef,
    link: { op: "tombstone", link },
  };
}
