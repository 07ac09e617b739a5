// PUSH for ERP appointments (msgraph-push kind appointment): create / update / delete the user's Outlook event and
// record the link with both sides' fingerprints, so the notification our write causes comes back as an echo.
import type { GraphEvent } from "../../adapters/graph/schemas.js";
import type { UserSettings } from "../../adapters/tables/usersTable.js";
import { inboundDataFromEvent } from "../../domain/appointments/erpAppointment.js";
import { appointmentTransactionId, ERP_KEY_PROPERTY_ID } from "../../domain/appointments/erpKey.js";
import { eventBodyFromErp } from "../../domain/appointments/eventBody.js";
import { parseGraphEvent } from "../../domain/appointments/graphEvent.js";
import { matchActionType } from "../../domain/appointments/pullPlan.js";
import { decidePush, etagOf, newestModifiedAt, type PushDecision } from "../../domain/appointments/pushPlan.js";
import type { ErpAppointment, Link, OutlookEvent } from "../../domain/appointments/types.js";
import { decideDrift } from "../../domain/conflict.js";
import { AppError, TransientError } from "../../domain/errors.js";
import { erpAppointmentFingerprint, outlookEventFingerprint } from "../../domain/fingerprint.js";
import type { InboundMessage } from "../../domain/messages/inboundMessage.js";
import type { PushMessageOf } from "../../domain/messages/pushMessage.js";
import type { SyncWindow } from "../../domain/window.js";
import type { AppDeps } from "../appDeps.js";
import type { HandlerContext, Logger } from "../dispatchMessage.js";
import { removeLink, saveLink, toDomainLink } from "./appointmentLinks.js";
import { beginRecreate, claimTombstone, finishRecreate } from "./linkArbiter.js";
import { loadAppointmentUser } from "./loadAppointmentUser.js";
import { currentWindow } from "./pullAppointments.js";
import { checkInbound } from "./sendInbound.js";
import { sendInbound } from "../sendInbound.js";

type AppointmentPush = PushMessageOf<"appointment">;

interface PushRun {
  deps: AppDeps;
  user: UserSettings;
  log: Logger;
  now: Date;
  window: SyncWindow;
  message: AppointmentPush;
  /** Present for CREATE/UPDATE. */
  appointment: ErpAppointment | undefined;
  /** The link found for the ERP key (or a pending link of `outlookId`). */
  link: Link | undefined;
}

const codeOf = (e: unknown) => (e instanceof AppError ? e.code : undefined);

/** The push message's appointment, with the description of its action type (the event's first category). */
async function toErpAppointment(deps: AppDeps, m: AppointmentPush): Promise<ErpAppointment | undefined> {
  if (!m.data) return undefined;
  const code = m.data.actionType?.trim();
  const description = code
    ? (await deps.actionTypes.listByCompany(m.kco)).find((t) => t.code === code)?.description
    : undefined;
  return {
    kco: m.kco,
    hsaRef: m.hsaRef,
    subject: m.data.subject,
    start: m.data.start,
    end: m.data.end,
    allDay: m.data.allDay,
    location: m.data.location,
    notes: m.data.notes,
    actionType: code,
    actionTypeDescription: description,
    modifiedAt: m.data.modifiedAt,
  };
}

/**
 * The link for the message's ERP key; else, when `outlookId` is given, a PENDING link of that event (an Outlook-born
 * item the ERP is answering). An outlookId linked to another ERP item is ignored (never act on someone else's event).
 */
async function findLink(
  deps: AppDeps,
  m: AppointmentPush,
  log: Logger,
): Promise<{ link: Link | undefined; outlookId: string | undefined }> {
  const byKey = await deps.links.getByErpKey(m.user, "appointment", m.kco, m.hsaRef);
  if (byKey) return { link: toDomainLink(byKey), outlookId: m.outlookId };
  if (!m.outlookId) return { link: undefined, outlookId: undefined };
  const byId = await deps.links.getByOutlookId(m.user, m.outlookId);
  if (!byId || byId.kind !== "appointment") return { link: undefined, outlookId: m.outlookId };
  const link = toDomainLink(byId);
  if (link.hsaRef === null) return { link, outlookId: m.outlookId };
  log.warn(
    `push appointment ${m.kco}/${m.hsaRef}: outlookId ${m.outlookId} is linked to ${link.kco}/${link.hsaRef}; ignored`,
  );
  return { link: undefined, outlookId: undefined };
}

/**
 * Unknown/invalid user → PermanentError naming it. syncAppointments off → logged, nothing written (an ERP answer with
 * outlookId is still recorded as a link when appointmentsFromOutlook is on). Otherwise decidePush and act:
 * CREATE (deterministic transactionId + our extended property), UPDATE (If-Match on the last changeKey; 412 → read
 * fresh → decideDrift with CONFLICT_RULE), DELETE (404 = already gone), link. Every write records the link.
 */
export async function handleAppointmentPush(
  deps: AppDeps,
  message: AppointmentPush,
  hctx: HandlerContext,
): Promise<void> {
  const log = hctx.log;
  const user = await loadAppointmentUser(deps, message.user);
  const now = deps.now();
  const window = currentWindow(deps, now);
  const { link, outlookId } = await findLink(deps, message, log);
  const appointment = message.op === "DELETE" ? undefined : await toErpAppointment(deps, message);
  const run: PushRun = { deps, user, log, now, window, message, appointment, link };
  const decision = decidePush({
    op: message.op,
    user: user.userId,
    appointment,
    ...(outlookId ? { outlookId } : {}),
    ...(link ? { link } : {}),
    switches: { syncAppointments: user.syncAppointments, appointmentsFromOutlook: user.appointmentsFromOutlook },
    window,
    now,
  });
  if (decision.type === "skip" && decision.reason === "unchanged" && link?.hsaRef === null && appointment) {
    // The ERP answered an Outlook-born CREATE with an UPDATE of identical content: the pending link gets its key.
    await replaceLink(run, { ...link, kco: appointment.kco, hsaRef: appointment.hsaRef, lastSyncedAt: now });
    log.log(`${where(run)}: linked to event ${link.outlookId} (content already in step)`);
    return;
  }
  if (decision.type === "skip" && decision.reason === "unchanged" && link && appointment) {
    // Same content, later modifiedAt: the link remembers it, so an older push delivered after this one is stale.
    const newest = newestModifiedAt(link, appointment);
    if (newest && newest.getTime() !== link.erpModifiedAt?.getTime()) {
      await saveLink(deps, { ...link, erpModifiedAt: newest });
    }
  }
  if (decision.type === "skip" && decision.reason === "tombstonePending" && link && appointment) {
    await crossedOutlookDelete(run, link, appointment);
    return;
  }
  await act(run, decision);
}

/**
 * An ERP CREATE/UPDATE that crossed an Outlook delete whose DELETE to the ERP is still deferred: the conflict rule
 * decides as for a PATCH answered 404. erp-wins re-creates the event (the pending tombstone is overwritten by the
 * "recreating" intent, so the DELETE is never sent); otherwise the tombstone stands and its DELETE goes out when due.
 */
async function crossedOutlookDelete(run: PushRun, link: Link, appointment: ErpAppointment): Promise<void> {
  const { deps, user, log } = run;
  const drift = decideDrift({
    link,
    erp: appointment,
    outlook: undefined,
    rule: deps.config.conflictRule,
    switches: { syncAppointments: user.syncAppointments, appointmentsFromOutlook: user.appointmentsFromOutlook },
    window: run.window,
  });
  log.log(
    `${where(run)}: event ${link.outlookId} deleted in Outlook, DELETE deferred: ${drift.action} (${drift.reason})`,
  );
  if (drift.action === "recreateInOutlook")
    await recreate(run, link, appointment, erpAppointmentFingerprint(appointment));
  else if (drift.action === "dropLink") await removeLink(deps, link);
}

const where = (r: PushRun) => `push appointment ${r.message.op} ${r.user.userId} ${r.message.kco}/${r.message.hsaRef}`;

async function act(run: PushRun, d: PushDecision): Promise<void> {
  const { deps, user, log } = run;
  switch (d.type) {
    case "skip":
      log.log(`${where(run)}: nothing written (${d.reason}${d.detail ? `: ${d.detail}` : ""})`);
      return;
    case "create": {
      const created = await deps.graph.createEvent(user.mailbox, { ...d.body });
      await recordWrite(run, created, d.erpFingerprint);
      log.log(`${where(run)}: event ${created.id} created`);
      return;
    }
    case "link":
      await replaceLink(run, d.link);
      log.log(`${where(run)}: linked to event ${d.outlookId}`);
      return;
    case "delete": {
      const { deleted } = await deps.graph.deleteEvent(user.mailbox, d.outlookId);
      if (run.link) await removeLink(deps, run.link);
      log.log(`${where(run)}: event ${d.outlookId} ${deleted ? "deleted" : "was already gone"}`);
      return;
    }
    case "update":
      await update(run, d);
      return;
  }
}

async function update(run: PushRun, d: Extract<PushDecision, { type: "update" }>): Promise<void> {
  const { deps, user, log } = run;
  let updated: GraphEvent;
  try {
    updated = await deps.graph.updateEvent(
      user.mailbox,
      d.outlookId,
      { ...d.body },
      d.ifMatch ? { ifMatch: d.ifMatch } : {},
    );
  } catch (error) {
    const code = codeOf(error);
    if (code !== "precondition_failed" && code !== "not_found") throw error;
    log.warn(`${where(run)}: PATCH of event ${d.outlookId} answered ${code}; reading it fresh`);
    await resolveFailedPatch(run, d);
    return;
  }
  await recordWrite(run, updated, d.erpFingerprint);
  log.log(`${where(run)}: event ${d.outlookId} updated`);
}

/** After a 412 (changed in Outlook since our last sync) or 404: decide with the event as it is now. */
async function resolveFailedPatch(run: PushRun, d: Extract<PushDecision, { type: "update" }>): Promise<void> {
  const { deps, user, log, appointment } = run;
  const fresh = await deps.graph.getEvent(user.mailbox, d.outlookId, { extendedPropertyId: ERP_KEY_PROPERTY_ID });
  const link = run.link;
  if (!link || !appointment) {
    if (fresh) throw new TransientError("precondition_failed", `event ${d.outlookId} changed during the update`);
    // The ERP named an event that no longer exists and there is no link: treat the item as not in Outlook yet.
    log.warn(`${where(run)}: event ${d.outlookId} is gone; deciding as an unlinked appointment`);
    const again = decidePush({
      op: run.message.op,
      user: user.userId,
      appointment,
      switches: { syncAppointments: user.syncAppointments, appointmentsFromOutlook: user.appointmentsFromOutlook },
      window: run.window,
      now: run.now,
    });
    await act({ ...run, link: undefined }, again);
    return;
  }
  const outlook = fresh ? parseGraphEvent(fresh) : undefined;
  const drift = decideDrift({
    link,
    erp: appointment,
    outlook,
    rule: deps.config.conflictRule,
    switches: { syncAppointments: user.syncAppointments, appointmentsFromOutlook: user.appointmentsFromOutlook },
    window: run.window,
  });
  log.log(`${where(run)}: conflict on event ${d.outlookId}: ${drift.action} (${drift.reason})`);
  const erpFingerprint = erpAppointmentFingerprint(appointment);
  switch (drift.action) {
    case "pushErp": {
      const ifMatch = fresh?.["@odata.etag"] ?? (fresh?.changeKey ? etagOf(fresh.changeKey) : undefined);
      let updated: GraphEvent;
      try {
        updated = await deps.graph.updateEvent(user.mailbox, d.outlookId, { ...d.body }, ifMatch ? { ifMatch } : {});
      } catch (error) {
        if (codeOf(error) === "precondition_failed" || codeOf(error) === "not_found") {
          throw new TransientError("conflict_retry", `event ${d.outlookId} changed again during conflict resolution`, {
            cause: error,
          });
        }
        throw error;
      }
      await recordWrite(run, updated, erpFingerprint);
      return;
    }
    case "pullOutlook":
      if (outlook) await sendOutlookVersion(run, link, outlook);
      return;
    case "refreshLink":
      if (outlook) {
        await replaceLink(run, {
          ...link,
          kco: appointment.kco,
          hsaRef: appointment.hsaRef,
          erpFingerprint,
          outlookFingerprint: outlookEventFingerprint(outlook),
          outlookChangeKey: outlook.changeKey ?? link.outlookChangeKey,
          lastSyncedAt: run.now,
          erpModifiedAt: newestModifiedAt(link, appointment),
        });
      }
      return;
    case "recreateInOutlook":
      await recreate(run, link, appointment, erpFingerprint);
      return;
    case "deleteInErp": {
      // outlook-wins: the tombstone makes this DELETE the only one (the pull side sends the same one at most).
      if (!(await claimTombstone(deps, link, run.now))) {
        log.log(`${where(run)}: event ${link.outlookId} is no longer linked or is being re-created; no DELETE`);
        return;
      }
      const message = checkInbound({
        kind: "appointment",
        op: "DELETE",
        user: user.userId,
        kco: link.kco,
        hsaRef: link.hsaRef,
        outlookId: link.outlookId,
        actionType: null,
      });
      await sendInbound(deps, [{ message }]);
      return;
    }
    case "dropLink":
    case "deleteInOutlook":
      await removeLink(deps, link);
      return;
    case "recreateInErp":
    case "none":
      return;
  }
}

/**
 * erp-wins after the event was deleted in Outlook: record the "recreating" intent on the link (ETag-conditional), create
 * the event (its own transactionId, so a redelivery finds the same one), move the link to it (conditional on the
 * intent). The pull side's tombstone committed first → back off (the ERP is being sent DELETE). Lost the final write
 * → delete the event just created (no orphan) and let redelivery decide again.
 */
async function recreate(run: PushRun, link: Link, appointment: ErpAppointment, erpFingerprint: string): Promise<void> {
  const { deps, user, log } = run;
  const intent = await beginRecreate(deps, link, run.now);
  if (intent === "tombstoned") {
    log.log(
      `${where(run)}: event ${link.outlookId} was deleted in Outlook and the ERP was sent DELETE; not re-created`,
    );
    return;
  }
  const transactionId = appointmentTransactionId(
    user.userId,
    appointment.kco,
    `${appointment.hsaRef}#${link.outlookId}`,
  );
  const created = await deps.graph.createEvent(user.mailbox, { ...eventBodyFromErp(appointment, transactionId) });
  const next: Link = {
    ...linkAfterWrite(run, created, erpFingerprint, appointment),
    erpModifiedAt: newestModifiedAt(link, appointment),
  };
  if ((await finishRecreate(deps, intent, next)) === "done") {
    log.log(`${where(run)}: event ${link.outlookId} deleted in Outlook; re-created as ${created.id}`);
    return;
  }
  await deps.graph.deleteEvent(user.mailbox, created.id);
  throw new TransientError(
    "conflict_retry",
    `${where(run)}: the link changed while re-creating; event ${created.id} removed`,
  );
}

/** outlook-wins: the ERP gets Outlook's version (erp-inbound UPDATE); the link expects the ERP to store it. */
async function sendOutlookVersion(run: PushRun, link: Link, outlook: OutlookEvent): Promise<void> {
  const { deps, user } = run;
  const kco = run.appointment?.kco ?? link.kco;
  const hsaRef = run.appointment?.hsaRef ?? link.hsaRef;
  const actionTypes = await deps.actionTypes.listByCompany(kco);
  const message: InboundMessage = checkInbound({
    kind: "appointment",
    op: "UPDATE",
    user: user.userId,
    kco,
    hsaRef,
    outlookId: outlook.id,
    actionType: matchActionType(outlook.categories, actionTypes, kco)?.code ?? null,
    data: inboundDataFromEvent(outlook),
  });
  await sendInbound(deps, [{ message }]);
  const fingerprint = outlookEventFingerprint(outlook);
  await replaceLink(run, {
    ...link,
    kco,
    hsaRef,
    erpFingerprint: fingerprint,
    outlookFingerprint: fingerprint,
    outlookChangeKey: outlook.changeKey ?? link.outlookChangeKey,
    lastSyncedAt: run.now,
  });
}

/** The link after a Graph write: ERP fingerprint as pushed, Outlook fingerprint of what Graph returned. */
function linkAfterWrite(run: PushRun, event: GraphEvent, erpFingerprint: string, a: ErpAppointment): Link {
  return {
    user: run.user.userId,
    kco: a.kco,
    hsaRef: a.hsaRef,
    outlookId: event.id,
    erpFingerprint,
    outlookFingerprint: outlookEventFingerprint(parseGraphEvent(event)),
    outlookChangeKey: event.changeKey ?? "",
    lastSyncedAt: run.now,
    erpModifiedAt: newestModifiedAt(run.link, a),
  };
}

/** Records the link after a Graph write. */
async function recordWrite(run: PushRun, event: GraphEvent, erpFingerprint: string): Promise<void> {
  if (run.appointment) await replaceLink(run, linkAfterWrite(run, event, erpFingerprint, run.appointment));
}

/** Saves `next`; a pending link of the same event (hsaRef null) is removed first, since the ERP key now exists. */
async function replaceLink(run: PushRun, next: Link): Promise<void> {
  const old = run.link;
  if (old && old.hsaRef === null && next.hsaRef !== null) await removeLink(run.deps, old);
  await saveLink(run.deps, next);
}
