// Test helper: a whole Graph event JSON (as GET /events/{id} returns it, our property expanded), with overrides.
import { ERP_KEY_PROPERTY_ID } from "../../../shared/domain/appointments/erpKey.js";

export function rawEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.event",
    "@odata.etag": 'W/"CK1"',
    id: "EV1",
    changeKey: "CK1",
    subject: "Site meeting",
    bodyPreview: "Bring boots",
    body: { contentType: "html", content: "<html><head></head><body>Bring boots</body></html>" },
    start: { dateTime: "2026-12-01T08:00:00.0000000", timeZone: "UTC" },
    end: { dateTime: "2026-12-01T09:00:00.0000000", timeZone: "UTC" },
    isAllDay: false,
    isCancelled: false,
    location: { displayName: "Depot" },
    categories: ["Meeting"],
    lastModifiedDateTime: "2026-11-30T10:00:00.1234567Z",
    ...overrides,
  };
}

/** The same event carrying our ERP key extended property. */
export const withErpKey = (value: string, overrides: Record<string, unknown> = {}) =>
  rawEvent({ singleValueExtendedProperties: [{ id: ERP_KEY_PROPERTY_ID, value }], ...overrides });
