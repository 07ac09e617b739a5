// Queue state of the Service Bus stand-in: messages, sequence numbers, locks, sessions, DLQ, scheduling, dedupe.
import { randomUUID } from "node:crypto";
import { systemClock, type Clock, type ClockTimer } from "./clock.js";
import type { QueueOptions, QueueView, StoredMessage, StoredMessageState } from "./types.js";

/** A decoded AMQP message as rhea represents it (flat properties, header fields, sections). */
export type AmqpMessage = Record<string, unknown> & {
  message_id?: unknown;
  group_id?: string;
  application_properties?: Record<string, unknown>;
  message_annotations?: Record<string, unknown>;
  body?: unknown;
};

export interface BrokerMessage {
  seq: number;
  amqp: AmqpMessage;
  rawBody: Buffer;
  bodyJson?: unknown;
  messageId?: string;
  sessionId?: string;
  state: StoredMessageState;
  deliveryCount: number;
  enqueuedTime: Date;
  scheduledTime?: Date;
  scheduleTimer?: ClockTimer;
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
  deadLetterSource?: string;
  lock?: MessageLock;
  enqueueOrder?: number;
  completedOrder?: number;
}

export interface MessageLock {
  token: string;
  until: number;
  timer?: ClockTimer;
  consumer?: Consumer;
}

/** A receiver link (the broker's sending side), implemented by the AMQP layer. */
export interface Consumer {
  readonly entity: Entity;
  /** Bound session for session receivers. */
  sessionId?: string;
  readonly receiveAndDelete: boolean;
  credit(): number;
  isOpen(): boolean;
  deliver(msg: BrokerMessage, lockToken: string | undefined): void;
  /** Broker-initiated detach (session lock lost). */
  fail(condition: string, description: string): void;
}

export interface SessionInfo {
  id: string;
  holder?: Consumer;
  lockedUntil: number;
  timer?: ClockTimer;
  state?: Buffer;
}

export class BrokerError extends Error {
  constructor(
    readonly condition: string,
    description: string,
    readonly statusCode = 400,
  ) {
    super(description);
  }
}

interface PendingAccept {
  consumer: Consumer;
  resolve: (sessionId: string | undefined) => void;
  timer: NodeJS.Timeout;
}

export type Outcome =
  | { kind: "complete" }
  | { kind: "abandon"; annotations?: Record<string, unknown> }
  | { kind: "defer"; annotations?: Record<string, unknown> }
  | { kind: "deadletter"; reason?: string; description?: string; properties?: Record<string, unknown> };

export const DLQ_SUFFIX = "/$DeadLetterQueue";

/**
 * One order over every enqueue and completion in this process (stand-in diagnostics, not a Service Bus property):
 * lets a test tell whether a message on one queue was sent before or after a message on another was completed.
 */
let brokerEventOrder = 0;
const nextEventOrder = () => ++brokerEventOrder;

/** One queue or one dead-letter sub-queue. */
export class Entity {
  readonly messages = new Map<number, BrokerMessage>();
  readonly consumers = new Set<Consumer>();
  readonly sessions = new Map<string, SessionInfo>();
  readonly locks = new Map<string, BrokerMessage>();
  private readonly dedupe = new Map<string, number>();
  private pending: PendingAccept[] = [];
  transfers = 0;
  batches = 0;
  enqueued = 0;
  duplicates = 0;
  renewals = 0;
  dlq?: Entity;
  private seqCounter: { next: number };
  readonly requiresSession: boolean;
  readonly maxDeliveryCount: number;
  readonly lockDurationMs: number;
  readonly dedupeWindowMs: number;
  private stopped = false;

  constructor(
    readonly name: string,
    opts: QueueOptions,
    readonly isDlq: boolean,
    seqCounter?: { next: number },
    /** Scheduled visibility, lock and session-lock expiry and duplicate detection run on this clock. */
    readonly clock: Clock = systemClock,
  ) {
    this.requiresSession = isDlq ? false : (opts.requiresSession ?? false);
    this.maxDeliveryCount = opts.maxDeliveryCount ?? 10;
    this.lockDurationMs = opts.lockDurationMs ?? 30_000;
    this.dedupeWindowMs = isDlq ? 0 : (opts.duplicateDetectionWindowMs ?? 600_000);
    this.seqCounter = seqCounter ?? { next: 1 };
  }

  // ---------- enqueue ----------

  /** Accepts a message from a sender; returns its sequence number, or undefined when dropped as a duplicate. */
  enqueue(amqp: AmqpMessage, now = this.clock.now()): number | undefined {
    const messageId =
      amqp.message_id === undefined || amqp.message_id === null ? undefined : idToString(amqp.message_id);
    if (messageId !== undefined && this.dedupeWindowMs > 0) {
      const seen = this.dedupe.get(messageId);
      if (seen !== undefined && now - seen < this.dedupeWindowMs) {
        this.duplicates++;
        return undefined;
      }
      this.dedupe.set(messageId, now);
    }
    const annotations = { ...(amqp.message_annotations ?? {}) };
    const scheduledRaw = annotations["x-opt-scheduled-enqueue-time"];
    const scheduled = toDate(scheduledRaw);
    // Broker-owned annotations never come from the sender.
    for (const k of Object.keys(annotations)) {
      if (k.startsWith("x-opt-") && k !== "x-opt-partition-key" && k !== "x-opt-via-partition-key") {
        if (k !== "x-opt-scheduled-enqueue-time") delete annotations[k];
      }
    }
    // Like Azure, the broker assigns a MessageId when the sender set none (the SDK's lock renewer relies on it).
    const copy: AmqpMessage = {
      ...amqp,
      message_annotations: annotations,
      message_id: messageId ?? randomUUID().replace(/-/g, ""),
    };
    const { raw, json } = bodyBytes(amqp.body);
    const msg: BrokerMessage = {
      seq: this.seqCounter.next++,
      amqp: copy,
      rawBody: raw,
      bodyJson: json,
      messageId: idToString(copy.message_id),
      sessionId: typeof amqp.group_id === "string" ? amqp.group_id : undefined,
      state: "active",
      deliveryCount: 0,
      enqueuedTime: new Date(now),
    };
    if (this.requiresSession && msg.sessionId === undefined) {
      this.seqCounter.next--;
      throw new BrokerError(
        "amqp:invalid-field",
        `The SessionId was not set on a message, and it cannot be sent to the entity '${this.name}'. Entities that have session support enabled can only receive messages that have the SessionId set to a valid value.`,
      );
    }
    this.enqueued++;
    msg.enqueueOrder = nextEventOrder();
    this.messages.set(msg.seq, msg);
    if (scheduled && scheduled.getTime() > now) {
      msg.state = "scheduled";
      msg.scheduledTime = scheduled;
      msg.scheduleTimer = this.clock.setTimer(() => this.activateScheduled(msg), scheduled.getTime() - now);
    } else {
      if (scheduled) msg.scheduledTime = scheduled;
      this.pump();
    }
    return msg.seq;
  }

  private activateScheduled(msg: BrokerMessage): void {
    if (msg.state !== "scheduled" || this.stopped) return;
    msg.state = "active";
    msg.scheduleTimer = undefined;
    msg.enqueuedTime = new Date(this.clock.now());
    this.pump();
  }

  cancelScheduled(seq: number): void {
    const msg = this.messages.get(seq);
    if (!msg || msg.state !== "scheduled") {
      throw new BrokerError(
        "com.microsoft:message-not-found",
        `The scheduled message with sequence number ${seq} was not found in '${this.name}'.`,
        404,
      );
    }
    msg.scheduleTimer?.cancel();
    this.messages.delete(seq);
  }

  // ---------- delivery ----------

  /** Hands out available messages to every consumer that has credit. */
  pump(): void {
    if (this.stopped) return;
    this.tryPendingAccepts();
    let progress = true;
    while (progress) {
      progress = false;
      for (const c of this.consumers) {
        if (!c.isOpen() || c.credit() <= 0) continue;
        if (this.requiresSession && c.sessionId === undefined) continue;
        const msg = this.nextAvailable(c.sessionId);
        if (!msg) continue;
        this.deliverTo(msg, c);
        progress = true;
      }
    }
  }

  private nextAvailable(sessionId: string | undefined): BrokerMessage | undefined {
    for (const m of this.messages.values()) {
      if (m.state !== "active" || m.lock) continue;
      if (this.requiresSession && m.sessionId !== sessionId) continue;
      return m;
    }
    return undefined;
  }

  private deliverTo(msg: BrokerMessage, c: Consumer): void {
    msg.deliveryCount++;
    if (c.receiveAndDelete) {
      msg.state = "completed";
      msg.completedOrder = nextEventOrder();
      c.deliver(msg, undefined);
      return;
    }
    const lock = this.lockMessage(msg, c);
    c.deliver(msg, lock.token);
  }

  private lockMessage(msg: BrokerMessage, c: Consumer | undefined): MessageLock {
    const token = randomUUID();
    const session = msg.sessionId !== undefined && this.requiresSession ? this.sessions.get(msg.sessionId) : undefined;
    const lock: MessageLock = { token, until: 0, consumer: c };
    if (session && c) {
      // A message received through a session shares the session lock.
      lock.until = session.lockedUntil;
    } else {
      lock.until = this.clock.now() + this.lockDurationMs;
      lock.timer = this.clock.setTimer(() => this.onLockExpired(msg, token), this.lockDurationMs);
    }
    msg.lock = lock;
    this.locks.set(token, msg);
    return lock;
  }

  private onLockExpired(msg: BrokerMessage, token: string): void {
    if (msg.lock?.token !== token) return;
    this.releaseLock(msg, true);
  }

  /** Drops the lock; the message becomes available again or, past maxDeliveryCount, moves to the DLQ. */
  private releaseLock(msg: BrokerMessage, countsAsFailure: boolean, annotations?: Record<string, unknown>): void {
    if (msg.lock) {
      msg.lock.timer?.cancel();
      this.locks.delete(msg.lock.token);
      msg.lock = undefined;
    }
    if (annotations) this.mergeAnnotations(msg, annotations);
    if (countsAsFailure && !this.isDlq && msg.deliveryCount >= this.maxDeliveryCount) {
      this.deadLetter(
        msg,
        "MaxDeliveryCountExceeded",
        `Message could not be consumed after ${this.maxDeliveryCount} delivery attempts.`,
      );
    }
    this.pump();
  }

  /** propertiesToModify (abandon/defer) update the message's application properties, as in Azure. */
  private mergeAnnotations(msg: BrokerMessage, properties: Record<string, unknown>): void {
    msg.amqp = {
      ...msg.amqp,
      application_properties: { ...(msg.amqp.application_properties ?? {}), ...properties },
    };
  }

  deadLetter(msg: BrokerMessage, reason?: string, description?: string, properties?: Record<string, unknown>): void {
    if (msg.lock) {
      msg.lock.timer?.cancel();
      this.locks.delete(msg.lock.token);
      msg.lock = undefined;
    }
    const appProps: Record<string, unknown> = { ...(msg.amqp.application_properties ?? {}), ...(properties ?? {}) };
    if (reason !== undefined) appProps.DeadLetterReason = reason;
    if (description !== undefined) appProps.DeadLetterErrorDescription = description;
    msg.deadLetterReason = reason;
    msg.deadLetterErrorDescription = description;
    if (this.isDlq || !this.dlq) {
      // Dead-lettering from the DLQ itself is not possible in Service Bus; it stays where it is.
      msg.amqp = { ...msg.amqp, application_properties: appProps };
      msg.state = "active";
      this.pump();
      return;
    }
    msg.state = "deadlettered";
    this.messages.delete(msg.seq);
    const moved: BrokerMessage = {
      ...msg,
      amqp: {
        ...msg.amqp,
        application_properties: appProps,
        message_annotations: { ...(msg.amqp.message_annotations ?? {}), "x-opt-deadletter-source": this.name },
      },
      state: "active",
      deadLetterSource: this.name,
      lock: undefined,
    };
    this.dlq.messages.set(moved.seq, moved);
    this.dlq.pump();
  }

  // ---------- settlement ----------

  /** Settles a locked message by lock token. Throws BrokerError message-lock-lost when the lock is gone. */
  settle(token: string, outcome: Outcome): void {
    const msg = this.locks.get(token);
    if (!msg || msg.lock?.token !== token || msg.lock.until < this.clock.now()) {
      if (msg && msg.lock?.token === token) this.releaseLock(msg, true);
      throw new BrokerError(
        this.requiresSession ? "com.microsoft:session-lock-lost" : "com.microsoft:message-lock-lost",
        this.requiresSession
          ? "The session lock has expired on the MessageSession. Accept a new MessageSession."
          : "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
        410,
      );
    }
    switch (outcome.kind) {
      case "complete":
        msg.lock?.timer?.cancel();
        this.locks.delete(token);
        msg.lock = undefined;
        msg.state = "completed";
        msg.completedOrder = nextEventOrder();
        this.pump();
        return;
      case "abandon":
        this.releaseLock(msg, true, outcome.annotations);
        return;
      case "defer":
        msg.lock?.timer?.cancel();
        this.locks.delete(token);
        msg.lock = undefined;
        if (outcome.annotations) this.mergeAnnotations(msg, outcome.annotations);
        msg.state = "deferred";
        this.pump();
        return;
      case "deadletter":
        this.deadLetter(msg, outcome.reason, outcome.description, outcome.properties);
        return;
    }
  }

  renewLock(token: string): Date {
    const msg = this.locks.get(token);
    if (!msg || !msg.lock || msg.lock.until < this.clock.now()) {
      throw new BrokerError(
        "com.microsoft:message-lock-lost",
        "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
        410,
      );
    }
    const lock = msg.lock;
    this.renewals++;
    if (lock.timer) {
      lock.timer.cancel();
      lock.until = this.clock.now() + this.lockDurationMs;
      lock.timer = this.clock.setTimer(() => this.onLockExpired(msg, lock.token), this.lockDurationMs);
    } else {
      const s = msg.sessionId !== undefined ? this.sessions.get(msg.sessionId) : undefined;
      lock.until = s ? s.lockedUntil : this.clock.now() + this.lockDurationMs;
    }
    return new Date(lock.until);
  }

  /** Deferred messages by sequence number (management receive-by-sequence-number). */
  receiveDeferred(seqs: number[], sessionId: string | undefined): { msg: BrokerMessage; token: string }[] {
    const out: { msg: BrokerMessage; token: string }[] = [];
    for (const seq of seqs) {
      const msg = this.messages.get(seq);
      if (!msg || msg.state !== "deferred" || (this.requiresSession && msg.sessionId !== sessionId)) {
        throw new BrokerError(
          "com.microsoft:message-not-found",
          `Failed to lock one or more specified messages. The message with sequence number ${seq} is not deferred or does not exist in '${this.name}'.`,
          404,
        );
      }
      if (msg.lock) {
        throw new BrokerError("com.microsoft:message-lock-lost", `The message ${seq} is already locked.`, 410);
      }
    }
    for (const seq of seqs) {
      const msg = this.messages.get(seq) as BrokerMessage;
      msg.deliveryCount++;
      const lock = this.lockMessage(msg, undefined);
      out.push({ msg, token: lock.token });
    }
    return out;
  }

  /** Settles a message locked through the management link (deferred ones, or after the receiver link closed). */
  updateDisposition(
    token: string,
    status: string,
    extra: { reason?: string; description?: string; properties?: Record<string, unknown> },
  ): void {
    const msg = this.locks.get(token);
    if (msg && msg.state === "deferred") {
      // Deferred message received by sequence number: settle out of the deferred state.
      if (status === "completed") {
        this.dropLock(msg);
        msg.state = "completed";
        msg.completedOrder = nextEventOrder();
        return;
      }
      if (status === "abandoned") {
        this.dropLock(msg);
        if (extra.properties) this.mergeAnnotations(msg, extra.properties);
        return;
      }
      if (status === "defered") {
        this.dropLock(msg);
        if (extra.properties) this.mergeAnnotations(msg, extra.properties);
        return;
      }
      if (status === "suspended") {
        this.deadLetter(msg, extra.reason, extra.description, extra.properties);
        return;
      }
    }
    const outcome: Outcome | undefined =
      status === "completed"
        ? { kind: "complete" }
        : status === "abandoned"
          ? { kind: "abandon", annotations: extra.properties }
          : status === "defered"
            ? { kind: "defer", annotations: extra.properties }
            : status === "suspended"
              ? {
                  kind: "deadletter",
                  reason: extra.reason,
                  description: extra.description,
                  properties: extra.properties,
                }
              : undefined;
    if (!outcome) throw new BrokerError("amqp:invalid-field", `Unknown disposition-status '${status}'.`);
    this.settle(token, outcome);
  }

  private dropLock(msg: BrokerMessage): void {
    if (msg.lock) {
      msg.lock.timer?.cancel();
      this.locks.delete(msg.lock.token);
      msg.lock = undefined;
    }
  }

  // ---------- sessions ----------

  /**
   * Locks a session for a receiver link. With a session id: that session (error when another link holds it).
   * Without: the session of the oldest available message, waiting up to `waitMs` for one to appear.
   */
  acceptSession(consumer: Consumer, requested: string | undefined, waitMs: number): Promise<string | undefined> {
    if (requested !== undefined) {
      const s = this.sessions.get(requested);
      if (s && this.isHeld(s, this.clock.now())) {
        return Promise.reject(
          new BrokerError(
            "com.microsoft:session-cannot-be-locked",
            `The requested session '${requested}' cannot be accepted. It may be locked by another receiver.`,
            410,
          ),
        );
      }
      this.lockSession(requested, consumer);
      return Promise.resolve(requested);
    }
    const found = this.findFreeSession();
    if (found !== undefined) {
      this.lockSession(found, consumer);
      return Promise.resolve(found);
    }
    // The accept wait is the client's own timeout on its attach, so it runs on wall-clock time, not on this.clock.
    return new Promise((resolve) => {
      const entry: PendingAccept = {
        consumer,
        resolve,
        timer: setTimeout(
          () => {
            this.pending = this.pending.filter((p) => p !== entry);
            resolve(undefined);
          },
          Math.max(0, waitMs),
        ),
      };
      entry.timer.unref?.();
      this.pending.push(entry);
    });
  }

  /** Session receivers waiting for a session to become free. */
  pendingAcceptCount(): number {
    return this.pending.length;
  }

  cancelPendingAccept(consumer: Consumer): void {
    for (const p of this.pending.filter((x) => x.consumer === consumer)) {
      clearTimeout(p.timer);
      p.resolve(undefined);
    }
    this.pending = this.pending.filter((x) => x.consumer !== consumer);
  }

  private tryPendingAccepts(): void {
    while (this.pending.length > 0) {
      const id = this.findFreeSession();
      if (id === undefined) return;
      const p = this.pending.shift() as PendingAccept;
      clearTimeout(p.timer);
      this.lockSession(id, p.consumer);
      p.resolve(id);
    }
  }

  private findFreeSession(): string | undefined {
    const now = this.clock.now();
    for (const m of this.messages.values()) {
      if (m.state !== "active" || m.lock || m.sessionId === undefined) continue;
      const s = this.sessions.get(m.sessionId);
      if (s && this.isHeld(s, now)) continue;
      return m.sessionId;
    }
    return undefined;
  }

  /** Sessions that have an available (active, unlocked) message and are not held by a receiver. */
  freeSessions(): Set<string> {
    const now = this.clock.now();
    const out = new Set<string>();
    for (const m of this.messages.values()) {
      if (m.state !== "active" || m.lock || m.sessionId === undefined || out.has(m.sessionId)) continue;
      const s = this.sessions.get(m.sessionId);
      if (!s || !this.isHeld(s, now)) out.add(m.sessionId);
    }
    return out;
  }

  /** Receivers whose session was locked while their attach is still being answered (not open yet). */
  private readonly attaching = new WeakSet<Consumer>();

  /**
   * A session is held by a live, unexpired lock. A holder whose attach is still being answered counts as holding
   * (otherwise two receivers waiting at once would both get the first session, and the second session would wait
   * for a lock expiry); a holder whose link closed released the session (releaseSession).
   */
  private isHeld(s: SessionInfo, now: number): boolean {
    return !!s.holder && (s.holder.isOpen() || this.attaching.has(s.holder)) && s.lockedUntil > now;
  }

  private lockSession(id: string, consumer: Consumer): SessionInfo {
    let s = this.sessions.get(id);
    if (!s) {
      s = { id, lockedUntil: 0 };
      this.sessions.set(id, s);
    }
    s.holder = consumer;
    if (!consumer.isOpen()) this.attaching.add(consumer);
    consumer.sessionId = id;
    this.armSessionTimer(s);
    return s;
  }

  private armSessionTimer(s: SessionInfo): void {
    s.timer?.cancel();
    s.lockedUntil = this.clock.now() + this.lockDurationMs;
    const holder = s.holder;
    s.timer = this.clock.setTimer(() => {
      if (s.holder !== holder || !holder) return;
      holder.fail(
        "com.microsoft:session-lock-lost",
        `The session lock has expired on the MessageSession '${s.id}'. Accept a new MessageSession.`,
      );
      this.releaseSession(holder);
    }, this.lockDurationMs);
    for (const m of this.messages.values()) {
      if (m.sessionId === s.id && m.lock && !m.lock.timer) m.lock.until = s.lockedUntil;
    }
  }

  renewSessionLock(id: string): Date {
    const s = this.sessions.get(id);
    if (!s?.holder || s.lockedUntil < this.clock.now()) {
      throw new BrokerError(
        "com.microsoft:session-lock-lost",
        `The session lock has expired on the MessageSession '${id}'. Accept a new MessageSession.`,
        410,
      );
    }
    this.renewals++;
    this.armSessionTimer(s);
    return new Date(s.lockedUntil);
  }

  sessionFor(id: string): SessionInfo {
    let s = this.sessions.get(id);
    if (!s) {
      s = { id, lockedUntil: 0 };
      this.sessions.set(id, s);
    }
    return s;
  }

  /** A session receiver went away (link closed or lock lost): its session and its message locks are released. */
  releaseSession(consumer: Consumer): void {
    const id = consumer.sessionId;
    if (id === undefined) return;
    const s = this.sessions.get(id);
    if (s && s.holder === consumer) {
      s.timer?.cancel();
      s.holder = undefined;
      s.lockedUntil = 0;
    }
    // Like the real service (azure-sdk-for-js#15116): unsettled messages of a released session become available
    // again WITHOUT a delivery-count increment; only abandon and message-lock expiry count as failed deliveries.
    for (const m of [...this.messages.values()]) {
      if (m.lock && m.lock.consumer === consumer) {
        m.deliveryCount = Math.max(0, m.deliveryCount - 1);
        this.releaseLock(m, false);
      }
    }
    this.pump();
  }

  removeConsumer(consumer: Consumer): void {
    this.consumers.delete(consumer);
    this.cancelPendingAccept(consumer);
    if (this.requiresSession) this.releaseSession(consumer);
  }

  // ---------- peek ----------

  peek(fromSeq: number, count: number, sessionId: string | undefined): BrokerMessage[] {
    const out: BrokerMessage[] = [];
    const sorted = [...this.messages.values()].sort((a, b) => a.seq - b.seq);
    for (const m of sorted) {
      if (out.length >= count) break;
      if (m.seq < fromSeq) continue;
      if (m.state !== "active" && m.state !== "deferred" && m.state !== "scheduled") continue;
      if (sessionId !== undefined && m.sessionId !== sessionId) continue;
      out.push(m);
    }
    return out;
  }

  // ---------- lifecycle / views ----------

  stop(): void {
    this.stopped = true;
    for (const m of this.messages.values()) {
      m.scheduleTimer?.cancel();
      m.lock?.timer?.cancel();
    }
    for (const s of this.sessions.values()) s.timer?.cancel();
    for (const p of this.pending) {
      clearTimeout(p.timer);
      p.resolve(undefined);
    }
    this.pending = [];
  }
}

export function storedView(m: BrokerMessage, stateOverride?: StoredMessageState): StoredMessage {
  const out: StoredMessage = {
    body: m.rawBody,
    applicationProperties: { ...(m.amqp.application_properties ?? {}) },
    deliveryCount: m.deliveryCount,
    sequenceNumber: m.seq,
    enqueuedTimeUtc: m.enqueuedTime,
    state: stateOverride ?? m.state,
  };
  if (m.messageId !== undefined) out.messageId = m.messageId;
  if (m.sessionId !== undefined) out.sessionId = m.sessionId;
  if (m.bodyJson !== undefined) out.bodyJson = m.bodyJson;
  if (m.scheduledTime) out.scheduledEnqueueTimeUtc = m.scheduledTime;
  if (m.deadLetterReason !== undefined) out.deadLetterReason = m.deadLetterReason;
  if (m.deadLetterErrorDescription !== undefined) out.deadLetterErrorDescription = m.deadLetterErrorDescription;
  if (m.enqueueOrder !== undefined) out.enqueueOrder = m.enqueueOrder;
  if (m.completedOrder !== undefined) out.completedOrder = m.completedOrder;
  return out;
}

export function queueView(q: Entity): QueueView {
  const dlq = q.dlq;
  return {
    activeCount: () => [...q.messages.values()].filter((m) => m.state === "active").length,
    scheduledCount: () => [...q.messages.values()].filter((m) => m.state === "scheduled").length,
    availableCount: (sessionId) =>
      [...q.messages.values()].filter(
        (m) => m.state === "active" && !m.lock && (sessionId === undefined || m.sessionId === sessionId),
      ).length,
    freeSessionCount: () => q.freeSessions().size,
    dueCount: () => {
      const now = q.clock.now();
      return [...q.messages.values()].filter(
        (m) => m.state === "active" || (m.state === "scheduled" && (m.scheduledTime?.getTime() ?? 0) <= now),
      ).length;
    },
    deadLetters: () =>
      dlq
        ? [...dlq.messages.values()].filter((m) => m.state !== "completed").map((m) => storedView(m, "deadlettered"))
        : [],
    messages: () => [...q.messages.values()].sort((a, b) => a.seq - b.seq).map((m) => storedView(m)),
    transferCount: () => q.transfers,
    batchTransferCount: () => q.batches,
    enqueuedCount: () => q.enqueued,
    duplicateCount: () => q.duplicates,
    lockRenewalCount: () => q.renewals,
    pendingAcceptCount: () => q.pendingAcceptCount(),
    receiverCount: () => q.consumers.size,
  };
}

/** Raw body bytes: data section(s) verbatim; an AMQP value as JSON text (Buffer values verbatim). */
export function bodyBytes(body: unknown): { raw: Buffer; json?: unknown } {
  let raw: Buffer;
  if (isSection(body)) {
    const parts = body.multiple ? (body.content as unknown[]) : [body.content];
    if (body.typecode === 0x75) {
      raw = Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(String(p)))));
    } else {
      raw = Buffer.from(JSON.stringify(parts));
    }
  } else if (Buffer.isBuffer(body)) {
    raw = body;
  } else if (body === undefined) {
    raw = Buffer.alloc(0);
  } else {
    raw = Buffer.from(typeof body === "string" ? JSON.stringify(body) : (JSON.stringify(body) ?? ""));
  }
  let json: unknown;
  try {
    json = raw.length > 0 ? JSON.parse(raw.toString("utf8")) : undefined;
  } catch {
    json = undefined;
  }
  return json === undefined ? { raw } : { raw, json };
}

interface SectionLike {
  typecode: number;
  content: unknown;
  multiple?: boolean;
}

function isSection(x: unknown): x is SectionLike {
  return typeof x === "object" && x !== null && "typecode" in x && "content" in x;
}

export function idToString(id: unknown): string {
  if (typeof id === "string") return id;
  if (Buffer.isBuffer(id)) return id.length === 16 ? uuidString(id) : id.toString("hex");
  return String(id);
}

function uuidString(b: Buffer): string {
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function toDate(x: unknown): Date | undefined {
  if (x instanceof Date) return x;
  if (typeof x === "number") return new Date(x);
  return undefined;
}
