// Use case of the push worker: a msgraph-push message → the handler registered for its kind (filled in by later issues).
import { parsePushMessage } from "../domain/messages/parseMessage.js";
import type { PushKind, PushMessage, PushMessageOf } from "../domain/messages/pushMessage.js";
import {
  dispatchMessage,
  type DeliveryInfo,
  type DispatchDeps,
  type DispatchOutcome,
  type HandlerContext,
} from "./dispatchMessage.js";

export type PushHandler<K extends PushKind> = (message: PushMessageOf<K>, ctx: HandlerContext) => Promise<void>;
/** One handler per kind; a kind without one is set aside as "kind X is not handled by this version". */
export type PushHandlers = { [K in PushKind]?: PushHandler<K> };

export type PushDeps = DispatchDeps<PushHandlers>;

export function dispatchPush(body: unknown, delivery: DeliveryInfo, deps: PushDeps): Promise<DispatchOutcome> {
  return dispatchMessage<PushMessage>({
    ...deps,
    body,
    delivery,
    parse: parsePushMessage,
    routeOf: (m) => m.kind,
    userOf: (m) => m.user,
    routeName: "kind",
    handlers: deps.handlers as Record<string, ((m: PushMessage, ctx: HandlerContext) => Promise<void>) | undefined>,
  });
}
