// Domain types of appointment sync: the Outlook event snapshot, the ERP appointment, their link, switches.

/** An Outlook event reduced to what the sync decides on; times are exact UTC instants. */
export interface OutlookEvent {
  id: string;
  changeKey: string | undefined;
  subject: string;
  body: { contentType: "text" | "html"; content: string } | undefined;
  bodyPreview: string | undefined;
  /**
   * Timed events: the exact instants. All-day events: UTC midnight of the first day and of the day after the last
   * day (all-day events float: the date written in Graph's dateTime is taken as-is, whatever the zone).
   */
  start: Date;
  end: Date;
  isAllDay: boolean;
  location: string;
  categories: string[];
  isCancelled: boolean;
  /**
   * Value of our extended property ("kco|hsaRef") when the event was written by this integration;
   * null when the event was read with the property expanded and it is absent; undefined when not known.
   */
  erpKey: string | null | undefined;
  lastModifiedDateTime: Date | undefined;
  /**
   * Graph's event type: "singleInstance", "occurrence" / "exception" (one instance of a recurring series, with its own
   * id), "seriesMaster" (the series itself; calendarView never returns it). Undefined when the item did not say.
   */
  type?: EventType | undefined;
  /** Occurrences and exceptions: the id of their series master. */
  seriesMasterId?: string | undefined;
  /** Occurrences and exceptions: the start the series' pattern gave them (unchanged when the occurrence is moved). */
  originalStart?: Date | undefined;
}

export const EVENT_TYPES = ["singleInstance", "occurrence", "exception", "seriesMaster"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** An ERP appointment as the msgraph-push message carries it (start/end ISO 8601 with offset). */
export interface ErpAppointment {
  kco: string;
  hsaRef: string;
  subject: string;
  start: string;
  end: string;
  allDay: boolean;
  location?: string | undefined;
  notes?: string | undefined;
  /** ERP action type code. */
  actionType?: string | undefined;
  /**
   * Description of that action type (from the ActionTypes table, filled in by the use case): it becomes the event's
   * first category and is part of the fingerprint. Absent → the event's categories are left alone.
   */
  actionTypeDescription?: string | undefined;
  /** When the ERP record last changed (ISO 8601 with offset), when the ERP sends it. */
  modifiedAt?: string | undefined;
}

/** The appointment content sent to the ERP on erp-inbound (`data`), shaped like the push message's data. */
export interface InboundAppointmentData {
  subject: string;
  start: string;
  end: string;
  allDay: boolean;
  location: string;
  notes: string;
}

export type { Link, LinkState } from "../sync/link.js";

/** An ERP action type (ActionTypes table: PK company, RK code). */
export interface ActionType {
  company: string;
  code: string;
  description: string;
}

/** The per-user switches of the Users table. */
export interface UserSwitches {
  emails?: boolean;
  syncAppointments: boolean;
  appointmentsFromOutlook: boolean;
  syncTasks?: boolean;
  tasksFromOutlook?: boolean;
}

export type { ConflictRule } from "../sync/conflictRule.js";
