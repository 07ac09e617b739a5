// PUSH decisions: what an ERP appointment CREATE/UPDATE/DELETE means for the user's Outlook calendar.
import { erpModifiedAt } from "../conflict.js";
import { PermanentError } from "../errors.js";
import { erpAppointmentFingerprint } from "../fingerprint.js";
import { overlapsWindow, type SyncWindow } from "../window.js";
import { erpAppointmentTimes } from "./erpAppointment.js";
import { appointmentTransactionId } from "./erpKey.js";
import { eventBodyFromErp, type GraphEventBody } from "./eventBody.js";
import type { ErpAppointment, Link, UserSwitches } from "./types.js";

export interface PushInput {
  op: "CREATE" | "UPDATE" | "DELETE";
  /** ERP user id (part of the transactionId). */
  user: string;
  /** Required for CREATE/UPDATE; optional for DELETE. Carries kco + hsaRef. */
  appointment?: ErpAppointment;
  /** Set when the ERP record was created from an Outlook event: link to it, never create another. */
  outlookId?: string;
  /** The existing link for this ERP key (or for `outlookId`), if any. */
  link?: Link;
  switches: UserSwitches;
  window: SyncWindow;
  now: Date;
}

export type PushSkipReason =
  | "switchOff"
  | "outsideWindow"
  | "unchanged"
  | "notLinked"
  | "stale"
  | "tombstoned"
  /** Deleted in Outlook, DELETE to the ERP still deferred (erp-wins grace): the caller applies the conflict rule. */
  | "tombstonePending";

export type PushDecision =
  /** POST /users/{mailbox}/events with `body` (transactionId inside); then save a link from the answer. */
  | { type: "create"; transactionId: string; body: GraphEventBody; erpFingerprint: string }
  /** No Graph write: record `link` (the ERP answered an Outlook-born CREATE, or the switch allows only recording). */
  | { type: "link"; outlookId: string; link: Link }
  /**
   * PATCH the event with `body`; `ifMatch` is the ETag form W/"changeKey" of the last known changeKey (undefined when
   * unknown: send no If-Match). A 412 goes to `decideDrift` with the event read fresh. Then save the link.
   */
  | {
      type: "update";
      outlookId: string;
      ifMatch: string | undefined;
      changeKey: string | undefined;
      body: GraphEventBody;
      erpFingerprint: string;
    }
  /** DELETE the event (a 404 counts as done); then remove the link. */
  | { type: "delete"; outlookId: string }
  | { type: "skip"; reason: PushSkipReason; detail?: string };

/** The If-Match value Graph expects for a changeKey (the event's @odata.etag is W/"<changeKey>"). */
export const etagOf = (changeKey: string): string => `W/"${changeKey}"`;

function requireAppointment(input: PushInput): ErpAppointment {
  if (!input.appointment) {
    throw new PermanentError("invalidMessage", `data: appointment data is required for ${input.op}`);
  }
  return input.appointment;
}

function recordedLink(input: PushInput, a: ErpAppointment, outlookId: string, fingerprint: string): Link {
  const existing = input.link && input.link.outlookId === outlookId ? input.link : undefined;
  return {
    user: input.user,
    kco: a.kco,
    hsaRef: a.hsaRef,
    outlookId,
    erpFingerprint: fingerprint,
    outlookFingerprint: existing?.outlookFingerprint ?? fingerprint,
    outlookChangeKey: existing?.outlookChangeKey ?? "",
    lastSyncedAt: input.now,
    erpModifiedAt: newestModifiedAt(input.link, a),
  };
}

/** The later of the link's ERP modifiedAt and the appointment's (what the link holds after applying `a`). */
export function newestModifiedAt(link: Link | undefined, a: ErpAppointment | undefined): Date | undefined {
  const pushed = erpModifiedAt(a);
  const held = link?.erpModifiedAt;
  if (!pushed) return held;
  return held && held.getTime() > pushed.getTime() ? held : pushed;
}

/** A CREATE/UPDATE whose modifiedAt is older than the one the link holds (delivered after a newer one). */
function staleness(link: Link | undefined, a: ErpAppointment): string | undefined {
  const pushed = erpModifiedAt(a);
  const held = link?.erpModifiedAt;
  if (!pushed || !held || pushed.getTime() >= held.getTime()) return undefined;
  return `modifiedAt ${a.modifiedAt ?? ""} is older than ${held.toISOString()} already applied`;
}

/**
 * Rules: switch `syncAppointments` off → nothing is written to Outlook (but an ERP answer carrying outlookId is still
 * recorded as a link when `appointmentsFromOutlook` is on, so the Outlook-born item is not offered again).
 * DELETE → delete the linked event (also outside the window), else the given outlookId, else nothing.
 * CREATE with outlookId → link to it. Linked (CREATE redelivered, or UPDATE): unchanged fingerprint → nothing, else
 * PATCH with If-Match (also when the new times are outside the window: the event must not keep stale times).
 * UPDATE with outlookId but no link → PATCH that event. Unlinked and outside the window → nothing; else create with a
 * transactionId derived from user + kco + hsaRef (a redelivered CREATE never makes a second event).
 * A CREATE/UPDATE whose `modifiedAt` is older than the link's (an older change delivered after a newer one) → stale:
 * nothing written (a push without modifiedAt is never stale). A tombstoned link (deleted in Outlook, DELETE sent to
 * the ERP) → CREATE/UPDATE write nothing: the ERP is deleting that record, nothing may re-create its event. A pending
 * tombstone (the DELETE still deferred) → "tombstonePending" unless stale: the ERP change crossed the Outlook delete,
 * and the caller decides with the conflict rule (erp-wins re-creates the event).
 */
export function decidePush(input: PushInput): PushDecision {
  const { op, link, outlookId } = input;
  if (!input.switches.syncAppointments) {
    if (op !== "DELETE" && outlookId && input.switches.appointmentsFromOutlook) {
      const a = requireAppointment(input);
      const fingerprint = erpAppointmentFingerprint(a);
      return { type: "link", outlookId, link: recordedLink(input, a, outlookId, fingerprint) };
    }
    return { type: "skip", reason: "switchOff" };
  }

  if (op === "DELETE") {
    // Also for a tombstone: the event is gone already (404 = done) and the ERP's DELETE retires the tombstone.
    if (link) return { type: "delete", outlookId: link.outlookId };
    if (outlookId) return { type: "delete", outlookId };
    return { type: "skip", reason: "notLinked" };
  }

  const a = requireAppointment(input);
  const fingerprint = erpAppointmentFingerprint(a);
  const stale = staleness(link, a);
  if (link?.state === "outlookDeleted") {
    if (link.erpDeleteDue) {
      if (stale) return { type: "skip", reason: "stale", detail: stale };
      const detail = `event ${link.outlookId} was deleted in Outlook; DELETE to the ERP deferred until ${link.erpDeleteDue.toISOString()}`;
      return { type: "skip", reason: "tombstonePending", detail };
    }
    const detail = `event ${link.outlookId} was deleted in Outlook and the ERP was sent DELETE`;
    return { type: "skip", reason: "tombstoned", detail };
  }
  if (stale) return { type: "skip", reason: "stale", detail: stale };
  if (op === "CREATE" && outlookId) {
    return { type: "link", outlookId, link: recordedLink(input, a, outlookId, fingerprint) };
  }
  if (link) {
    if (link.erpFingerprint === fingerprint) return { type: "skip", reason: "unchanged" };
    const changeKey = link.outlookChangeKey || undefined;
    return {
      type: "update",
      outlookId: link.outlookId,
      ifMatch: changeKey ? etagOf(changeKey) : undefined,
      changeKey,
      body: eventBodyFromErp(a),
      erpFingerprint: fingerprint,
    };
  }
  if (outlookId) {
    return {
      type: "update",
      outlookId,
      ifMatch: undefined,
      changeKey: undefined,
      body: eventBodyFromErp(a),
      erpFingerprint: fingerprint,
    };
  }
  const span = erpAppointmentTimes(a);
  if (!overlapsWindow(span.start, span.end, input.window)) {
    return { type: "skip", reason: "outsideWindow", detail: `${a.start} – ${a.end}` };
  }
  const transactionId = appointmentTransactionId(input.user, a.kco, a.hsaRef);
  return { type: "create", transactionId, body: eventBodyFromErp(a, transactionId), erpFingerprint: fingerprint };
}
