// Content fingerprints of an appointment, equal on both sides when they say the same thing (echo recognition).
import { hashFields, normaliseCategory, normaliseText } from "../sync/contentHash.js";
import { erpAppointmentTimes, eventNotesText } from "./erpAppointment.js";
import type { ErpAppointment, OutlookEvent } from "./types.js";

/** The synced content in one canonical form; what both fingerprints hash. */
export interface CanonicalAppointment {
  subject: string;
  allDay: boolean;
  /** Timed: UTC instant "2026-12-01T08:00:00.000Z". All-day: first day "2026-12-01". */
  start: string;
  /** Timed: UTC instant. All-day: the day after the last day (exclusive), "2026-12-02". */
  end: string;
  location: string;
  /** Notes reduced to text, all whitespace runs (line breaks included) collapsed to one space, trimmed. */
  notes: string;
  /** First category (Outlook) / action type description (ERP), trimmed and lower-cased; "" when none. */
  category: string;
}

const FINGERPRINT_VERSION = 1;

function times(allDay: boolean, start: Date, end: Date): { start: string; end: string } {
  if (allDay) return { start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) };
  return { start: start.toISOString(), end: end.toISOString() };
}

export function canonicalFromErp(a: ErpAppointment): CanonicalAppointment {
  const span = erpAppointmentTimes(a);
  return {
    subject: normaliseText(a.subject),
    allDay: a.allDay,
    ...times(a.allDay, span.start, span.end),
    location: normaliseText(a.location),
    notes: normaliseText(a.notes),
    category: normaliseCategory(a.actionTypeDescription),
  };
}

export function canonicalFromOutlook(e: OutlookEvent): CanonicalAppointment {
  return {
    subject: normaliseText(e.subject),
    allDay: e.isAllDay,
    ...times(e.isAllDay, e.start, e.end),
    location: normaliseText(e.location),
    notes: normaliseText(eventNotesText(e)),
    category: normaliseCategory(e.categories[0]),
  };
}

/** sha256 (hex) of the canonical content, as a JSON array in a fixed order (so key order can never matter). */
export function fingerprintOf(c: CanonicalAppointment): string {
  const ordered = [FINGERPRINT_VERSION, c.subject, c.allDay, c.start, c.end, c.location, c.notes, c.category];
  return hashFields(ordered);
}

/** Fingerprint of an ERP appointment (PermanentError naming the field if its dates are unusable). */
export const erpAppointmentFingerprint = (a: ErpAppointment): string => fingerprintOf(canonicalFromErp(a));

/** Fingerprint of an Outlook event; equal to the ERP one when both carry the same content. */
export const outlookEventFingerprint = (e: OutlookEvent): string => fingerprintOf(canonicalFromOutlook(e));
