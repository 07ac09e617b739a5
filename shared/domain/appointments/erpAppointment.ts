// ERP appointment ⇄ exact times, and an Outlook event → the appointment data sent to the ERP.
import { PermanentError } from "../errors.js";
import { addDays, parseErpDateTime } from "../graphDateTime.js";
import { htmlToText } from "../htmlToText.js";
import type { ErpAppointment, InboundAppointmentData, OutlookEvent } from "./types.js";

/**
 * The appointment's span as instants. Timed: the exact instants of start/end. All-day: UTC midnight of the start's
 * calendar date (in its own offset) and of the day after the last day — the dates, zone-free (what fingerprints and the
 * window compare; `eventBodyFromErp` writes them as midnights in the user's mailbox zone). The last day is the end's date when the end
 * is not at midnight (an inclusive end such as 23:59 or the same day), else the day before it (an exclusive end).
 */
export function erpAppointmentTimes(a: ErpAppointment): { start: Date; end: Date } {
  const start = parseErpDateTime(a.start, "data.start", a.allDay);
  const end = parseErpDateTime(a.end, "data.end", a.allDay);
  if (a.allDay) {
    let endDate = end.isMidnight ? end.date : addDays(end.date, 1);
    if (endDate <= start.date) endDate = addDays(start.date, 1);
    return { start: new Date(`${start.date}T00:00:00Z`), end: new Date(`${endDate}T00:00:00Z`) };
  }
  if (end.instant.getTime() < start.instant.getTime()) {
    throw new PermanentError("invalidAppointment", `data.end: "${a.end}" is before data.start "${a.start}"`);
  }
  return { start: start.instant, end: end.instant };
}

/** Plain text of an event body: HTML reduced to text, CRLF/CR → LF, trailing spaces and outer blank lines removed. */
export function eventNotesText(event: Pick<OutlookEvent, "body" | "bodyPreview">): string {
  const raw = event.body
    ? event.body.contentType === "html"
      ? htmlToText(event.body.content)
      : event.body.content
    : (event.bodyPreview ?? "");
  return raw
    .replace(/\r\n?/g, "\n")
    .replace(/\u00a0/g, " ")
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * The erp-inbound `data` for an Outlook event: timed start/end as UTC ISO ("…Z"); all-day as midnight UTC of the first
 * day and of the day after the last (exclusive), which `erpAppointmentTimes` reads back to the same days.
 */
export function inboundDataFromEvent(event: OutlookEvent): InboundAppointmentData {
  const iso = (d: Date) => (event.isAllDay ? `${d.toISOString().slice(0, 10)}T00:00:00Z` : d.toISOString());
  return {
    subject: event.subject,
    start: iso(event.start),
    end: iso(event.end),
    allDay: event.isAllDay,
    location: event.location,
    notes: eventNotesText(event),
  };
}
