// Builds and checks appointment messages for the ERP (erp-inbound); shared/app/sendInbound.ts sends them.
import { PermanentError } from "../../domain/errors.js";
import type { InboundMessage } from "../../domain/messages/inboundMessage.js";
import { parseInboundMessage } from "../../domain/messages/parseMessage.js";
import type { PullDecision } from "../../domain/appointments/pullPlan.js";

export type InboundDecision = Extract<PullDecision, { type: "inbound" }>;

/** The erp-inbound message for an inbound decision (DELETE carries no data). */
export function inboundFromDecision(user: string, d: InboundDecision): InboundMessage {
  const base = {
    kind: "appointment" as const,
    user,
    kco: d.kco,
    hsaRef: d.hsaRef,
    outlookId: d.outlookId,
    actionType: d.actionType,
  };
  if (d.op === "DELETE") return { ...base, op: "DELETE" };
  if (!d.data) throw new PermanentError("invalidMessage", `data: missing for ${d.op} of event ${d.outlookId}`);
  return { ...base, op: d.op, data: d.data };
}

/** Checks a message against the erp-inbound contract; PermanentError naming the field when it does not fit. */
export function checkInbound(message: InboundMessage): InboundMessage {
  const parsed = parseInboundMessage(message);
  if (!parsed.ok) throw new PermanentError("invalid_inbound_message", `erp-inbound message: ${parsed.reason}`);
  return message;
}
