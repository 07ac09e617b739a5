// Checks a message for the ERP against the erp-inbound contract before it is sent (any kind).
import { PermanentError } from "../../domain/errors.js";
import type { InboundMessage } from "../../domain/messages/inboundMessage.js";
import { parseInboundMessage } from "../../domain/messages/parseMessage.js";

/** The message when it fits the erp-inbound contract; else a PermanentError naming the field. */
export function checkInbound(message: InboundMessage): InboundMessage {
  const parsed = parseInboundMessage(message);
  if (!parsed.ok) throw new PermanentError("invalid_inbound_message", `erp-inbound message: ${parsed.reason}`);
  return message;
}
