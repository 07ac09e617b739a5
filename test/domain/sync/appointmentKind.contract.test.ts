// Appointments (Outlook calendar events) against the shared kind contract.
import { appointmentKind } from "../../../shared/domain/appointments/appointmentKind.js";
import { appointmentPullRules } from "../../../shared/domain/appointments/appointmentPullRules.js";
import { appointmentTransactionId } from "../../../shared/domain/appointments/erpKey.js";
import { eventBodyFromErp } from "../../../shared/domain/appointments/eventBody.js";
import { asGraphStoresIt } from "../appointments/graphAnswer.js";
import { sampleErpAppointment } from "../appointments/sampleErpAppointment.js";
import { contractWindow, describeKindContract } from "./kindContract.js";

describeKindContract({
  kind: appointmentKind,
  rules: appointmentPullRules({
    window: contractWindow,
    actionTypes: [
      { company: "1", code: "MEET", description: "Meeting" },
      { company: "2", code: "OTHER", description: "Meeting" },
    ],
  }),
  erp: (over = {}) => sampleErpAppointment({ hsaRef: "H1", ...over }),
  contentChange: { subject: "Site meeting moved", location: "Office" },
  outOfScope: { start: "2027-03-01T09:00:00+01:00", end: "2027-03-01T10:00:00+01:00" },
  roundTrips: [
    ["timed, written with an offset", {}],
    ["all-day, one day", { allDay: true, start: "2026-12-02T00:00:00+01:00", end: "2026-12-03T00:00:00+01:00" }],
    ["multi-line notes with markup characters", { notes: "Bring boots\r\nand <gloves> & a helmet" }],
    [
      "no notes, no location, no action type",
      { notes: undefined, location: undefined, actionTypeDescription: undefined },
    ],
  ],
  written: (a, id, changeKey) =>
    asGraphStoresIt(eventBodyFromErp(a, appointmentTransactionId("JSMITH", a.kco, a.hsaRef)), id, changeKey),
  edited: (e) => ({ ...e, subject: `${e.subject} (edited in Outlook)`, changeKey: "ck2" }),
  withKey: (e, key) => ({ ...e, erpKey: key }),
  createActionType: "MEET",
  switches: { push: "syncAppointments", pull: "appointmentsFromOutlook" },
});
