// Test helper: an ERP appointment (JSMITH's site meeting on 1 Dec 2026, company 1, action type MEET), with overrides.
import type { ErpAppointment } from "../../../shared/domain/appointments/types.js";

export function sampleErpAppointment(overrides: Partial<ErpAppointment> = {}): ErpAppointment {
  return {
    kco: "1",
    hsaRef: "H0001234",
    subject: "Site meeting",
    start: "2026-12-01T09:00:00+01:00",
    end: "2026-12-01T10:00:00+01:00",
    allDay: false,
    location: "Depot",
    notes: "Bring boots",
    actionType: "MEET",
    actionTypeDescription: "Meeting",
    ...overrides,
  };
}
