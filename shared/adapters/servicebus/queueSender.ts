// Sends JSON messages to Service Bus queues with SessionId, MessageId (idempotency key) and optional scheduling;
// batches fan-out. One ServiceBusClient per connection, one ServiceBusSender per queue, closed on close().
import { type ServiceBusMessage, type ServiceBusMessageBatch, type ServiceBusSender } from "@azure/service-bus";
import { PermanentError } from "../../domain/errors.js";
import { createServiceBusClient, serviceBusTargetKey, type ServiceBusTarget } from "./serviceBusClients.js";
import { toServiceBusError } from "./serviceBusErrors.js";

export interface SendOptions {
  /** The ERP user the message is about (the queues are session-enabled: one session per user). */
  sessionId: string;
  /** Deterministic idempotency key (see shared/domain/messages/messageIds.ts): duplicate detection drops re-sends. */
  messageId: string;
  /** Hide the message until then (a delayed retry after Retry-After). */
  scheduledEnqueueTimeUtc?: Date;
  applicationProperties?: Record<string, string | number | boolean | Date | null>;
}

export interface OutgoingMessage extends SendOptions {
  /** A JSON value (sent as UTF-8 JSON bytes, content type application/json), or raw bytes/text sent as they are. */
  body: unknown;
}

export interface BatchResult {
  sent: number;
  /** How many batches (= AMQP transfers, round trips) it took. */
  batches: number;
}

export interface QueueSender {
  send(queue: string, body: unknown, options: SendOptions): Promise<void>;
  /** Sends in as few batches as fit (`maxBatchBytes` defaults to the link's maximum message size). */
  sendBatch(
    queue: string,
    messages: readonly OutgoingMessage[],
    options?: { maxBatchBytes?: number },
  ): Promise<BatchResult>;
  close(): Promise<void>;
}

/** Builds the wire message. JSON values become UTF-8 bytes in a data section, readable by any AMQP client. */
export function toServiceBusMessage(m: OutgoingMessage): ServiceBusMessage {
  const isRaw = typeof m.body === "string" || m.body instanceof Uint8Array;
  const body = isRaw ? Buffer.from(m.body as string | Uint8Array) : Buffer.from(JSON.stringify(m.body), "utf8");
  return {
    body,
    contentType: isRaw ? undefined : "application/json",
    messageId: m.messageId,
    sessionId: m.sessionId,
    scheduledEnqueueTimeUtc: m.scheduledEnqueueTimeUtc,
    applicationProperties: m.applicationProperties,
  };
}

function check(m: SendOptions, queue: string): void {
  if (!m.sessionId) throw new PermanentError("servicebus.sessionId", `send to ${queue}: sessionId is required`);
  if (!m.messageId || m.messageId.length > 128) {
    throw new PermanentError("servicebus.messageId", `send to ${queue}: messageId must be 1..128 characters`);
  }
}

/** `target`: a connection string, or SERVICEBUS_CONNECTION in either form (see serviceBusClients.ts). */
export function createQueueSender(
  target: ServiceBusTarget,
  options: Parameters<typeof createServiceBusClient>[1] = {},
): QueueSender {
  const client = createServiceBusClient(target, options);
  const senders = new Map<string, ServiceBusSender>();
  const senderFor = (queue: string) => {
    let s = senders.get(queue);
    if (!s) senders.set(queue, (s = client.createSender(queue)));
    return s;
  };

  return {
    async send(queue, body, options) {
      check(options, queue);
      try {
        await senderFor(queue).sendMessages(toServiceBusMessage({ ...options, body }));
      } catch (error) {
        throw toServiceBusError(error, `send to ${queue}`);
      }
    },

    async sendBatch(queue, messages, batchOptions = {}) {
      const newBatch = () =>
        sender.createMessageBatch(batchOptions.maxBatchBytes ? { maxSizeInBytes: batchOptions.maxBatchBytes } : {});
      messages.forEach((m) => check(m, queue));
      const sender = senderFor(queue);
      let sent = 0;
      let batches = 0;
      try {
        let batch: ServiceBusMessageBatch = await newBatch();
        for (const m of messages) {
          const wire = toServiceBusMessage(m);
          if (batch.tryAddMessage(wire)) continue;
          if (batch.count === 0) {
            throw new PermanentError(
              "servicebus.MessageSizeExceeded",
              `send to ${queue}: message ${m.messageId} is larger than a batch (${batch.maxSizeInBytes} bytes)`,
            );
          }
          await sender.sendMessages(batch);
          sent += batch.count;
          batches++;
          batch = await newBatch();
          if (!batch.tryAddMessage(wire)) {
            throw new PermanentError(
              "servicebus.MessageSizeExceeded",
              `send to ${queue}: message ${m.messageId} is larger than a batch (${batch.maxSizeInBytes} bytes)`,
            );
          }
        }
        if (batch.count > 0) {
          await sender.sendMessages(batch);
          sent += batch.count;
          batches++;
        }
      } catch (error) {
        if (error instanceof PermanentError) throw error;
        // Messages already sent stay sent; a retry re-sends them with the same MessageIds and duplicate detection drops them.
        throw toServiceBusError(error, `send batch to ${queue} (${sent} of ${messages.length} sent)`);
      }
      return { sent, batches };
    },

    async close() {
      const all = [...senders.values()];
      senders.clear();
      await Promise.allSettled(all.map((s) => s.close()));
      await client.close();
    },
  };
}

const shared = new Map<string, QueueSender>();

/** The process-wide sender for a connection (Functions reuse it across invocations). */
export function getQueueSender(target: ServiceBusTarget): QueueSender {
  const key = serviceBusTargetKey(target);
  let s = shared.get(key);
  if (!s) shared.set(key, (s = createQueueSender(target)));
  return s;
}

/** Closes every sender made by getQueueSender (tests, graceful shutdown). */
export async function closeQueueSenders(): Promise<void> {
  const all = [...shared.values()];
  shared.clear();
  await Promise.allSettled(all.map((s) => s.close()));
}
