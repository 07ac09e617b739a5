// A To Do task → the task data sent to the ERP (erp-inbound), shaped like the push message's task data.
import type { InboundTaskData, OutlookTask } from "./types.js";

/** Due as the date To Do keeps; reminder as a UTC instant when it is on. */
export function inboundTaskData(t: OutlookTask): InboundTaskData {
  return {
    title: t.title,
    ...(t.due ? { due: t.due } : {}),
    ...(t.reminder ? { reminder: t.reminder.toISOString() } : {}),
    status: t.status,
    priority: t.importance,
    notes: t.notes,
  };
}
