// Sends messages to the ERP (erp-inbound): session = ERP user, MessageId = hash of the content and its version.
import type { InboundMessage } from "../domain/messages/inboundMessage.js";
import { inboundMessageId } from "../domain/messages/messageIds.js";
import type { AppDeps } from "./appDeps.js";

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
