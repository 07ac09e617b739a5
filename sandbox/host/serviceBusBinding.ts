// What the Functions host hands a Node function for a Service Bus message, or a batch of them (cardinality many):
// the body (JSON-parsed when it is JSON) and triggerMetadata (binding data names, camel-cased by the worker).
import type { ServiceBusReceivedMessage } from "@azure/service-bus";

export function hostBody(message: ServiceBusReceivedMessage): unknown {
  const raw: unknown = message.body;
  const text = Buffer.isBuffer(raw) ? raw.toString("utf8") : typeof raw === "string" ? raw : undefined;
  if (text === undefined) return raw;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** DeliveryCount as the host reports it (1 on the first delivery): the wire header counts prior failed attempts. */
export const hostDeliveryCount = (m: ServiceBusReceivedMessage) => (m.deliveryCount ?? 0) + 1;

export function hostTriggerMetadata(m: ServiceBusReceivedMessage): Record<string, unknown> {
  return {
    messageId: m.messageId === undefined ? undefined : String(m.messageId),
    sessionId: m.sessionId,
    deliveryCount: hostDeliveryCount(m),
    enqueuedTimeUtc: m.enqueuedTimeUtc?.toISOString(),
    sequenceNumber: m.sequenceNumber?.toNumber(),
    lockToken: m.lockToken,
    contentType: m.contentType,
    correlationId: m.correlationId,
    applicationProperties: m.applicationProperties ?? {},
    userProperties: m.applicationProperties ?? {},
  };
}

/**
 * triggerMetadata of a batch invocation (cardinality "many"): each binding data name with "Array" appended, one
 * element per message in the order of the bodies (as the Service Bus extension's binding data for several messages).
 */
export function hostBatchTriggerMetadata(messages: readonly ServiceBusReceivedMessage[]): Record<string, unknown[]> {
  const singles = messages.map(hostTriggerMetadata);
  const names = [...new Set(singles.flatMap((s) => Object.keys(s)))];
  return Object.fromEntries(names.map((name) => [`${name}Array`, singles.map((s) => s[name])]));
}
