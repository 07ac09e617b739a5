// Service Bus trigger for msgraph-push (session per ERP user, cardinality many): validates and routes each message of
// the session's batch to its kind's handler; the batch's Graph writes go out together through $batch.
import { app, type InvocationContext } from "@azure/functions";
import { WriteBatcher } from "../shared/adapters/graph/writeBatcher.js";
import { getAppDeps } from "../shared/app/appDeps.js";
import { recordSignInRequired } from "../shared/app/auth/recordSignInRequired.js";
import { deliveryInfosFrom } from "../shared/app/batchDeliveryInfos.js";
import { deliveryInfoFrom, type DispatchOutcome } from "../shared/app/dispatchMessage.js";
import { dispatchPush, dispatchPushBatch, type BatchItemOutcome, type PushDeps } from "../shared/app/dispatchPush.js";
import { buildPushHandlers } from "../shared/app/pushHandlers.js";

export interface PushWorkerDeps extends Omit<PushDeps, "log" | "writes"> {
  queue: string;
  /** A batcher for one batch invocation's Graph writes; without it each write is its own request. */
  writeBatcher?: () => WriteBatcher;
}

let defaults: Promise<PushWorkerDeps> | undefined;
function defaultDeps(): Promise<PushWorkerDeps> {
  if (!defaults) {
    defaults = getAppDeps().then((deps) => ({
      queue: deps.config.pushQueue,
      handlers: buildPushHandlers(deps),
      rejected: deps.rejected,
      reschedule: deps.queues,
      onSignInRequired: (user, error) => recordSignInRequired(deps, user, error),
      writeBatcher: () => new WriteBatcher(deps.graph.http),
    }));
    defaults.catch(() => (defaults = undefined));
  }
  return defaults;
}

/**
 * One message (cardinality one). Returns normally → the host completes the message (also when it was set aside, or
 * rescheduled after a Retry-After: see dispatchMessage); throws → abandon, redelivery.
 */
export function runPushWorker(
  message: unknown,
  context: InvocationContext,
  deps: PushWorkerDeps,
): Promise<DispatchOutcome> {
  const delivery = deliveryInfoFrom(deps.queue, context.triggerMetadata);
  return dispatchPush(message, delivery, { ...deps, log: context });
}

/**
 * A batch (cardinality many: one session's messages, metadata as arrays). Returns → the host completes every message;
 * throws (some message needs redelivery, thrown after all others settled) → the host abandons them all: see
 * dispatchPushBatch.
 */
export function runPushWorkerBatch(
  messages: unknown,
  context: InvocationContext,
  deps: PushWorkerDeps,
): Promise<BatchItemOutcome[]> {
  const bodies = Array.isArray(messages) ? (messages as unknown[]) : [messages];
  const deliveries = deliveryInfosFrom(deps.queue, context.triggerMetadata, bodies.length);
  const writes = deps.writeBatcher?.();
  return dispatchPushBatch(bodies, deliveries, { ...deps, log: context, ...(writes ? { writes } : {}) });
}

export async function pushWorker(messages: unknown, context: InvocationContext): Promise<void> {
  await runPushWorkerBatch(messages, context, await defaultDeps());
}

app.serviceBusQueue("pushWorker", {
  connection: "SERVICEBUS_CONNECTION",
  queueName: "%PUSH_QUEUE%",
  isSessionsEnabled: true,
  cardinality: "many",
  autoCompleteMessages: true,
  handler: pushWorker,
});
