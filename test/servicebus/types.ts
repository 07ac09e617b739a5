// Public types of the Service Bus stand-in (queue options, stored-message view, handle returned by start).

export interface QueueOptions {
  name: string;
  requiresSession?: boolean;
  /** Default 10. */
  maxDeliveryCount?: number;
  /** Default 30000. */
  lockDurationMs?: number;
  /** Default 600000; 0 = duplicate detection off. */
  duplicateDetectionWindowMs?: number;
}

export type StoredMessageState = "active" | "scheduled" | "deferred" | "deadlettered" | "completed";

export interface StoredMessage {
  messageId?: string;
  sessionId?: string;
  /** Raw body bytes as sent (the data section(s); for an AMQP value body, its JSON text). */
  body: Buffer;
  bodyJson?: unknown;
  applicationProperties: Record<string, unknown>;
  /** Service Bus DeliveryCount: how many times the message was handed out with a lock (1 after the first receive). */
  deliveryCount: number;
  sequenceNumber: number;
  enqueuedTimeUtc: Date;
  scheduledEnqueueTimeUtc?: Date;
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
  state: StoredMessageState;
  /** Stand-in only: position of this message's enqueue in one order over every enqueue and completion. */
  enqueueOrder?: number;
  /** Stand-in only: position of its completion in that same order (absent until completed). */
  completedOrder?: number;
}

export interface QueueView {
  /** Messages in state "active" (available or locked), like ActiveMessageCount. */
  activeCount(): number;
  scheduledCount(): number;
  /** Active messages no receiver holds a lock on (of one session when `sessionId` is given): receivable now. */
  availableCount(sessionId?: string): number;
  /** Sessions with an available message that no receiver holds: what acceptNextSession would lock now. */
  freeSessionCount(): number;
  /**
   * Messages a receiver still has to settle now: active ones (available or locked, i.e. in a handler) and scheduled
   * ones already due (their activation pending). Scheduled messages not yet due are not counted.
   */
  dueCount(): number;
  /** Messages currently in `<queue>/$DeadLetterQueue` (not yet completed there). */
  deadLetters(): StoredMessage[];
  /** Every message the queue ever accepted (any state, completed ones included), in sequence order. */
  messages(): StoredMessage[];
  /** AMQP transfers received on sender links to this queue (a batch of N messages is ONE transfer). */
  transferCount(): number;
  /** Of those transfers, how many were batches (message-format 0x80013700). */
  batchTransferCount(): number;
  /** Messages accepted from senders (each message of a batch counts; duplicates dropped by detection not counted). */
  enqueuedCount(): number;
  /** Messages dropped by duplicate detection. */
  duplicateCount(): number;
  /** Successful message-lock and session-lock renewals. */
  lockRenewalCount(): number;
  /** acceptNextSession calls waiting at the broker for a free session. */
  pendingAcceptCount(): number;
  /** Receiver links attached to the queue (a link the broker detached counts until the client answers). */
  receiverCount(): number;
}

export interface ServiceBusStandIn {
  port: number;
  /** "Endpoint=sb://127.0.0.1:<port>;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;" */
  connectionString: string;
  queue(name: string): QueueView;
  stop(): Promise<void>;
}
