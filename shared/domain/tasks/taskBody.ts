// The Microsoft To Do task JSON written for an ERP task (POST create / PATCH update), and our linked resource.
import { formatErpKey, parseErpKey } from "../appointments/erpKey.js";
import { parseErpDateTime, toGraphUtcDateTime } from "../graphDateTime.js";
import type { ErpTask, TaskPriority, TaskStatus } from "./types.js";

/** The applicationName of the linkedResource that carries our ERP key (externalId "kco|hsaRef"). */
export const LINKED_APPLICATION = "Coins ERP+";

export interface GraphLinkedResource {
  applicationName: string;
  externalId: string;
  displayName: string;
}

/** The subset of Graph's todoTask this integration writes. */
export interface GraphTaskBody {
  title: string;
  body: { contentType: "text"; content: string };
  dueDateTime: { dateTime: string; timeZone: "UTC" } | null;
  reminderDateTime: { dateTime: string; timeZone: "UTC" } | null;
  isReminderOn: boolean;
  status: TaskStatus;
  importance: TaskPriority;
  categories?: string[];
  /** Create only: Graph refuses linkedResources in a PATCH of the task. */
  linkedResources?: GraphLinkedResource[];
}

/** The due date (YYYY-MM-DD) an ERP due value means: a date as-is, a date-time's date in its own offset. */
export function erpDueDate(due: string | undefined): string | undefined {
  if (!due) return undefined;
  return parseErpDateTime(due, "data.due", true).date;
}

/** The reminder instant of an ERP task (undefined when none). */
export function erpReminder(reminder: string | undefined): Date | undefined {
  return reminder ? parseErpDateTime(reminder, "data.reminder").instant : undefined;
}

/** The linkedResource of an ERP task: its ERP key, the integration's name, the title to show. */
export const linkedResourceOf = (t: Pick<ErpTask, "kco" | "hsaRef" | "title">): GraphLinkedResource => ({
  applicationName: LINKED_APPLICATION,
  externalId: formatErpKey(t.kco, t.hsaRef),
  displayName: t.title,
});

/** Our ERP key among a task's linkedResources (null when none is ours). */
export function erpKeyOfLinkedResources(
  resources: readonly { applicationName?: string | null; externalId?: string | null }[],
): { kco: string; hsaRef: string } | null {
  for (const r of resources) {
    if (r.applicationName !== LINKED_APPLICATION || !r.externalId) continue;
    const key = parseErpKey(r.externalId);
    if (key) return key;
  }
  return null;
}

/**
 * The To Do body for an ERP task. Due: To Do keeps the date only, so it is written as that date at midnight UTC
 * (no zone can move it to another day). Reminder: the exact instant in UTC, isReminderOn with it. Priority →
 * importance; the action type's description → the only category (left alone when unknown). A create also carries
 * our linkedResource (applicationName "Coins ERP+", externalId "kco|hsaRef").
 */
export function taskBodyFromErp(t: ErpTask, create = false): GraphTaskBody {
  const due = erpDueDate(t.due);
  const reminder = erpReminder(t.reminder);
  const description = t.actionTypeDescription?.trim();
  return {
    title: t.title,
    body: { contentType: "text", content: t.notes ?? "" },
    dueDateTime: due ? { dateTime: `${due}T00:00:00.0000000`, timeZone: "UTC" } : null,
    reminderDateTime: reminder ? { dateTime: toGraphUtcDateTime(reminder), timeZone: "UTC" } : null,
    isReminderOn: reminder !== undefined,
    status: t.status,
    importance: t.priority,
    ...(description ? { categories: [description] } : {}),
    ...(create ? { linkedResources: [linkedResourceOf(t)] } : {}),
  };
}
