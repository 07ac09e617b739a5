// A Graph todoTask (as read, linkedResources expanded or not) → the domain's OutlookTask.
import { eventNotesText } from "../appointments/erpAppointment.js";
import { graphDateTimeDate, graphDateTimeToInstant } from "../graphDateTime.js";
import { erpKeyOfLinkedResources } from "./taskBody.js";
import type { OutlookTask, TaskPriority, TaskStatus } from "./types.js";

interface Dtz {
  dateTime: string;
  timeZone?: string | null | undefined;
}

/** The todoTask fields the sync reads (Graph's shape). */
export interface RawTask {
  id: string;
  "@odata.etag"?: string | undefined;
  title?: string | null | undefined;
  status?: TaskStatus | undefined;
  importance?: TaskPriority | undefined;
  isReminderOn?: boolean | undefined;
  body?: { contentType?: string | null; content?: string | null } | null | undefined;
  dueDateTime?: Dtz | null | undefined;
  reminderDateTime?: Dtz | null | undefined;
  lastModifiedDateTime?: string | undefined;
  categories?: string[] | undefined;
  linkedResources?: { applicationName?: string | null; externalId?: string | null }[] | undefined;
}

/** The value inside W/"…" (the whole tag when it is not of that form). */
export const etagValue = (etag: string | undefined): string | undefined => {
  if (!etag) return undefined;
  const m = /^W\/"(.*)"$/.exec(etag);
  return m ? m[1] : etag;
};

const dtz = (v: Dtz) => ({ dateTime: v.dateTime, timeZone: v.timeZone ?? "UTC" });

/** To Do keeps the due date only: the date written in dueDateTime (read in UTC, as the sync requests it). */
export function parseGraphTask(raw: RawTask): OutlookTask {
  const body = raw.body
    ? {
        contentType: raw.body.contentType === "html" ? ("html" as const) : ("text" as const),
        content: raw.body.content ?? "",
      }
    : undefined;
  const modified = raw.lastModifiedDateTime ? new Date(raw.lastModifiedDateTime) : undefined;
  return {
    id: raw.id,
    changeKey: etagValue(raw["@odata.etag"]),
    lastModifiedDateTime: modified && !Number.isNaN(modified.getTime()) ? modified : undefined,
    title: raw.title ?? "",
    notes: eventNotesText({ body, bodyPreview: undefined }),
    due: raw.dueDateTime ? graphDateTimeDate(dtz(raw.dueDateTime), "dueDateTime") : undefined,
    reminder:
      raw.isReminderOn && raw.reminderDateTime
        ? graphDateTimeToInstant(dtz(raw.reminderDateTime), "reminderDateTime")
        : undefined,
    status: raw.status ?? "notStarted",
    importance: raw.importance ?? "normal",
    categories: raw.categories ?? [],
    erpKey:
      raw.linkedResources === undefined
        ? undefined
        : (() => {
            const key = erpKeyOfLinkedResources(raw.linkedResources);
            return key ? `${key.kco}|${key.hsaRef}` : null;
          })(),
  };
}
