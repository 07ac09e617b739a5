// Domain types of task sync: the ERP task as pushed and the Microsoft To Do task as the sync decides on it.

export type TaskStatus = "notStarted" | "inProgress" | "completed" | "waitingOnOthers" | "deferred";
export type TaskPriority = "low" | "normal" | "high";

/** An ERP task as the msgraph-push message carries it. */
export interface ErpTask {
  kco: string;
  hsaRef: string;
  title: string;
  /** Due date ("2026-12-05") or date-time with offset; To Do keeps only the date (in the value's own offset). */
  due?: string | undefined;
  /** Reminder instant (ISO 8601 with offset); absent = no reminder. */
  reminder?: string | undefined;
  status: TaskStatus;
  priority: TaskPriority;
  notes?: string | undefined;
  /** ERP action type code. */
  actionType?: string | undefined;
  /** Its description (ActionTypes table): the task's category. Absent → the task's categories are left alone. */
  actionTypeDescription?: string | undefined;
  modifiedAt?: string | undefined;
}

/** A To Do task reduced to what the sync decides on. */
export interface OutlookTask {
  id: string;
  /** The value inside the task's @odata.etag (W/"<value>"), the version a conditional PATCH sends back. */
  changeKey: string | undefined;
  lastModifiedDateTime: Date | undefined;
  title: string;
  /** Body as plain text (HTML reduced to text). */
  notes: string;
  /** The due date (YYYY-MM-DD) as To Do keeps it; undefined when none. */
  due: string | undefined;
  /** The reminder instant when the reminder is on; undefined otherwise. */
  reminder: Date | undefined;
  status: TaskStatus;
  importance: TaskPriority;
  categories: string[];
  /** Our ERP key ("kco|hsaRef") from our linkedResource; null when the task has none; undefined when not read. */
  erpKey: string | null | undefined;
}

/** The task content sent to the ERP on erp-inbound (`data`), shaped like the push message's task data. */
export interface InboundTaskData {
  title: string;
  due?: string;
  reminder?: string;
  status: TaskStatus;
  priority: TaskPriority;
  notes: string;
}
