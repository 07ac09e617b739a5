// Service Bus trigger for msgraph-push (session per ERP user, cardinality many): validates and routes each message of
// the session's batch to its kind's handler; the batch's Graph writes go out together through $batch.
import { app, type InvocationContext } from "@azure/functions";
import type { WriteBatcher } from "../shared/adapters/graph/writeBatcher.js";
import { getAppDeps } from "../shared/app/appDeps.js";
import { recordSignInRequired } from "../shared/app/auth/recordSignInRequired.js";
import { deliveryInfosFrom } from "../shared/app/batchDeliveryInfos.js";
import { deliveryInfoFrom, type DispatchOutcome } from "../shared/app/dispatchMessage.js";
import type { BatchItemOutcome, PushDeps } from "../shared/app/dispatchPush.js";
import { onFirstUse } from "../shared/app/onFirstUse.js";

/** The push use cases, their schemas and the Graph client load with the first message, not at a cold start. */
const pushHandlers = onFirstUse(() => import("../shared/app/pushHandlers.js"));
const pushDispatch = onFirstUse(() => import("../shared/app/dispatchPush.js"));
const writeBatcher = onFirstUse(() => import("../shared/adapters/graph/writeBatcher.js"));

export interface PushWorkerDeps extends Omit<PushDeps, "log" | "writes"> {
  queue: string;
  /** A batcher for one batch invocation's Graph writes; without it each write is its own request. */
  writeBatcher?: () => WriteBatcher;
}

let defaults: Promise<PushWorkerDeps> | undefined;
function defaultDeps(): Promise<PushWorkerDeps> {
  if (!defaults) {
    defaults = Promise.all([getAppDeps(), pushHandlers(), writeBatcher()]).then(
      ([deps, { buildPushHandlers }, { WriteBatcher }]) => ({
        queue: deps.config.pushQueue,
        handlers: buildPushHandlers(deps),
        rejected: deps.rejected,
        reschedule: deps.queues,
        onSignInRequired: (user, error) => recordSignInRequired(deps, user, error),
        writeBatcher: () => new WriteBatcher(deps.graph.http),
      }),
    );
    defaults.catch(() => (defaults = undefined));
  }
  return defaults;
}

/**
 * One message (cardinality one). Returns normally → the host completes the message (also when it was set aside, or
 * rescheduled after a Retry-After: see dispatchMessage); throws → abandon, redelivery.
 */
export async function runPushWorker(
  message: unknown,
  context: InvocationContext,
  deps: PushWorkerDeps,
): Promise<DispatchOutcome> {
  const delivery = deliveryInfoFrom(deps.queue, context.triggerMetadata);
  const { dispatchPush } = await pushDispatch();
  return dispatchPush(message, delivery, { ...deps, log: context });
}

/**
 * A batch (cardinality many: one session's messages, metadata as arrays). Returns → the host completes every message;
 * throws (some message needs redelivery, thrown after all others settled) → the host abandons them all: see
 * dispatchPushBatch.
 */
export async function runPushWorkerBatch(
  messages: unknown,
  context: InvocationContext,
  deps: PushWorkerDeps,
): Promise<BatchItemOutcome[]> {
  const { dispatchPushBatch } = await pushDispatch();
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
