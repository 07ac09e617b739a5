// Content fingerprints of a task, equal on both sides when they say the same thing (echo recognition).
import { hashFields, normaliseCategory, normaliseText } from "../sync/contentHash.js";
import { erpDueDate, erpReminder } from "./taskBody.js";
import type { ErpTask, OutlookTask } from "./types.js";

const TASK_FINGERPRINT_VERSION = 1;

/** The synced content of a task in one canonical form. */
export interface CanonicalTask {
  title: string;
  notes: string;
  /** YYYY-MM-DD or "". */
  due: string;
  /** UTC instant or "" (no reminder). */
  reminder: string;
  status: string;
  importance: string;
  /** First category / action type description, normalised; "" when none. */
  category: string;
}

export const canonicalFromErpTask = (t: ErpTask): CanonicalTask => ({
  title: normaliseText(t.title),
  notes: normaliseText(t.notes),
  due: erpDueDate(t.due) ?? "",
  reminder: erpReminder(t.reminder)?.toISOString() ?? "",
  status: t.status,
  importance: t.priority,
  category: normaliseCategory(t.actionTypeDescription),
});

export const canonicalFromOutlookTask = (t: OutlookTask): CanonicalTask => ({
  title: normaliseText(t.title),
  notes: normaliseText(t.notes),
  due: t.due ?? "",
  reminder: t.reminder?.toISOString() ?? "",
  status: t.status,
  importance: t.importance,
  category: normaliseCategory(t.categories[0]),
});

const hash = (c: CanonicalTask) =>
  hashFields([TASK_FINGERPRINT_VERSION, c.title, c.notes, c.due, c.reminder, c.status, c.importance, c.category]);

/** Fingerprint of an ERP task (PermanentError naming the field when a date is unusable). */
export const erpTaskFingerprint = (t: ErpTask): string => hash(canonicalFromErpTask(t));

/** Fingerprint of a To Do task; equal to the ERP one when both carry the same content. */
export const outlookTaskFingerprint = (t: OutlookTask): string => hash(canonicalFromOutlookTask(t));
