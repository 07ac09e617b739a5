// Conflict and drift resolution between an ERP appointment and its Outlook event (412 on PATCH, nightly repair).
import { erpAppointmentFingerprint, outlookEventFingerprint } from "./fingerprint.js";
import type { ConflictRule, ErpAppointment, Link, OutlookEvent, UserSwitches } from "./appointments/types.js";
import { erpAppointmentTimes } from "./appointments/erpAppointment.js";
import { overlapsWindow, type SyncWindow } from "./window.js";

export type Side = "erp" | "outlook";

/** When each side last changed, for `newest-wins` (undefined = not known). */
export interface ChangeTimes {
  /** The ERP record's `modifiedAt`. */
  erp?: Date | undefined;
  /** The event's `lastModifiedDateTime`; a deletion's time is not known (undefined). */
  outlook?: Date | undefined;
}

/**
 * Which side a conflict rule makes win when both sides changed since the last sync. newest-wins compares the ERP's
 * modifiedAt with Outlook's lastModifiedDateTime: the later wins; an unknown time counts as older than a known one;
 * a tie, or neither known, goes to the ERP (the system of record).
 */
export function resolveConflict(rule: ConflictRule, times: ChangeTimes = {}): Side {
  if (rule === "outlook-wins") return "outlook";
  if (rule === "erp-wins") return "erp";
  const erp = times.erp?.getTime();
  const outlook = times.outlook?.getTime();
  if (outlook === undefined) return "erp";
  if (erp === undefined) return "outlook";
  return outlook > erp ? "outlook" : "erp";
}

/** The ERP appointment's modifiedAt as an instant (undefined when absent or unreadable). */
export function erpModifiedAt(a: Pick<ErpAppointment, "modifiedAt"> | undefined): Date | undefined {
  const t = a?.modifiedAt ? Date.parse(a.modifiedAt) : NaN;
  return Number.isNaN(t) ? undefined : new Date(t);
}

export type DriftAction =
  /** Nothing to do. */
  | "none"
  /** Both sides already agree but the link's fingerprints are stale: save the link, send nothing. */
  | "refreshLink"
  /** PATCH Outlook with the ERP content (read the current changeKey first; after a 412, use the fresh one). */
  | "pushErp"
  /** Send the Outlook content to the ERP (erp-inbound UPDATE). */
  | "pullOutlook"
  /** The event was deleted in Outlook but the ERP side wins: create it again (new link). */
  | "recreateInOutlook"
  /** The appointment was deleted in the ERP and that wins: delete the event. */
  | "deleteInOutlook"
  /** The appointment was deleted in the ERP but the Outlook side wins: erp-inbound CREATE (hsaRef null). */
  | "recreateInErp"
  /** The event was deleted in Outlook and that wins: erp-inbound DELETE. */
  | "deleteInErp"
  /** Both sides are gone (or the ERP item left the window while its event is gone): remove the link. */
  | "dropLink";

export interface DriftInput {
  link: Link | undefined;
  /** The ERP appointment now; undefined = confirmed not in the ERP any more. */
  erp: ErpAppointment | undefined;
  /** The Outlook event now; undefined = confirmed gone (GET answered 404). A cancelled event counts as gone. */
  outlook: OutlookEvent | undefined;
  rule: ConflictRule;
  /** Without switches both directions are allowed. */
  switches?: UserSwitches;
  /** With a window, an ERP item outside it is never re-created in Outlook. */
  window?: SyncWindow;
}

export interface DriftDecision {
  action: DriftAction;
  /** Which side won (when one did), and a short reason for the log. */
  winner?: Side;
  reason: string;
}

const needs: Record<DriftAction, "push" | "pull" | undefined> = {
  none: undefined,
  refreshLink: undefined,
  dropLink: undefined,
  pushErp: "push",
  recreateInOutlook: "push",
  deleteInOutlook: "push",
  pullOutlook: "pull",
  recreateInErp: "pull",
  deleteInErp: "pull",
};

/**
 * Drift repair for one linked item (also the answer to a 412 on PATCH: pass the event read fresh). Whichever side
 * changed since the last sync (fingerprint ≠ the link's) wins; when both did, the conflict rule decides — unless they
 * now say the same thing (refreshLink). A winner whose direction is switched off (syncAppointments for ERP → Outlook,
 * appointmentsFromOutlook for Outlook → ERP) changes nothing: the other side is left as it is.
 */
export function decideDrift(input: DriftInput): DriftDecision {
  const decision = rawDrift(input);
  const direction = needs[decision.action];
  const switches = input.switches;
  if (direction && switches) {
    const allowed = direction === "push" ? switches.syncAppointments : switches.appointmentsFromOutlook;
    if (!allowed) {
      const name = direction === "push" ? "syncAppointments" : "appointmentsFromOutlook";
      return { action: "none", winner: decision.winner, reason: `${decision.reason}; ${name} is off` };
    }
  }
  return decision;
}

function rawDrift({ link, erp, outlook: event, rule, window }: DriftInput): DriftDecision {
  if (!link) return { action: "none", reason: "not linked (new items travel through PUSH and PULL)" };
  const outlook = event && !event.isCancelled ? event : undefined;
  if (!erp && !outlook) return { action: "dropLink", reason: "gone on both sides" };

  const erpFp = erp ? erpAppointmentFingerprint(erp) : undefined;
  const outFp = outlook ? outlookEventFingerprint(outlook) : undefined;
  const erpChanged = erp ? erpFp !== link.erpFingerprint : true;
  const outlookChanged = outlook ? outFp !== link.outlookFingerprint : true;

  if (erp && outlook) {
    if (erpFp === outFp) {
      return erpChanged || outlookChanged
        ? { action: "refreshLink", reason: "both sides agree; link fingerprints stale" }
        : { action: "none", reason: "in step" };
    }
    if (!erpChanged && !outlookChanged) return { action: "none", reason: "unchanged since last sync" };
    const times = { erp: erpModifiedAt(erp), outlook: outlook.lastModifiedDateTime };
    const winner = erpChanged && outlookChanged ? resolveConflict(rule, times) : erpChanged ? "erp" : "outlook";
    const why = erpChanged && outlookChanged ? `both changed, ${rule}` : `${winner} changed`;
    return { action: winner === "erp" ? "pushErp" : "pullOutlook", winner, reason: why };
  }

  if (erp) {
    // The event is gone from Outlook (when is not known: under newest-wins a deletion counts as the newer change).
    const winner = erpChanged ? (rule === "newest-wins" ? "outlook" : resolveConflict(rule)) : "outlook";
    if (winner === "outlook") return { action: "deleteInErp", winner, reason: "deleted in Outlook" };
    if (window) {
      const span = erpAppointmentTimes(erp);
      if (!overlapsWindow(span.start, span.end, window)) {
        return { action: "dropLink", winner, reason: "deleted in Outlook; ERP item changed but is outside the window" };
      }
    }
    return { action: "recreateInOutlook", winner, reason: `deleted in Outlook but changed in the ERP, ${rule}` };
  }

  // The appointment is gone from the ERP (its deletion time is not known: under newest-wins it counts as newer).
  const winner = outlookChanged ? (rule === "newest-wins" ? "erp" : resolveConflict(rule)) : "erp";
  if (winner === "erp") return { action: "deleteInOutlook", winner, reason: "deleted in the ERP" };
  return { action: "recreateInErp", winner, reason: `deleted in the ERP but changed in Outlook, ${rule}` };
}

export type OrphanAction = "relink" | "deleteEvent";

/**
 * An Outlook event carrying our ERP key whose Outlook id has no live link. `keyLink` is the link stored for that ERP
 * key now. Its tombstone (the ERP was sent DELETE) or a live link to another event (a duplicate) → the event is an
 * orphan: delete it, never send the ERP anything for it. A re-create in progress → relink (it is that re-create's
 * event). No link at all: in a delta read our own create may be racing its link save → relink; in a full resync the
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
