// Conflict and drift resolution for appointments: the shared rules (sync/) applied to the appointment kind.
import type { ErpAppointment, OutlookEvent } from "./appointments/types.js";
import { appointmentKind } from "./appointments/appointmentKind.js";
import { decideItemDrift, type DriftDecision, type DriftInputOf } from "./sync/drift.js";

export { erpModifiedAt, resolveConflict, type ChangeTimes, type Side } from "./sync/conflictRule.js";
export type { DriftAction, DriftDecision } from "./sync/drift.js";
export { decideOrphan, type OrphanAction } from "./sync/orphan.js";

export type DriftInput = DriftInputOf<ErpAppointment, OutlookEvent>;

/**
 * Drift repair for one linked appointment (also the answer to a 412 on PATCH: pass the event read fresh). A cancelled
 * event counts as gone; an ERP item outside the window is never re-created. See decideItemDrift for the rules;
 * the switches are syncAppointments (ERP → Outlook) and appointmentsFromOutlook (Outlook → ERP).
 */
export const decideDrift = (input: DriftInput): DriftDecision => decideItemDrift(appointmentKind, input);
