// PULL decisions for any kind: what one Outlook change (whole item, partial delta item, or removal) means for the ERP.
import { AppError } from "../errors.js";
import { kindField, type Link } from "./link.js";
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

/** An ERP key as an Outlook item carries it (our extended property, our linked resource). */
export interface ErpKeyRef {
  kco: string;
  hsaRef: string;
}

/**
 * A change of the item in Outlook: the item read whole, only what a delta item carried (`partial`: a delta update
 * may carry only the changed properties), or its removal (@removed: deleted, or moved out of what is read).
 */
export type PulledChange<O, P = never> =
  { removed: false; item: O } | { removed: false; partial: P & { id: string } } | { removed: true; id: string };

/**
 * What the pull needs of a kind besides its domain contract. `P`: what a partial delta item tells (fields present).
 * The optional judgements see a whole item or a partial one; on a partial one they answer only what it carries.
 */
export interface PullRules<O extends OutlookItem, D, P = never> {
  /** The erp-inbound `data` for an Outlook item. */
  inboundData(item: O): D;
  /** Our ERP key carried by the item (null: none; undefined: not read, e.g. a delta item without linkedResources). */
  erpKeyOf(item: O): ErpKeyRef | null | undefined;
  /**
   * A raw item (of a delta page, or read whole with GET when `whole`) as a change; malformed → AppError naming the
   * item and field. Needed by decidePulledPage / decideFetched only.
   */
  read?(raw: unknown, whole: boolean): PulledChange<O, P>;
  /** Gone although it still exists (a cancelled event). Default: the kind's isGone, on a whole item only. */
  isGone?(seen: O | P): boolean;
  /** Known to be outside what is synced (events: the window). Default: never. */
  outOfScope?(seen: O | P): boolean;
  /**
   * The category gate: the ERP action type of company `kco` the item maps to (null: none matches; undefined: not
   * known from a partial item). Without it every item passes, with no action type.
   */
  actionTypeOf?(seen: O | P, kco: string): string | null | undefined;
}

export type PullSkipReason =
  | "switchOff"
  | "echo"
  | "outsideWindow"
  | "movedOutOfWindow"
  | "noMatchingCategory"
  | "unlinkedRemoval"
  | "cancelled"
  | "invalid"
  /** The link is a tombstone: the ERP was sent DELETE; nothing else goes to it for this item. */
  | "tombstoned"
  /** The push side is re-creating this deleted item (its ERP change won): no DELETE to the ERP. */
  | "recreating";

export type PullItemDecision<D> =
  /** Send to the ERP; `link` is saved after sending (a DELETE's link is tombstoned BEFORE sending). */
  | {
      type: "inbound";
      op: "CREATE" | "UPDATE" | "DELETE";
      outlookId: string;
      kco: string;
      /** null for an item created in Outlook (CREATE) or still awaiting the ERP's answer. */
      hsaRef: string | null;
      /** The action type the category gate matched; null when none did (UPDATE: keep the ERP's) or without a gate. */
      actionType: string | null;
      /** CREATE/UPDATE only. */
      data?: D;
      link: { op: "upsert" | "tombstone"; link: Link };
    }
  /** Read the item whole (with what tells whether it is ours), then decide again. */
  | { type: "fetch"; outlookId: string; reason: "partial" | "erpKeyUnknown" }
  /** A linked item reported removed: GET it, then decideRemovedItem with the answer (undefined for 404). */
  | { type: "confirmRemoval"; outlookId: string }
  /** The item carries our ERP key but has no link (our create raced its link save): record it, send nothing. */
  | { type: "relink"; outlookId: string; link: Link }
  | { type: "skip"; outlookId: string; reason: PullSkipReason; detail?: string };

type Kind<O extends OutlookItem> = SyncKind<ErpItem, O, unknown>;

const idOf = <O extends OutlookItem, P>(change: PulledChange<O, P>): string =>
  change.removed ? change.id : "item" in change ? change.item.id : change.partial.id;

const deleteOf = <D>(link: Link): PullItemDecision<D> => ({
  type: "inbound",
  op: "DELETE",
  outlookId: link.outlookId,
  kco: link.kco,
  hsaRef: link.hsaRef,
  actionType: null,
  link: { op: "tombstone", link },
});

/**
 * Rules: the kind's pull switch off → nothing. Removed: linked → confirm with a GET; unlinked → nothing.
 * Linked: gone (cancelled) → DELETE (tombstone first); a tombstone → nothing; outside the scope → nothing; partial →
 * read whole; fingerprint equal to the link's → echo (our own write, or a change already sent); else UPDATE (CREATE
 * again while the ERP has not answered the first, unless the gate now refuses it). Unlinked: gone or outside the
 * scope → nothing; carrying our ERP key → relink; refused by the category gate → nothing; partial → read whole; our
 * key not known → read whole; else CREATE in the default company with a pending link (hsaRef null).
 */
export function decidePulledItem<O extends OutlookItem, D, P = never>(
  kind: Kind<O>,
  rules: PullRules<O, D, P>,
  ctx: PullItemContext,
  change: PulledChange<O, P>,
): PullItemDecision<D> {
  const outlookId = idOf(change);
  if (!switchOn(ctx.switches, kind.switches.pull)) return { type: "skip", outlookId, reason: "switchOff" };
  const link = ctx.links.get(outlookId);
  if (change.removed) {
    return link ? { type: "confirmRemoval", outlookId } : { type: "skip", outlookId, reason: "unlinkedRemoval" };
  }
  const item = "item" in change ? change.item : undefined;
  const seen: O | P = "item" in change ? change.item : change.partial;
  const gone = rules.isGone ? rules.isGone(seen) : item !== undefined && kind.isGone(item);
  const outside = rules.outOfScope?.(seen) === true;
  if (link) {
    if (gone) return deleteOf(link);
    if (link.state === "outlookDeleted") return { type: "skip", outlookId, reason: "tombstoned" };
    if (outside) return { type: "skip", outlookId, reason: "outsideWindow" };
    if (!item) return { type: "fetch", outlookId, reason: "partial" };
    return decideLinked(kind, rules, ctx, link, item);
  }
  if (gone) return { type: "skip", outlookId, reason: "cancelled" };
  if (outside) return { type: "skip", outlookId, reason: "outsideWindow" };
  const ours = item ? rules.erpKeyOf(item) : undefined;
  if (item && ours) return { type: "relink", outlookId, link: freshLink(kind, ctx, item, ours.kco, ours.hsaRef) };
  const actionType = rules.actionTypeOf?.(seen, ctx.company);
  if (actionType === null) return { type: "skip", outlookId, reason: "noMatchingCategory" };
  if (!item) return { type: "fetch", outlookId, reason: "partial" };
  if (ours === undefined) return { type: "fetch", outlookId, reason: "erpKeyUnknown" };
  return {
    type: "inbound",
    op: "CREATE",
    outlookId,
    kco: ctx.company,
    hsaRef: null,
    actionType: actionType ?? null,
    data: rules.inboundData(item),
    link: { op: "upsert", link: freshLink(kind, ctx, item, ctx.company, null) },
  };
}

function decideLinked<O extends OutlookItem, D, P>(
  kind: Kind<O>,
  rules: PullRules<O, D, P>,
  ctx: PullItemContext,
  link: Link,
  item: O,
): PullItemDecision<D> {
  const outlookId = item.id;
  const fingerprint = kind.outlookFingerprint(item);
  if (fingerprint === link.outlookFingerprint) return { type: "skip", outlookId, reason: "echo" };
  const actionType = rules.actionTypeOf?.(item, link.kco) ?? null;
  if (link.hsaRef === null && rules.actionTypeOf && actionType === null) {
    return { type: "skip", outlookId, reason: "noMatchingCategory", detail: "awaiting the ERP's answer to CREATE" };
  }
  // The ERP will store what we send, so the link expects the ERP's echo to carry the same content: both
  // fingerprints become the Outlook one (fingerprints are equal across sides for equal content).
  const synced: Link = {
    ...link,
    erpFingerprint: fingerprint,
    outlookFingerprint: fingerprint,
    outlookChangeKey: item.changeKey ?? link.outlookChangeKey,
    lastSyncedAt: ctx.now,
  };
  return {
    type: "inbound",
    op: link.hsaRef === null ? "CREATE" : "UPDATE",
    outlookId,
    kco: link.kco,
    hsaRef: link.hsaRef,
    actionType,
    data: rules.inboundData(item),
    link: { op: "upsert", link: synced },
  };
}

/** A new link of the item (relinked with our key, or pending with hsaRef null): both fingerprints Outlook's. */
function freshLink<O extends OutlookItem>(
  kind: Kind<O>,
  ctx: PullItemContext,
  item: O,
  kco: string,
  hsaRef: string | null,
): Link {
  const fingerprint = kind.outlookFingerprint(item);
  return {
    ...kindField(kind.name),
    user: ctx.user,
    kco,
    hsaRef,
    outlookId: item.id,
    erpFingerprint: fingerprint,
    outlookFingerprint: fingerprint,
    outlookChangeKey: item.changeKey ?? "",
    lastSyncedAt: ctx.now,
  };
}

/**
 * Second step of a confirmRemoval: `fetched` is the item as GET returns it now (undefined for 404, i.e. deleted or
 * no longer in what is read). Gone (or cancelled) → DELETE, the link becoming a tombstone first — also for a
 * tombstone already there: the same DELETE again, which duplicate detection drops (so a crash between the tombstone
 * and the send loses nothing) — unless the push side is re-creating it (its ERP change won). Still there → decided
 * like any change; still there but outside the scope → nothing (moved out, NOT deleted).
 */
export function decideRemovedItem<O extends OutlookItem, D, P = never>(
  kind: Kind<O>,
  rules: PullRules<O, D, P>,
  ctx: PullItemContext,
  outlookId: string,
  fetched: O | undefined,
): PullItemDecision<D> {
  if (!switchOn(ctx.switches, kind.switches.pull)) return { type: "skip", outlookId, reason: "switchOff" };
  const link = ctx.links.get(outlookId);
  if (!link) return { type: "skip", outlookId, reason: "unlinkedRemoval" };
  const gone = !fetched || (rules.isGone ? rules.isGone(fetched) : kind.isGone(fetched));
  if (gone) return link.state === "recreating" ? { type: "skip", outlookId, reason: "recreating" } : deleteOf(link);
  const decision = decidePulledItem(kind, rules, ctx, { removed: false, item: fetched });
  if (decision.type === "skip" && decision.reason === "outsideWindow") {
    return { type: "skip", outlookId, reason: "movedOutOfWindow" };
  }
  return decision;
}

/** Pull rules that read raw items themselves (what decidePulledPage and decideFetchedRemoval need). */
export type PullReader<O extends OutlookItem, D, P = never> = PullRules<O, D, P> &
  Required<Pick<PullRules<O, D, P>, "read">>;

const rawIdOf = (raw: unknown): string | undefined => {
  const id = raw && typeof raw === "object" ? (raw as { id?: unknown }).id : undefined;
  return typeof id === "string" ? id : undefined;
};

/** The kind's reading of a raw item; a malformed one → skip "invalid" naming the problem. */
function readRaw<O extends OutlookItem, D, P>(
  rules: PullReader<O, D, P>,
  raw: unknown,
  whole: boolean,
): PulledChange<O, P> | PullItemDecision<D> {
  try {
    return rules.read(raw, whole);
  } catch (error) {
    const detail = error instanceof AppError ? error.message : String(error);
    return { type: "skip", outlookId: rawIdOf(raw) ?? "", reason: "invalid", detail };
  }
}

const isDecision = <O, P, D>(x: PulledChange<O, P> | PullItemDecision<D>): x is PullItemDecision<D> => "type" in x;

/**
 * Decides every raw item of one delta read (or items read whole with GET: `whole`). Repeated ids keep only their last
 * occurrence (Graph may return an item more than once; the last is current); the decisions follow the items' order.
 */
export function decidePulledPage<O extends OutlookItem, D, P = never>(
  kind: Kind<O>,
  rules: PullReader<O, D, P>,
  ctx: PullItemContext,
  items: readonly unknown[],
  whole = false,
): PullItemDecision<D>[] {
  const last = new Map<string, number>();
  items.forEach((raw, index) => {
    const id = rawIdOf(raw);
    if (id !== undefined) last.set(id, index);
  });
  return items.flatMap((raw, index) => {
    const id = rawIdOf(raw);
    if (id !== undefined && last.get(id) !== index) return [];
    const change = readRaw(rules, raw, whole);
    return [isDecision(change) ? change : decidePulledItem(kind, rules, ctx, change)];
  });
}

/** decideRemovedItem with the raw GET answer (undefined or null for 404); a malformed answer → skip "invalid". */
export function decideFetchedRemoval<O extends OutlookItem, D, P = never>(
  kind: Kind<O>,
  rules: PullReader<O, D, P>,
  ctx: PullItemContext,
  outlookId: string,
  fetched: unknown,
): PullItemDecision<D> {
  if (
    fetched === undefined ||
    fetched === null ||
    !switchOn(ctx.switches, kind.switches.pull) ||
    !ctx.links.has(outlookId)
  ) {
    return decideRemovedItem(kind, rules, ctx, outlookId, undefined);
  }
  const change = readRaw(rules, fetched, true);
  if (isDecision(change)) return change;
  if (change.removed || !("item" in change)) {
    return { type: "skip", outlookId, reason: "invalid", detail: "the item read whole is not a whole item" };
  }
  return decideRemovedItem(kind, rules, ctx, outlookId, change.item);
}
