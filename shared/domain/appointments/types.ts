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
}

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

/** One row of the Links table: an ERP appointment ⇄ an Outlook event, with each side's last-synced fingerprint. */
export interface Link {
  user: string;
  kco: string;
  /** null while a CREATE sent to the ERP awaits its answer (the ERP pushes the new record back with outlookId). */
  hsaRef: string | null;
  outlookId: string;
  erpFingerprint: string;
  outlookFingerprint: string;
  /** Last known changeKey of the event ("" when unknown). */
  outlookChangeKey: string;
  lastSyncedAt: Date;
  /** The newest ERP `modifiedAt` applied through this link (a push older than it is stale). */
  erpModifiedAt?: Date | undefined;
  /**
   * undefined = live. "outlookDeleted": a tombstone — the event was deleted in Outlook and the ERP is (being) sent
   * DELETE; nothing re-creates it. "recreating": the push side is re-creating the deleted event (erp-wins).
   */
  state?: LinkState | undefined;
  /**
   * With state "outlookDeleted" under erp-wins: the tombstone is pending until this instant (the ERP has not been sent
   * DELETE yet, and an ERP change arriving meanwhile re-creates the event). Absent on a tombstone = DELETE committed.
   */
  erpDeleteDue?: Date | undefined;
  /** The row's concurrency token when read from the table (ETag-conditional writes pass it back). */
  version?: string | undefined;
}

export type LinkState = "outlookDeleted" | "recreating";

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

/** newest-wins: the ERP's `modifiedAt` against Outlook's `lastModifiedDateTime` (see conflict.ts). */
export type ConflictRule = "erp-wins" | "outlook-wins" | "newest-wins";
