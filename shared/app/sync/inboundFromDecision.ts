// The erp-inbound message for a pull decision of any kind (its kind named by the SyncKind, not by the caller).
import { PermanentError } from "../../domain/errors.js";
import type { InboundMessage } from "../../domain/messages/inboundMessage.js";
import type { ItemKind } from "../../domain/sync/link.js";
import type { PullItemDecision } from "../../domain/sync/pullItem.js";
import { checkInbound } from "./checkInbound.js";

export type InboundDecision<D> = Extract<PullItemDecision<D>, { type: "inbound" }>;

/** The checked erp-inbound message for an inbound decision (DELETE carries no data); PermanentError naming the field. */
export function inboundFromDecision<D>(kind: ItemKind, user: string, d: InboundDecision<D>): InboundMessage {
  const base = { kind, user, kco: d.kco, hsaRef: d.hsaRef, outlookId: d.outlookId, actionType: d.actionType };
  if (d.op === "DELETE") return checkInbound({ ...base, op: "DELETE" });
  if (!d.data) throw new PermanentError("invalidMessage", `data: missing for ${d.op} of ${kind} ${d.outlookId}`);
  return checkInbound({ ...base, op: d.op, data: d.data });
}
