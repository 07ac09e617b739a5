// Use case of the pull worker: a msgraph-pull message → the handler registered for its source (filled in later).
import { parsePullMessage } from "../domain/messages/parseMessage.js";
import type { PullMessage, PullSource } from "../domain/messages/pullMessage.js";
import {
  dispatchMessage,
  type DeliveryInfo,
  type DispatchDeps,
  type DispatchOutcome,
  type HandlerContext,
} from "./dispatchMessage.js";

/** The message shape for one source (MSEVENT and MSTASK share a schema member, so Extract<> would give never). */
export type PullMessageOf<S extends PullSource> = PullMessage extends infer M
  ? M extends { source: infer X }
    ? S extends X
      ? M & { source: S }
      : never
    : never
  : never;
export type PullHandler<S extends PullSource> = (message: PullMessageOf<S>, ctx: HandlerContext) => Promise<void>;
/** One handler per source; a source without one is set aside as "source X is not handled by this version". */
export type PullHandlers = { [S in PullSource]?: PullHandler<S> };

export type PullDeps = DispatchDeps<PullHandlers>;

export function dispatchPull(body: unknown, delivery: DeliveryInfo, deps: PullDeps): Promise<DispatchOutcome> {
  return dispatchMessage<PullMessage>({
    ...deps,
    body,
    delivery,
    parse: parsePullMessage,
    routeOf: (m) => m.source,
    userOf: (m) => m.user,
    routeName: "source",
    handlers: deps.handlers as Record<string, ((m: PullMessage, ctx: HandlerContext) => Promise<void>) | undefined>,
  });
}
