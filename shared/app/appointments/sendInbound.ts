// Sends appointment messages to the ERP (erp-inbound): validated against the contract, session = user, id = content + version hash.
import { PermanentError } from "../../domain/errors.js";
import type { InboundMessage } from "../../domain/messages/inboundMessage.js";
import { inboundMessageId } from "../../domain/messages/messageIds.js";
import { parseInboundMessage } from "../../domain/messages/parseMessage.js";
import type { PullDecision } from "../../domain/appointments/pullPlan.js";
import type { AppDeps } from "../appDeps.js";

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

/** A message for the ERP and the Outlook version (changeKey) it was read at, when there is one. */
export interface InboundOut {
  message: InboundMessage;
  version?: string | undefined;
}

/**
 * Sends the messages in order, in as few batches as fit. MessageId = hash of the content and version, so re-sending
 * the same change after a crash is dropped by the broker's duplicate detection, while a later edit back to earlier
 * content (another changeKey) is not.
 */
export async function sendInbound(deps: Pick<AppDeps, "config" | "queues">, items: readonly InboundOut[]) {
  if (items.length === 0) return;
  await deps.queues.sendBatch(
    deps.config.erpInboundQueue,
    items.map(({ message, version }) => ({
      body: message,
      sessionId: message.user,
      messageId: inboundMessageId(message, version),
    })),
  );
}
