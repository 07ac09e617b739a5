// PULL decisions: what each calendarView delta item means for the ERP (create, update, delete, or nothing).
import { outlookEventFingerprint } from "../fingerprint.js";
import { AppError } from "../errors.js";
import { overlapsWindow, type SyncWindow } from "../window.js";
import { inboundDataFromEvent } from "./erpAppointment.js";
import { parseErpKey } from "./erpKey.js";
import { parseDeltaItem, type PartialEvent } from "./graphEvent.js";
import type { ActionType, InboundAppointmentData, Link, OutlookEvent, UserSwitches } from "./types.js";

/** What one PULL run knows besides the items. */
export interface PullContext {
  /** ERP user id. */
  user: string;
  /** The user's default company (kco of new Outlook items; its action types are matched). */
  company: string;
  /** The user's links, by Outlook event id. */
  links: ReadonlyMap<string, Link>;
  /** Action types (any company; only those of `company` are matched). */
  actionTypes: readonly ActionType[];
  switches: UserSwitches;
  window: SyncWindow;
  now: Date;
}

export interface PullInput extends PullContext {
  /** Items of `value` of calendarView/delta pages, as Graph sent them, in order (or events read with GET). */
  items: readonly unknown[];
  /**
   * true when the items are whole events read with GET and `$expand` of our extended property (ERP_KEY_EXPAND):
   * absent fields then mean empty, and an absent property means "not ours".
   */
  fullRead?: boolean;
}

/** How the Links table changes once the decision's effect is done ("send everything, then save the links"). */
export type LinkChange =
  | { op: "keep" }
  | { op: "upsert"; link: Link }
  | { op: "remove"; outlookId: string }
  /** Deleted in Outlook: the link becomes a tombstone (ETag-conditional) BEFORE the DELETE goes to the ERP. */
  | { op: "tombstone"; link: Link };

export type PullSkipReason =
  | "switchOff"
  | "echo"
  | "outsideWindow"
  | "movedOutOfWindow"
  | "noMatchingCategory"
  | "unlinkedRemoval"
  | "cancelled"
  | "invalid"
  /** The link is a tombstone: the ERP was sent DELETE; nothing else goes to it for this event. */
  | "tombstoned"
  /** The push side is re-creating this deleted event (its ERP change won): no DELETE to the ERP. */
  | "recreating";

export type PullDecision =
  | {
      type: "inbound";
      op: "CREATE" | "UPDATE" | "DELETE";
      outlookId: string;
      kco: string;
      /** null for an item created in Outlook (CREATE) or still awaiting the ERP's answer. */
      hsaRef: string | null;
      /** ERP action type code from the first category; null when it matches none (UPDATE: keep the ERP's). */
      actionType: string | null;
      /** CREATE/UPDATE only. */
      data?: InboundAppointmentData;
      link: LinkChange;
    }
  /** Read the whole event (GET with `$expand=` ERP_KEY_EXPAND), then decide again with `fullRead: true`. */
  | { type: "fetch"; outlookId: string; reason: "partial" | "erpKeyUnknown" }
  /** A linked event was reported @removed: GET it, then call `decideRemoval` with the answer (null for 404). */
  | { type: "confirmRemoval"; outlookId: string }
  /** The event carries our ERP key but has no link (e.g. our create raced the link save): record it, send nothing. */
  | { type: "relink"; outlookId: string; link: LinkChange }
  | { type: "skip"; outlookId: string; reason: PullSkipReason; detail?: string };

/** Whether an item must be read whole before a decision (a delta update may carry only the changed properties). */
export function needsFullRead(item: unknown): boolean {
  try {
    const parsed = parseDeltaItem(item);
    return parsed.kind === "event" && parsed.event === undefined;
  } catch {
    return false;
  }
}

/** The action type of `company` whose description equals the first category (trimmed, case-insensitive). */
export function matchActionType(
  categories: readonly string[],
  actionTypes: readonly ActionType[],
  company: string,
): ActionType | undefined {
  const first = categories[0]?.trim().toLowerCase();
  if (!first) return undefined;
  return [...actionTypes]
    .filter((t) => t.company === company && t.description.trim().toLowerCase() === first)
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))[0];
}

/**
 * Decides every item of one delta read. Repeated ids keep only their last occurrence (Graph may return an item more
 * than once; the last is current). Order of the remaining decisions follows the items.
 *
 * Rules: switch `appointmentsFromOutlook` off → nothing. Linked: cancelled → DELETE; tombstone → nothing;
 * outside the window → nothing;
 * fingerprint equal to the link's → echo; else UPDATE (CREATE again while the ERP has not answered the first).
 * Unlinked: cancelled, outside the window, or first category matching no action type of the default company →
 * nothing; carrying our ERP key → relink; else CREATE with that action type's code. @removed + linked →
 * confirmRemoval (a move out of the window is reported as removed too); @removed + unlinked → nothing.
 * Incomplete items, and would-be CREATEs whose extended property is unknown, → fetch.
 */
export function decidePull(input: PullInput): PullDecision[] {
  const last = new Map<string, number>();
  input.items.forEach((item, index) => {
    const id = item && typeof item === "object" ? (item as { id?: unknown }).id : undefined;
    if (typeof id === "string") last.set(id, index);
  });
  const decisions: PullDecision[] = [];
  input.items.forEach((item, index) => {
    const id = item && typeof item === "object" ? (item as { id?: unknown }).id : undefined;
    if (typeof id === "string" && last.get(id) !== index) return;
    decisions.push(decideItem(input, item, input.fullRead ?? false));
  });
  return decisions;
}

function decideItem(ctx: PullContext, item: unknown, fullRead: boolean): PullDecision {
  let parsed;
  try {
    parsed = parseDeltaItem(item, fullRead);
  } catch (error) {
    const id = item && typeof item === "object" ? (item as { id?: unknown }).id : undefined;
    const detail = error instanceof AppError ? error.message : String(error);
    return { type: "skip", outlookId: typeof id === "string" ? id : "", reason: "invalid", detail };
  }
  const outlookId = parsed.id;
  if (!ctx.switches.appointmentsFromOutlook) return { type: "skip", outlookId, reason: "switchOff" };
  const link = ctx.links.get(outlookId);

  if (parsed.kind === "removed") {
    return link ? { type: "confirmRemoval", outlookId } : { type: "skip", outlookId, reason: "unlinkedRemoval" };
  }
  const { event, partial } = parsed;
  if (event === undefined && fullRead) {
    return { type: "skip", outlookId, reason: "invalid", detail: `missing ${parsed.missing.join(", ")}` };
  }
  return link ? decideLinked(ctx, link, partial, event) : decideUnlinked(ctx, partial, event);
}

/** Known to be outside the window: judged on the whole event, or on a partial item that carries its times. */
function outside(p: PartialEvent, event: OutlookEvent | undefined, window: SyncWindow): boolean {
  if (event) return !overlapsWindow(event.start, event.end, window);
  return (
    p.start !== undefined && p.end !== undefined && p.isAllDay !== undefined && !overlapsWindow(p.start, p.end, window)
  );
}

function decideLinked(ctx: PullContext, link: Link, p: PartialEvent, event: OutlookEvent | undefined): PullDecision {
  const outlookId = p.id;
  if (p.isCancelled === true) return deleteDecision(link);
  if (link.state === "outlookDeleted") return { type: "skip", outlookId, reason: "tombstoned" };
  if (outside(p, event, ctx.window)) return { type: "skip", outlookId, reason: "outsideWindow" };
  if (!event) return { type: "fetch", outlookId, reason: "partial" };
  const fingerprint = outlookEventFingerprint(event);
  if (fingerprint === link.outlookFingerprint) return { type: "skip", outlookId, reason: "echo" };
  const actionType = matchActionType(event.categories, ctx.actionTypes, link.kco) ?? null;
  if (link.hsaRef === null && actionType === null) {
    return { type: "skip", outlookId, reason: "noMatchingCategory", detail: "awaiting the ERP's answer to CREATE" };
  }
  return {
    type: "inbound",
    op: link.hsaRef === null ? "CREATE" : "UPDATE",
    outlookId,
    kco: link.kco,
    hsaRef: link.hsaRef,
    actionType: actionType?.code ?? null,
    data: inboundDataFromEvent(event),
    link: { op: "upsert", link: syncedLink(ctx, link, event, fingerprint) },
  };
}

function decideUnlinked(ctx: PullContext, p: PartialEvent, event: OutlookEvent | undefined): PullDecision {
  const outlookId = p.id;
  if (p.isCancelled === true) return { type: "skip", outlookId, reason: "cancelled" };
  if (outside(p, event, ctx.window)) return { type: "skip", outlookId, reason: "outsideWindow" };
  const ours = event?.erpKey ? parseErpKey(event.erpKey) : undefined;
  if (event && ours) {
    const fingerprint = outlookEventFingerprint(event);
    const link: Link = {
      user: ctx.user,
      kco: ours.kco,
      hsaRef: ours.hsaRef,
      outlookId,
      erpFingerprint: fingerprint,
      outlookFingerprint: fingerprint,
      outlookChangeKey: event.changeKey ?? "",
      lastSyncedAt: ctx.now,
    };
    return { type: "relink", outlookId, link: { op: "upsert", link } };
  }
  const categories = event?.categories ?? p.categories;
  const actionType = categories && matchActionType(categories, ctx.actionTypes, ctx.company);
  if (categories !== undefined && !actionType) return { type: "skip", outlookId, reason: "noMatchingCategory" };
  if (!event || !actionType) return { type: "fetch", outlookId, reason: "partial" };
  if (event.erpKey === undefined) return { type: "fetch", outlookId, reason: "erpKeyUnknown" };
  const fingerprint = outlookEventFingerprint(event);
  const pending: Link = {
    user: ctx.user,
    kco: ctx.company,
    hsaRef: null,
    outlookId,
    erpFingerprint: fingerprint,
    outlookFingerprint: fingerprint,
    outlookChangeKey: event.changeKey ?? "",
    lastSyncedAt: ctx.now,
  };
  return {
    type: "inbound",
    op: "CREATE",
    outlookId,
    kco: ctx.company,
    hsaRef: null,
    actionType: actionType.code,
    data: inboundDataFromEvent(event),
    link: { op: "upsert", link: pending },
  };
}

/**
 * The ERP will store what we send, so the link expects the ERP's echo to carry the same content: both fingerprints
 * become the Outlook one (fingerprints are equal across sides for equal content).
 */
function syncedLink(ctx: PullContext, link: Link, event: OutlookEvent, fingerprint: string): Link {
  return {
    ...link,
    erpFingerprint: fingerprint,
    outlookFingerprint: fingerprint,
    outlookChangeKey: event.changeKey ?? link.outlookChangeKey,
    lastSyncedAt: ctx.now,
  };
}

function deleteDecision(link: Link): PullDecision {
  return {
    type: "inbound",
    op: "DELETE",
    outlookId: link.outlookId,
    kco: link.kco,
    hsaRef: link.hsaRef,
    actionType: null,
    link: { op: "tombstone", link },
  };
}

/**
 * Second step for a `confirmRemoval`: `fetched` is the GET answer for the event (whole, our property expanded), or
 * null when Graph answered 404. Not found or cancelled → DELETE (the link becomes a tombstone; a tombstone seen again
 * re-sends the same DELETE, which duplicate detection drops); not found while the push side is re-creating it →
 * nothing (its ERP change won); still there but outside the window → nothing
 * (moved out, NOT deleted); still there inside the window → decided like any changed event (echo or UPDATE).
 */
export function decideRemoval(ctx: PullContext, outlookId: string, fetched: unknown): PullDecision {
  if (!ctx.switches.appointmentsFromOutlook) return { type: "skip", outlookId, reason: "switchOff" };
  const link = ctx.links.get(outlookId);
  if (!link) return { type: "skip", outlookId, reason: "unlinkedRemoval" };
  const gone = fetched === null || fetched === undefined;
  if (gone && link.state === "recreating") return { type: "skip", outlookId, reason: "recreating" };
  if (gone) return deleteDecision(link);
  const decision = decideItem(ctx, fetched, true);
  if (decision.type === "skip" && decision.reason === "outsideWindow") {
    return { type: "skip", outlookId, reason: "movedOutOfWindow" };
  }
  return decision;
}
