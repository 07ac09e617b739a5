// The Graph event JSON written for an ERP appointment (POST create / PATCH update).
import { toGraphUtcDateTime } from "../graphDateTime.js";
import { erpAppointmentTimes } from "./erpAppointment.js";
import { ERP_KEY_PROPERTY_ID, formatErpKey } from "./erpKey.js";
import type { ErpAppointment } from "./types.js";

/** The subset of Graph's event resource this integration writes. */
export interface GraphEventBody {
  subject: string;
  body: { contentType: "text"; content: string };
  start: { dateTime: string; timeZone: "UTC" };
  end: { dateTime: string; timeZone: "UTC" };
  isAllDay: boolean;
  location: { displayName: string };
  categories?: string[];
  transactionId?: string;
  singleValueExtendedProperties: { id: string; value: string }[];
}

/**
 * Graph event body for an ERP appointment. Times are written in UTC ("2026-12-01T08:00:00.0000000", "UTC");
 * an all-day event is written as midnight to midnight of its days (Graph requires that for isAllDay).
 * `categories` is set to [action type description] only when the description is known, else left untouched.
 * The extended property always carries "kco|hsaRef" so the event is recognised as ours even without a link.
 */
export function eventBodyFromErp(a: ErpAppointment, transactionId?: string): GraphEventBody {
  const span = erpAppointmentTimes(a);
  const description = a.actionTypeDescription?.trim();
  return {
    subject: a.subject,
    body: { contentType: "text", content: a.notes ?? "" },
    start: { dateTime: toGraphUtcDateTime(span.start), timeZone: "UTC" },
    end: { dateTime: toGraphUtcDateTime(span.end), timeZone: "UTC" },
    isAllDay: a.allDay,
    location: { displayName: a.location ?? "" },
    ...(description ? { categories: [description] } : {}),
    ...(transactionId ? { transactionId } : {}),
    singleValueExtendedProperties: [{ id: ERP_KEY_PROPERTY_ID, value: formatErpKey(a.kco, a.hsaRef) }],
  };
}
