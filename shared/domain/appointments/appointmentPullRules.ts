// Appointments in the shared pull rules: delta items read (partly) as events, a cancelled event gone, the window as the
// scope, the first category as the gate (an action type of the company), our extended property as the ERP key.
import { PermanentError } from "../errors.js";
import type { PullReader, PulledChange } from "../sync/pullItem.js";
import { overlapsWindow, type SyncWindow } from "../window.js";
import { inboundDataFromEvent } from "./erpAppointment.js";
import { parseErpKey } from "./erpKey.js";
import { parseDeltaItem, type PartialEvent } from "./graphEvent.js";
import type { ActionType, InboundAppointmentData, OutlookEvent } from "./types.js";

/** What the appointment rules judge with besides the event: the run's window and the action types. */
export interface AppointmentPullScope {
  window: SyncWindow;
  /** Action types (any company; only those of the company asked about are matched). */
  actionTypes: readonly ActionType[];
}

/** The action type of `company` whose description equals the first category (trimmed, case-insensitive). */
export function matchActionType(
  categories: readonly string[],
  actionTypes: readonly ActionType[],
  company: string,
): ActionType | undefined {
  const first = categories[0]?.trim().toLowerCase();
  if (!first) return undefined;
  return [...actionTypes]
    .filter((t) => t.company === company && t.description.trim().toLowerCase() === first)
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))[0];
}

/**
 * A calendarView delta item (or, `whole`, an event read with GET and our property expanded: absent fields mean empty,
 * an absent property "not ours"). An item lacking decision fields is partial; read whole and still lacking → invalid.
 */
export function readEventChange(raw: unknown, whole: boolean): PulledChange<OutlookEvent, PartialEvent> {
  const parsed = parseDeltaItem(raw, whole);
  if (parsed.kind === "removed") return { removed: true, id: parsed.id };
  if (parsed.event) return { removed: false, item: parsed.event };
  if (whole) throw new PermanentError("invalidGraphEvent", `event ${parsed.id}: missing ${parsed.missing.join(", ")}`);
  return { removed: false, partial: parsed.partial };
}

/** Events as the shared pull rules read them, for one run's window and action types. */
export function appointmentPullRules(
  scope: AppointmentPullScope,
): PullReader<OutlookEvent, InboundAppointmentData, PartialEvent> {
  return {
    inboundData: inboundDataFromEvent,
    erpKeyOf: (e) => (e.erpKey === undefined ? undefined : e.erpKey === null ? null : (parseErpKey(e.erpKey) ?? null)),
    read: readEventChange,
    isGone: (e) => e.isCancelled === true,
    outOfScope: (e) =>
      e.start !== undefined &&
      e.end !== undefined &&
      e.isAllDay !== undefined &&
      !overlapsWindow(e.start, e.end, scope.window),
    actionTypeOf: (e, kco) =>
      e.categories === undefined ? undefined : (matchActionType(e.categories, scope.actionTypes, kco)?.code ?? null),
  };
}
