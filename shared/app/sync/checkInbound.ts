// Checks a message for the ERP against the erp-inbound contract before it is sent (any kind).
import { PermanentError } from "../../domain/errors.js";
import type { InboundMessage } from "../../domain/messages/inboundMessage.js";
import { parseInboundMessage } from "../../domain/messages/parseMessage.js";

/**
 * The message (as given, so its MessageId hashes what was built) when it fits the erp-inbound contract; else a
 * PermanentError naming the field. A message built generically (any kind's data) becomes an InboundMessage here.
 */
export function checkInbound(message: InboundMessage | Record<string, unknown>): InboundMessage {
  const parsed = parseInboundMessage(message);
  if (!parsed.ok) throw new PermanentError("invalid_inbound_message", `erp-inbound message: ${parsed.reason}`);
  return message as InboundMessage;
}
