// Drift repair for appointments: the shared drift rules (sync/drift) applied to the appointment kind.
import { decideItemDrift, type DriftDecision, type DriftInputOf } from "../sync/drift.js";
import { appointmentKind } from "./appointmentKind.js";
import type { ErpAppointment, OutlookEvent } from "./types.js";

export type DriftInput = DriftInputOf<ErpAppointment, OutlookEvent>;

/**
 * Drift repair for one linked appointment (also the answer to a 412 on PATCH: pass the event read fresh). A cancelled
 * event counts as gone; an ERP item outside the window is never re-created. See decideItemDrift for the rules;
 * the switches are syncAppointments (ERP → Outlook) and appointmentsFromOutlook (Outlook → ERP).
 */
export const decideDrift = (input: DriftInput): DriftDecision => decideItemDrift(appointmentKind, input);
