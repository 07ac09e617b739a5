// The Graph event JSON written for an ERP appointment (POST create / PATCH update).
import { instantToGraphDateTime, resolveZone } from "../graphDateTime.js";
import { erpAppointmentTimes } from "./erpAppointment.js";
import { ERP_KEY_PROPERTY_ID, formatErpKey } from "./erpKey.js";
import type { ErpAppointment } from "./types.js";

/** The subset of Graph's event resource this integration writes. */
export interface GraphEventBody {
  subject: string;
  body: { contentType: "text"; content: string };
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  isAllDay: boolean;
  location: { displayName: string };
  categories?: string[];
  transactionId?: string;
  singleValueExtendedProperties: { id: string; value: string }[];
}

/** Midnight of a UTC-midnight instant's calendar date, as Graph's dateTime text (the date floats: any zone). */
const midnightOf = (utcMidnight: Date): string => `${utcMidnight.toISOString().slice(0, 10)}T00:00:00.0000000`;

/**
 * Graph event body for an ERP appointment, written in `timeZone` (the user's mailbox zone, as Graph names it, e.g.
 * "Pacific Standard Time"; default "UTC") so Outlook shows the user's zone: timed appointments as the wall time of the
 * same instants there; an all-day one as midnight to midnight of its days in that zone (Graph requires midnights in
 * one zone for isAllDay; the dates never move). Unknown zone → PermanentError naming it.
 * `categories` is set to [action type description] only when the description is known, else left untouched.
 * The extended property always carries "kco|hsaRef" so the event is recognised as ours even without a link.
 */
export function eventBodyFromErp(a: ErpAppointment, transactionId?: string, timeZone = "UTC"): GraphEventBody {
  const span = erpAppointmentTimes(a);
  resolveZone(timeZone, "mailboxTimeZone");
  const wall = (d: Date) => (a.allDay ? midnightOf(d) : instantToGraphDateTime(d, timeZone, "mailboxTimeZone"));
  const description = a.actionTypeDescription?.trim();
  return {
    subject: a.subject,
    body: { contentType: "text", content: a.notes ?? "" },
    start: { dateTime: wall(span.start), timeZone },
    end: { dateTime: wall(span.end), timeZone },
    isAllDay: a.allDay,
    location: { displayName: a.location ?? "" },
    ...(description ? { categories: [description] } : {}),
    ...(transactionId ? { transactionId } : {}),
    singleValueExtendedProperties: [{ id: ERP_KEY_PROPERTY_ID, value: formatErpKey(a.kco, a.hsaRef) }],
  };
}
