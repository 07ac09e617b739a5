// PUSH for ERP appointments (msgraph-push kind appointment): the shared push pipeline (sync/pushItem) with calendar
// events as the Outlook item: deterministic transactionId, our extended property, If-Match on the changeKey.
import type { GraphEvent } from "../../adapters/graph/schemas.js";
import { appointmentKind } from "../../domain/appointments/appointmentKind.js";
import { inboundDataFromEvent } from "../../domain/appointments/erpAppointment.js";
import { appointmentTransactionId, ERP_KEY_PROPERTY_ID } from "../../domain/appointments/erpKey.js";
import { eventBodyFromErp, type GraphEventBody } from "../../domain/appointments/eventBody.js";
import { parseGraphEvent } from "../../domain/appointments/graphEvent.js";
import { matchActionType } from "../../domain/appointments/appointmentPullRules.js";
import { etagOf } from "../../domain/sync/pushPlan.js";
import type { ErpAppointment, OutlookEvent } from "../../domain/appointments/types.js";
import type { PushMessageOf } from "../../domain/messages/pushMessage.js";
import type { UserSettings } from "../../domain/users/userSettings.js";
import type { AppDeps } from "../appDeps.js";
import type { PushContext } from "../dispatchPush.js";
import { readOnce, type WriteBatcher } from "../../adapters/graph/writeBatcher.js";
import { actionTypeDescription } from "../sync/actionTypeDescription.js";
import { pushItem, type ItemGateway, type PushKindOf } from "../sync/pushItem.js";
import { loadAppointmentUser } from "./loadAppointmentUser.js";
import { currentWindow } from "../sync/currentWindow.js";
import { mailboxWriteZone } from "./refreshMailboxTimeZone.js";

type AppointmentPush = PushMessageOf<"appointment">;

/** The push message's appointment, with the description of its action type (the event's first category). */
async function toErpAppointment(deps: AppDeps, m: AppointmentPush): Promise<ErpAppointment | undefined> {
  if (!m.data) return undefined;
  const { actionType, ...fields } = m.data;
  const code = actionType?.trim();
  const description = await actionTypeDescription(deps, m.kco, code);
  return { ...fields, kco: m.kco, hsaRef: m.hsaRef, actionType: code, actionTypeDescription: description };
}

/** Appointments in the shared push: events parsed as the domain reads them, Outlook's version sent as appointment data. */
export const appointmentPushKind: PushKindOf<ErpAppointment, OutlookEvent, GraphEvent, GraphEventBody> = {
  kind: appointmentKind,
  parse: parseGraphEvent,
  ifMatchOf: (e) => e["@odata.etag"] ?? (e.changeKey ? etagOf(e.changeKey) : undefined),
  recreateKeyOf: (user, a, oldId) => appointmentTransactionId(user, a.kco, `${a.hsaRef}#${oldId}`),
  async inboundUpdate(deps, user, kco, hsaRef, outlook) {
    const actionTypes = await deps.actionTypes.listByCompany(kco);
    return {
      kind: appointmentKind.name,
      op: "UPDATE",
      user,
      kco,
      hsaRef,
      outlookId: outlook.id,
      actionType: matchActionType(outlook.categories, actionTypes, kco)?.code ?? null,
      data: inboundDataFromEvent(outlook),
    };
  },
};

/** The push kind writing event times in `timeZone` (the user's mailbox zone): Outlook shows the user's zone. */
export function appointmentPushKindIn(
  timeZone: string,
): PushKindOf<ErpAppointment, OutlookEvent, GraphEvent, GraphEventBody> {
  return {
    ...appointmentPushKind,
    kind: { ...appointmentKind, bodyOf: (a, create) => eventBodyFromErp(a, create?.key, timeZone) },
  };
}

/** The user's calendar as the shared push writes it; with `writes` its writes join the invocation's $batch. */
export function eventGateway(
  deps: AppDeps,
  user: UserSettings,
  writes?: WriteBatcher,
): ItemGateway<GraphEvent, GraphEventBody> {
  const mailbox = user.mailbox;
  const writer = writes ? writes.gateway() : deps.graph;
  return {
    create: (body) => writer.createEvent(mailbox, { ...body }),
    update: (id, body, ifMatch) => writer.updateEvent(mailbox, id, { ...body }, ifMatch ? { ifMatch } : {}),
    get: (id) => deps.graph.getEvent(mailbox, id, { extendedPropertyId: ERP_KEY_PROPERTY_ID }),
    remove: (id) => writer.deleteEvent(mailbox, id),
  };
}

/**
 * Unknown/invalid user → PermanentError naming it. syncAppointments off → logged, nothing written (an ERP answer with
 * outlookId is still recorded as a link when appointmentsFromOutlook is on). Otherwise the shared push:
 * CREATE (deterministic transactionId + our extended property), UPDATE (If-Match on the last changeKey; 412 → read
 * fresh → drift with CONFLICT_RULE), DELETE (404 = already gone), link. Every write records the link. Times are
 * written in the user's mailbox zone (read once and cached on the Users row; DEFAULT_TIME_ZONE when unreadable). An
 * appointment linked to an occurrence of a series is written to that occurrence's id: Graph makes it an exception and
 * leaves the series and its other occurrences alone.
 */
export async function handleAppointmentPush(deps: AppDeps, message: AppointmentPush, hctx: PushContext): Promise<void> {
  const user = await loadAppointmentUser(deps, message.user);
  const window = currentWindow(deps, deps.now());
  const appointment = message.op === "DELETE" ? undefined : await toErpAppointment(deps, message);
  const writes = appointment !== undefined && user.syncAppointments;
  // In a batch every handler of the user needs the zone: one read for all of them.
  const writeZone = () => readOnce(hctx.writes, `zone|${user.userId}`, () => mailboxWriteZone(deps, user, hctx.log));
  const kind = writes ? appointmentPushKindIn(await writeZone()) : appointmentPushKind;
  await pushItem(deps, user, hctx.log, window, kind, eventGateway(deps, user, hctx.writes), {
    op: message.op,
    kco: message.kco,
    hsaRef: message.hsaRef,
    outlookId: message.outlookId,
    item: appointment,
  });
}
