// Conflict and drift resolution between an ERP item and its Outlook item, for any kind (412 on PATCH, resync repair).
import { erpModifiedAt, resolveConflict, type ConflictRule, type Side } from "./conflictRule.js";
import type { Link } from "./link.js";
import { switchOn, type ErpItem, type OutlookItem, type Switches, type SyncKind } from "./syncKind.js";
import type { SyncWindow } from "../window.js";

export type DriftAction =
  /** Nothing to do. */
  | "none"
  /** Both sides already agree but the link's fingerprints are stale: save the link, send nothing. */
  | "refreshLink"
  /** PATCH Outlook with the ERP content (read the current version first; after a 412, use the fresh one). */
  | "pushErp"
  /** Send the Outlook content to the ERP (erp-inbound UPDATE). */
  | "pullOutlook"
  /** The item was deleted in Outlook but the ERP side wins: create it again (new link). */
  | "recreateInOutlook"
  /** The item was deleted in the ERP and that wins: delete it in Outlook. */
  | "deleteInOutlook"
  /** The item was deleted in the ERP but the Outlook side wins: erp-inbound CREATE (hsaRef null). */
  | "recreateInErp"
  /** The item was deleted in Outlook and that wins: erp-inbound DELETE. */
  | "deleteInErp"
  /** Both sides are gone (or the ERP item left the scope while its Outlook item is gone): remove the link. */
  | "dropLink";

export interface DriftInputOf<E, O> {
  link: Link | undefined;
  /** The ERP item now; undefined = confirmed not in the ERP any more. */
  erp: E | undefined;
  /** The Outlook item now; undefined = confirmed gone (GET answered 404). An item the kind counts as gone is gone. */
  outlook: O | undefined;
  rule: ConflictRule;
  /** Without switches both directions are allowed. */
  switches?: Switches;
  /** With a window, an ERP item out of the kind's scope is never re-created in Outlook. */
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
 * Drift repair for one linked item (also the answer to a 412 on PATCH: pass the item read fresh). Whichever side
 * changed since the last sync (fingerprint ≠ the link's) wins; when both did, the conflict rule decides — unless they
 * now say the same thing (refreshLink). A winner whose direction is switched off (the kind's push switch for
 * ERP → Outlook, its pull switch for Outlook → ERP) changes nothing: the other side is left as it is.
 */
export function decideItemDrift<E extends ErpItem, O extends OutlookItem>(
  kind: SyncKind<E, O, unknown>,
  input: DriftInputOf<E, O>,
): DriftDecision {
  const decision = rawDrift(kind, input);
  const direction = needs[decision.action];
  if (direction && input.switches) {
    const name = direction === "push" ? kind.switches.push : kind.switches.pull;
    if (!switchOn(input.switches, name)) {
      return { action: "none", winner: decision.winner, reason: `${decision.reason}; ${name} is off` };
    }
  }
  return decision;
}

function rawDrift<E extends ErpItem, O extends OutlookItem>(
  kind: SyncKind<E, O, unknown>,
  { link, erp, outlook: item, rule, window }: DriftInputOf<E, O>,
): DriftDecision {
  if (!link) return { action: "none", reason: "not linked (new items travel through PUSH and PULL)" };
  const outlook = item && !kind.isGone(item) ? item : undefined;
  if (!erp && !outlook) return { action: "dropLink", reason: "gone on both sides" };

  const erpFp = erp ? kind.erpFingerprint(erp) : undefined;
  const outFp = outlook ? kind.outlookFingerprint(outlook) : undefined;
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
    // Gone from Outlook (when is not known: under newest-wins a deletion counts as the newer change).
    const winner = erpChanged ? (rule === "newest-wins" ? "outlook" : resolveConflict(rule)) : "outlook";
    if (winner === "outlook") return { action: "deleteInErp", winner, reason: "deleted in Outlook" };
    if (window && kind.outOfScope(erp, window) !== undefined) {
      return { action: "dropLink", winner, reason: "deleted in Outlook; ERP item changed but is outside the window" };
    }
    return { action: "recreateInOutlook", winner, reason: `deleted in Outlook but changed in the ERP, ${rule}` };
  }

  // Gone from the ERP (its deletion time is not known: under newest-wins it counts as newer).
  const winner = outlookChanged ? (rule === "newest-wins" ? "erp" : resolveConflict(rule)) : "erp";
  if (winner === "erp") return { action: "deleteInOutlook", winner, reason: "deleted in the ERP" };
  return { action: "recreateInErp", winner, reason: `deleted in the ERP but changed in Outlook, ${rule}` };
}
