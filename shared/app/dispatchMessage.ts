// Use case shared by the queue workers: validate → route to the handler for the kind → settle (done / set aside /
// reschedule after Retry-After / throw for redelivery). Invalid and permanently failing messages go to the Rejected
// store with the field-naming reason.
import { createHash } from "node:crypto";
import { AppError, PermanentError, SignInRequiredError, TransientError, toAppError } from "../domain/errors.js";
import type { ParseResult } from "../domain/messages/parseMessage.js";
import type { SendOptions } from "../adapters/servicebus/queueSender.js";
import type { RejectedInput } from "../adapters/servicebus/rejectedStore.js";
import { nextReschedule, RESCHEDULE_COUNT_PROPERTY, RESCHEDULED_FROM_PROPERTY } from "../domain/messages/reschedule.js";

/** What the trigger knows about the delivery (the host's triggerMetadata). */
export interface DeliveryInfo {
  queue: string;
  messageId: string | undefined;
  sessionId: string | undefined;
  deliveryCount: number | undefined;
  enqueuedTimeUtc: Date | undefined;
  /** How many times this message was already rescheduled (application property `rescheduleCount`; 0 when absent). */
  rescheduleCount?: number;
  /** The MessageId of the first message of a rescheduled chain (application property `rescheduledFrom`). */
  rescheduledFrom?: string;
  /** The message's application properties (primitive values), carried over to a rescheduled copy. */
  applicationProperties?: Record<string, string | number | boolean | null>;
}

export interface Logger {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface HandlerContext {
  delivery: DeliveryInfo;
  log: Logger;
}

/** Where set-aside messages are kept (the Rejected table adapter). */
export interface RejectedSink {
  save(entry: RejectedInput): Promise<unknown>;
}

/** Sends a copy of a message for later (the QueueSender). */
export interface ReschedulePort {
  send(queue: string, body: unknown, options: SendOptions): Promise<void>;
}

export interface RescheduleOptions {
  /** Reschedules per message chain before the broker's redelivery / dead-lettering takes over (default 20). */
  maxReschedules?: number;
  /** Longest delay of one reschedule, jitter included (default 15 minutes). */
  maxDelayMs?: number;
  /** Defaults to the wall clock (the broker's scheduled enqueue time is wall-clock time). */
  now?: () => Date;
  /** [0, 1) for the jitter; defaults to Math.random. */
  random?: () => number;
}

export const DEFAULT_MAX_RESCHEDULES = 20;
export const DEFAULT_MAX_RESCHEDULE_DELAY_MS = 15 * 60_000;
export {
  RESCHEDULE_COUNT_PROPERTY,
  RESCHEDULED_FROM_PROPERTY,
  rescheduledMessageId,
} from "../domain/messages/reschedule.js";

export type DispatchOutcome =
  | { status: "handled"; route: string }
  | { status: "rejected"; route: string | undefined; code: string; reason: string }
  | {
      status: "rescheduled";
      route: string;
      code: string;
      /** The copy's MessageId (`<first MessageId>-r<n>`). */
      messageId: string;
      /** n: how many times the message has now been rescheduled. */
      rescheduleCount: number;
      scheduledEnqueueTimeUtc: Date;
    };

/** What a queue worker hands the dispatcher besides the message: its handler registry and its ports. */
export interface DispatchDeps<H> {
  handlers: H;
  rejected: RejectedSink;
  log: Logger;
  /**
   * Where a message whose handler threw a TransientError with `retryAfterMs` is re-sent, scheduled for after the
   * server's Retry-After. Without it such a failure is thrown like any transient one (immediate broker redelivery).
   */
  reschedule?: ReschedulePort;
  rescheduleOptions?: RescheduleOptions;
  /** Called when a handler needs the user to sign in (delegated mode): records needs_sign_in on the user's row. */
  onSignInRequired?: (user: string, error: SignInRequiredError) => Promise<void>;
}

/** Holds for a user who must sign in: 1, 2, 4 … minutes, at most 1 hour each; after 20 holds (≈ 15 h) set aside. */
export const SIGN_IN_HOLD_BASE_MS = 60_000;
export const SIGN_IN_HOLD_MAX_MS = 3_600_000;
export const SIGN_IN_MAX_HOLDS = 20;

export function signInHoldDelayMs(holdsSoFar: number): number {
  return Math.min(SIGN_IN_HOLD_BASE_MS * 2 ** holdsSoFar, SIGN_IN_HOLD_MAX_MS);
}

export interface DispatchSpec<M> extends DispatchDeps<
  Readonly<Record<string, ((message: M, ctx: HandlerContext) => Promise<void>) | undefined>>
> {
  body: unknown;
  delivery: DeliveryInfo;
  parse: (body: unknown) => ParseResult<M>;
  /** The registry key of a message (push: kind; pull: source). */
  routeOf: (message: M) => string;
  /** The session a message must arrive in (its ERP user). */
  userOf: (message: M) => string;
  /** Names the registry key in messages, e.g. "kind" or "source". */
  routeName: string;
}

/** Reads the Service Bus trigger metadata the Functions host passes (names as the Node worker gives them). */
export function deliveryInfoFrom(queue: string, meta: Record<string, unknown> | undefined): DeliveryInfo {
  const m = meta ?? {};
  const s = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const n = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" && v !== "" ? Number(v) : undefined);
  const enq = m.enqueuedTimeUtc;
  const enqueued = enq instanceof Date ? enq : typeof enq === "string" ? new Date(enq) : undefined;
  const props = applicationPropertiesFrom(m.applicationProperties ?? m.userProperties);
  const count = n(props[RESCHEDULE_COUNT_PROPERTY]);
  return {
    queue,
    messageId: s(m.messageId),
    sessionId: s(m.sessionId),
    deliveryCount: n(m.deliveryCount),
    enqueuedTimeUtc: enqueued && !Number.isNaN(enqueued.getTime()) ? enqueued : undefined,
    rescheduleCount: count !== undefined && Number.isInteger(count) && count > 0 ? count : 0,
    rescheduledFrom: s(props[RESCHEDULED_FROM_PROPERTY]),
    applicationProperties: props,
  };
}

/** The primitive application properties (the host may hand them over as an object or as JSON text). */
function applicationPropertiesFrom(raw: unknown): Record<string, string | number | boolean | null> {
  let value = raw;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return {};
    }
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = v;
  }
  return out;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Retry-After plus up to 10 % (at most 5 s) jitter, so throttled sessions do not come back at once; capped. */
export function rescheduleDelayMs(retryAfterMs: number, random: number, maxDelayMs: number): number {
  const jitter = Math.floor(random * Math.min(retryAfterMs * 0.1, 5_000));
  return Math.min(Math.ceil(retryAfterMs) + jitter, maxDelayMs);
}

/** The body as received, as text: exact for a string/bytes body, JSON text for a value the host already parsed. */
export function originalBody(body: unknown): { body: string; bodyEncoding: "text" | "json" } {
  if (typeof body === "string") return { body, bodyEncoding: "text" };
  if (body instanceof Uint8Array) return { body: new TextDecoder().decode(body), bodyEncoding: "text" };
  return { body: JSON.stringify(body) ?? "null", bodyEncoding: "json" };
}

const where = (d: DeliveryInfo) =>
  `queue=${d.queue} messageId=${d.messageId ?? "?"} sessionId=${d.sessionId ?? "?"} deliveryCount=${d.deliveryCount ?? "?"}`;

export async function dispatchMessage<M>(spec: DispatchSpec<M>): Promise<DispatchOutcome> {
  const { delivery, log } = spec;

  const setAside = async (route: string | undefined, code: string, reason: string): Promise<DispatchOutcome> => {
    try {
      await spec.rejected.save({
        queue: delivery.queue,
        messageId: delivery.messageId,
        sessionId: delivery.sessionId,
        deliveryCount: delivery.deliveryCount,
        enqueuedTimeUtc: delivery.enqueuedTimeUtc,
        code,
        reason,
        ...originalBody(spec.body),
        ...(delivery.applicationProperties ? { applicationProperties: delivery.applicationProperties } : {}),
      });
    } catch (error) {
      // Not stored → not completed: the broker redelivers it (and dead-letters it after maxDeliveryCount).
      const e = toAppError(error);
      log.error(`could not set the message aside (${e.code}); it will be redelivered. ${where(delivery)}`);
      throw new TransientError("rejected-store", `could not store the rejected message: ${e.message}`, {
        cause: error,
      });
    }
    log.error(`message set aside in the Rejected table: ${code}: ${reason}. ${where(delivery)}`);
    return { status: "rejected", route, code, reason };
  };

  const parsed = spec.parse(spec.body);
  if (!parsed.ok) return setAside(undefined, "invalid-message", parsed.reason);
  const message = parsed.message;
  const route = spec.routeOf(message);

  const user = spec.userOf(message);
  if (delivery.sessionId !== undefined && delivery.sessionId !== user) {
    return setAside(
      route,
      "invalid-message",
      `user: "${user}" does not match the message's SessionId "${delivery.sessionId}"`,
    );
  }

  const handler = spec.handlers[route];
  if (!handler) {
    const e = new PermanentError("unhandled-kind", `${spec.routeName} ${route} is not handled by this version`);
    return setAside(route, e.code, e.message);
  }

  try {
    await handler(message, { delivery, log });
    log.log(`handled ${spec.routeName}=${route}. ${where(delivery)}`);
    return { status: "handled", route };
  } catch (error) {
    const e: AppError = toAppError(error);
    if (e instanceof SignInRequiredError) return holdForSignIn(spec, e, route, user, setAside);
    if (e instanceof TransientError) {
      if (spec.reschedule && e.retryAfterMs !== undefined && Number.isFinite(e.retryAfterMs) && e.retryAfterMs > 0) {
        return reschedule(spec, spec.reschedule, e, e.retryAfterMs, route, user);
      }
      log.warn(`transient failure (${e.code}) for ${spec.routeName}=${route}; redelivery follows. ${where(delivery)}`);
      throw e;
    }
    return setAside(route, e.code, `${e.kind}: ${e.message}`);
  }
}

/**
 * The user must sign in again (delegated mode): nothing a retry can fix now, but the message must not be lost. Its
 * status becomes needs_sign_in, and a copy is rescheduled (1, 2, 4 … minutes, capped at 1 hour) until they sign in;
 * after SIGN_IN_MAX_HOLDS holds it is set aside (Rejected, code needs_sign_in, replayable). Without a reschedule port
 * the message is set aside at once.
 */
async function holdForSignIn<M>(
  spec: DispatchSpec<M>,
  e: SignInRequiredError,
  route: string,
  user: string,
  setAside: (route: string, code: string, reason: string) => Promise<DispatchOutcome>,
): Promise<DispatchOutcome> {
  const { delivery, log } = spec;
  try {
    await spec.onSignInRequired?.(user, e);
  } catch (error) {
    log.warn(`could not record needs_sign_in for ${user}: ${toAppError(error).code}`);
  }
  const holds = delivery.rescheduleCount ?? 0;
  const reason = `needs_sign_in: ${e.code}: ${e.message}`;
  if (!spec.reschedule || holds >= SIGN_IN_MAX_HOLDS) {
    return setAside(route, "needs_sign_in", `${reason} (held ${holds} times)`);
  }
  return reschedule(spec, spec.reschedule, e, signInHoldDelayMs(holds), route, user, {
    maxReschedules: SIGN_IN_MAX_HOLDS,
    exactDelay: true,
  });
}

/**
 * The server asked us to come back later (Graph 429/503 Retry-After beyond what the adapter waits in-process): an
 * immediate abandon would burn the broker's 10 deliveries in seconds and dead-letter the message. Instead a copy of
 * the same body goes to the same queue and session, scheduled for after Retry-After, and this delivery completes.
 *
 * Ordering: a scheduled copy becomes visible only at its time, so it lands at the END of its session — messages of
 * the same user sent after it are handled before it. Order within a session is preserved except for the rescheduled
 * message itself. That is acceptable here: an appointment push is idempotent (transactionId, the links table) and a
 * pull message only triggers a delta read. The copy's body is the exact body received; its MessageId derives from the
 * first message's, so duplicate detection drops a second copy of the same attempt. Past `maxReschedules` the error is
 * thrown: the broker redelivers, then dead-letters after MaxDeliveryCount. A failed re-send is thrown too (abandon:
 * the message is redelivered, nothing is lost).
 */
async function reschedule<M>(
  spec: DispatchSpec<M>,
  port: ReschedulePort,
  e: AppError,
  retryAfterMs: number,
  route: string,
  user: string,
  hold?: { maxReschedules: number; exactDelay: true },
): Promise<DispatchOutcome> {
  const { delivery, log } = spec;
  const opts = spec.rescheduleOptions ?? {};
  const max = hold?.maxReschedules ?? opts.maxReschedules ?? DEFAULT_MAX_RESCHEDULES;
  const done = delivery.rescheduleCount ?? 0;
  if (done >= max) {
    log.warn(
      `transient failure (${e.code}) for ${spec.routeName}=${route} after ${done} reschedules (the cap); ` +
        `redelivery follows, then dead-lettering. ${where(delivery)}`,
    );
    throw e;
  }
  const { body } = originalBody(spec.body);
  const first = delivery.rescheduledFrom ?? delivery.messageId ?? `sha256-${sha256(body)}`;
  const { n, messageId, properties } = nextReschedule(first, done);
  const delayMs = hold
    ? retryAfterMs
    : rescheduleDelayMs(
        retryAfterMs,
        (opts.random ?? Math.random)(),
        opts.maxDelayMs ?? DEFAULT_MAX_RESCHEDULE_DELAY_MS,
      );
  const at = new Date((opts.now ?? (() => new Date()))().getTime() + delayMs);
  // The same bytes for a text body; the host's JSON-parsed value is sent back as JSON (application/json).
  const copy = typeof spec.body === "string" || spec.body instanceof Uint8Array ? spec.body : (spec.body ?? null);
  try {
    await port.send(delivery.queue, copy, {
      sessionId: delivery.sessionId ?? user,
      messageId,
      scheduledEnqueueTimeUtc: at,
      applicationProperties: { ...delivery.applicationProperties, ...properties },
    });
  } catch (error) {
    const se = toAppError(error);
    log.error(`could not reschedule ${spec.routeName}=${route} (${se.code}); redelivery follows. ${where(delivery)}`);
    throw new TransientError(e.code, `${e.message}; rescheduling failed: ${se.message}`, {
      cause: error,
      retryAfterMs,
    });
  }
  log.warn(
    `transient failure (${e.code}) for ${spec.routeName}=${route}: rescheduled as messageId=${messageId} ` +
      `for ${at.toISOString()} (in ${delayMs} ms; reschedule ${n} of ${max}). ${where(delivery)}`,
  );
  return { status: "rescheduled", route, code: e.code, messageId, rescheduleCount: n, scheduledEnqueueTimeUtc: at };
}
