// Use case shared by the queue workers: validate → route to the handler for the kind → settle (done / set aside /
// throw for redelivery). Invalid and permanently failing messages go to the Rejected store with the field-naming reason.
import { AppError, PermanentError, TransientError, toAppError } from "../domain/errors.js";
import type { ParseResult } from "../domain/messages/parseMessage.js";
import type { RejectedInput } from "../adapters/servicebus/rejectedStore.js";

/** What the trigger knows about the delivery (the host's triggerMetadata). */
export interface DeliveryInfo {
  queue: string;
  messageId: string | undefined;
  sessionId: string | undefined;
  deliveryCount: number | undefined;
  enqueuedTimeUtc: Date | undefined;
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

export type DispatchOutcome =
  | { status: "handled"; route: string }
  | { status: "rejected"; route: string | undefined; code: string; reason: string };

export interface DispatchSpec<M> {
  body: unknown;
  delivery: DeliveryInfo;
  parse: (body: unknown) => ParseResult<M>;
  /** The registry key of a message (push: kind; pull: source). */
  routeOf: (message: M) => string;
  /** The session a message must arrive in (its ERP user). */
  userOf: (message: M) => string;
  handlers: Readonly<Record<string, ((message: M, ctx: HandlerContext) => Promise<void>) | undefined>>;
  /** Names the registry key in messages, e.g. "kind" or "source". */
  routeName: string;
  rejected: RejectedSink;
  log: Logger;
}

/** Reads the Service Bus trigger metadata the Functions host passes (names as the Node worker gives them). */
export function deliveryInfoFrom(queue: string, meta: Record<string, unknown> | undefined): DeliveryInfo {
  const m = meta ?? {};
  const s = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const n = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" && v !== "" ? Number(v) : undefined);
  const enq = m.enqueuedTimeUtc;
  const enqueued = enq instanceof Date ? enq : typeof enq === "string" ? new Date(enq) : undefined;
  return {
    queue,
    messageId: s(m.messageId),
    sessionId: s(m.sessionId),
    deliveryCount: n(m.deliveryCount),
    enqueuedTimeUtc: enqueued && !Number.isNaN(enqueued.getTime()) ? enqueued : undefined,
  };
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
      await spec.rejected.save({ ...delivery, code, reason, ...originalBody(spec.body) });
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
    if (e.kind === "transient") {
      log.warn(`transient failure (${e.code}) for ${spec.routeName}=${route}; redelivery follows. ${where(delivery)}`);
      throw e;
    }
    return setAside(route, e.code, `${e.kind}: ${e.message}`);
  }
}
