// Use case of the push worker: a msgraph-push message → the handler registered for its kind (filled in by later issues).
import { parsePushMessage } from "../domain/messages/parseMessage.js";
import type { PushKind, PushMessage, PushMessageOf } from "../domain/messages/pushMessage.js";
import {
  dispatchMessage,
  type DeliveryInfo,
  type DispatchOutcome,
  type HandlerContext,
  type Logger,
  type RejectedSink,
  type RescheduleOptions,
  type ReschedulePort,
} from "./dispatchMessage.js";

export type PushHandler<K extends PushKind> = (message: PushMessageOf<K>, ctx: HandlerContext) => Promise<void>;
/** One handler per kind; a kind without one is set aside as "kind X is not handled by this version". */
export type PushHandlers = { [K in PushKind]?: PushHandler<K> };

export interface PushDeps {
  handlers: PushHandlers;
  rejected: RejectedSink;
  log: Logger;
  /** The queue sender: a handler's TransientError with retryAfterMs re-sends the message scheduled for later. */
  reschedule?: ReschedulePort;
  rescheduleOptions?: RescheduleOptions;
}

export function dispatchPush(body: unknown, delivery: DeliveryInfo, deps: PushDeps): Promise<DispatchOutcome> {
  return dispatchMessage<PushMessage>({
    body,
    delivery,
    parse: parsePushMessage,
    routeOf: (m) => m.kind,
    userOf: (m) => m.user,
    routeName: "kind",
    handlers: deps.handlers as Record<string, ((m: PushMessage, ctx: HandlerContext) => Promise<void>) | undefined>,
    rejected: deps.rejected,
    log: deps.log,
    reschedule: deps.reschedule,
    rescheduleOptions: deps.rescheduleOptions,
  });
}
