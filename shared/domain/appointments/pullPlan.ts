// PULL decisions for appointments: the shared pull rules (sync/pullItem) applied to calendarView delta items.
import {
  decideFetchedRemoval,
  decidePulledPage,
  type PullItemContext,
  type PullItemDecision,
  type PullSkipReason,
} from "../sync/pullItem.js";
import { appointmentKind } from "./appointmentKind.js";
import { appointmentPullRules, type AppointmentPullScope } from "./appointmentPullRules.js";
import { parseDeltaItem } from "./graphEvent.js";
import type { InboundAppointmentData, Link } from "./types.js";

export { matchActionType } from "./appointmentPullRules.js";
export type { PullSkipReason };

/** What one PULL run knows besides the items. */
export type PullContext = PullItemContext & AppointmentPullScope;

export interface PullInput extends PullContext {
  /** Items of `value` of calendarView/delta pages, as Graph sent them, in order (or events read with GET). */
  items: readonly unknown[];
  /**
   * true when the items are whole events read with GET and `$expand` of our extended property (ERP_KEY_EXPAND):
   * absent fields then mean empty, and an absent property means "not ours".
   */
  fullRead?: boolean;
}

/** How the Links table changes once the decision's effect is done. */
export type LinkChange = { op: "upsert"; link: Link } | { op: "tombstone"; link: Link };

/** The shared decision, a relink's link given as the change it makes. */
export type PullDecision =
  | Exclude<PullItemDecision<InboundAppointmentData>, { type: "relink" }>
  | { type: "relink"; outlookId: string; link: LinkChange };

const asAppointmentDecision = (d: PullItemDecision<InboundAppointmentData>): PullDecision =>
  d.type === "relink" ? { ...d, link: { op: "upsert", link: d.link } } : d;

/** Whether an item must be read whole before a decision (a delta update may carry only the changed properties). */
export function needsFullRead(item: unknown): boolean {
  try {
    const parsed = parseDeltaItem(item);
    return parsed.kind === "event" && parsed.event === undefined;
  } catch {
    return false;
  }
}

/**
 * Decides every item of one delta read (decidePulledPage with the appointment rules): switch
 * `appointmentsFromOutlook` off → nothing. Linked: cancelled → DELETE; tombstone → nothing; outside the window →
 * nothing; fingerprint equal to the link's → echo; else UPDATE (CREATE again while the ERP has not answered the first).
 * Unlinked: cancelled, outside the window, or first category matching no action type of the default company →
 * nothing; carrying our ERP key → relink; else CREATE with that action type's code. @removed + linked →
 * confirmRemoval (a move out of the window is reported as removed too); @removed + unlinked → nothing.
 * Incomplete items, and would-be CREATEs whose extended property is unknown, → fetch.
 */
export function decidePull(input: PullInput): PullDecision[] {
  const rules = appointmentPullRules(input);
  return decidePulledPage(appointmentKind, rules, input, input.items, input.fullRead ?? false).map(
    asAppointmentDecision,
  );
}

/**
 * Second step for a `confirmRemoval`: `fetched` is the GET answer for the event (whole, our property expanded), or
 * null when Graph answered 404. Not found or cancelled → DELETE (the link becomes a tombstone; a tombstone seen again
 * re-sends the same DELETE, which duplicate detection drops); not found while the push side is re-creating it →
 * nothing (its ERP change won); still there but outside the window → nothing (moved out, NOT deleted); still there
 * inside the window → decided like any changed event (echo or UPDATE).
 */
export function decideRemoval(ctx: PullContext, outlookId: string, fetched: unknown): PullDecision {
  return asAppointmentDecision(
    decideFetchedRemoval(appointmentKind, appointmentPullRules(ctx), ctx, outlookId, fetched),
  );
}
