// Use case of the push worker: a msgraph-push message → the handler registered for its kind; a batch of one session's
// messages → each dispatched on its own, same-key messages in order, their Graph writes sent together ($batch).
import type { WriteBatcher } from "../adapters/graph/writeBatcher.js";
import { toAppError } from "../domain/errors.js";
import { parsePushMessage } from "../domain/messages/parseMessage.js";
import type { PushKind, PushMessage, PushMessageOf } from "../domain/messages/pushMessage.js";
import {
  dispatchMessage,
  type DeliveryInfo,
  type DispatchDeps,
  type DispatchOutcome,
  type HandlerContext,
} from "./dispatchMessage.js";
import { laneKeyOf, planLanes } from "./sync/pushLanes.js";

/** A push handler's context: the delivery, the log and, in a batch invocation, the batcher its Graph writes join. */
export interface PushContext extends HandlerContext {
  writes?: WriteBatcher;
}

export type PushHandler<K extends PushKind> = (message: PushMessageOf<K>, ctx: PushContext) => Promise<void>;
/** One handler per kind; a kind without one is set aside as "kind X is not handled by this version". */
export type PushHandlers = { [K in PushKind]?: PushHandler<K> };

export type PushDeps = DispatchDeps<PushHandlers> & {
  /** This invocation's write batcher (a batch invocation); without it every write is its own request. */
  writes?: WriteBatcher;
};

type AnyHandler = (m: PushMessage, ctx: PushContext) => Promise<void>;

export function dispatchPush(body: unknown, delivery: DeliveryInfo, deps: PushDeps): Promise<DispatchOutcome> {
  const handlers = deps.handlers as Record<string, AnyHandler | undefined>;
  const { writes } = deps;
  const withWrites = writes
    ? Object.fromEntries(
        Object.entries(handlers).map(([k, h]) => [
          k,
          h && ((m: PushMessage, ctx: HandlerContext) => h(m, { ...ctx, writes })),
        ]),
      )
    : handlers;
  return dispatchMessage<PushMessage>({
    ...deps,
    body,
    delivery,
    parse: parsePushMessage,
    routeOf: (m) => m.kind,
    userOf: (m) => m.user,
    routeName: "kind",
    handlers: withWrites,
  });
}

/** What became of each message of a batch: its dispatch outcome, or kept for the broker's redelivery. */
export type BatchItemOutcome =
  | DispatchOutcome
  | { status: "redeliver"; error: unknown }
  /** Not run: an earlier message it is ordered after needs redelivery; it comes back with the abandoned batch. */
  | { status: "notRun" };

/**
 * Dispatches a batch (one session's messages in delivery order, as the host hands them with cardinality "many"). Each
 * message goes through dispatchMessage on its own (validation, set-aside, reschedule, sign-in hold, its log line).
 * Messages with the same ERP key run one after another in delivery order, different keys side by side, an action
 * type or mail message alone (planLanes); with `deps.writes` their Graph writes are sent together.
 *
 * Settlement: every message ends handled, set aside or rescheduled → returns (the host completes them all). A message
 * that needs redelivery (a transient failure without Retry-After, a set-aside or reschedule that could not be
 * stored) stops its lane (later messages with its key, and later barriers, are not run); once every other message has
 * settled, its error is thrown: the host abandons the whole batch and the broker redelivers every message. The ones
 * already handled are no-ops then (links and fingerprints, transactionId, 404 on DELETE = done), so nothing is lost
 * or written twice.
 */
export async function dispatchPushBatch(
  bodies: readonly unknown[],
  deliveries: readonly DeliveryInfo[],
  deps: PushDeps,
): Promise<BatchItemOutcome[]> {
  const keys = bodies.map(laneKeyOf);
  const outcomes: BatchItemOutcome[] = bodies.map(() => ({ status: "notRun" }));
  const failedKeys = new Set<string>();
  let blocked = false;
  const runOne = async (i: number): Promise<boolean> => {
    const key = keys[i] ?? null;
    if (blocked || (key === null ? failedKeys.size > 0 : failedKeys.has(key))) return false;
    try {
      outcomes[i] = await dispatchPush(bodies[i], deliveries[i] as DeliveryInfo, deps);
      return true;
    } catch (error) {
      outcomes[i] = { status: "redeliver", error };
      if (key === null) blocked = true;
      else failedKeys.add(key);
      return false;
    }
  };
  const runLane = async (lane: number[]) => {
    for (const i of lane) if (!(await runOne(i))) return;
  };
  for (const step of planLanes(keys)) {
    const lanes = step.map((lane) => () => runLane(lane));
    await (deps.writes ? deps.writes.runAll(lanes) : Promise.all(lanes.map((run) => run())));
  }
  if (deps.writes && bodies.length > 1) {
    const { batches, batchedWrites, directWrites } = deps.writes.stats;
    deps.log.log(
      `push batch of ${bodies.length}: ${batchedWrites} Graph writes in ${batches} $batch calls, ${directWrites} direct`,
    );
  }
  const redeliver = outcomes.flatMap((o) => (o.status === "redeliver" ? [o.error] : []));
  if (redeliver.length) {
    const notRun = outcomes.filter((o) => o.status === "notRun").length;
    deps.log.warn(
      `push batch of ${bodies.length}: ${redeliver.length} need redelivery, ${notRun} not run; ` +
        `the batch is abandoned and redelivered (the settled ones are no-ops then)`,
    );
    throw toAppError(redeliver[0]);
  }
  return outcomes;
}
