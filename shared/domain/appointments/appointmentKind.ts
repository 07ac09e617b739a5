// Appointments as a kind of the shared sync pipeline: Outlook calendar events, their switches and scope (the window).
import type { SyncKind } from "../sync/syncKind.js";
import { overlapsWindow } from "../window.js";
import { erpAppointmentFingerprint, outlookEventFingerprint } from "./appointmentFingerprint.js";
import { erpAppointmentTimes } from "./erpAppointment.js";
import { appointmentTransactionId } from "./erpKey.js";
import { eventBodyFromErp, type GraphEventBody } from "./eventBody.js";
import type { ErpAppointment, OutlookEvent } from "./types.js";

/**
 * Events: a create carries a deterministic transactionId (Graph refuses a second event with it) and our extended
 * property with the ERP key; only appointments overlapping the sync window are created; a cancelled event is gone.
 */
export const appointmentKind: SyncKind<ErpAppointment, OutlookEvent, GraphEventBody, "appointment"> = {
  name: "appointment",
  noun: "event",
  switches: { push: "syncAppointments", pull: "appointmentsFromOutlook" },
  erpFingerprint: erpAppointmentFingerprint,
  outlookFingerprint: outlookEventFingerprint,
  bodyOf: (a, create) => eventBodyFromErp(a, create?.key),
  createKeyOf: appointmentTransactionId,
  outOfScope(a, window) {
    const span = erpAppointmentTimes(a);
    return overlapsWindow(span.start, span.end, window) ? undefined : `${a.start} – ${a.end}`;
  },
  isGone: (e) => e.isCancelled,
};
