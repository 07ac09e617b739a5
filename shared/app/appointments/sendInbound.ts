// Builds and checks appointment messages for the ERP (erp-inbound); shared/app/sendInbound.ts sends them.
import { PermanentError } from "../../domain/errors.js";
import type { InboundMessage } from "../../domain/messages/inboundMessage.js";
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

export { checkInbound } from "../sync/checkInbound.js";
