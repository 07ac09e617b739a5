// Test helper: runs the real push or pull worker entry (runPushWorker[Batch] / runPullWorker with the app's handlers) over a
// rig's queue through the delivery harness until the queue is idle.
import type { InvocationContext } from "@azure/functions";
import { runPullWorker } from "../../functions/pullWorker.js";
import { runPushWorker, runPushWorkerBatch } from "../../functions/pushWorker.js";
import { WriteBatcher } from "../../shared/adapters/graph/writeBatcher.js";
import { buildPullHandlers } from "../../shared/app/pullHandlers.js";
import { buildPushHandlers } from "../../shared/app/pushHandlers.js";
import { QUEUES, type AppRig } from "./appRig.js";
import { createDeliveryHarness, type DrainResult } from "./deliveryHarness.js";

async function drain(
  rig: AppRig,
  queue: string,
  handler: (m: unknown, c: InvocationContext) => Promise<unknown>,
  batch?: { maxBatchSize: number },
) {
  const h = createDeliveryHarness({
    connectionString: rig.bus.connectionString,
    queue,
    handler,
    ...(batch ? { cardinality: "many" as const, maxBatchSize: batch.maxBatchSize } : {}),
  });
  try {
    return await h.drain();
  } finally {
    await h.stop();
  }
}

/** Every message of the push queue through pushWorker's entry, as the host would deliver them. */
export const drainPushWorker = (rig: AppRig): Promise<DrainResult> =>
  drain(rig, QUEUES.push, (message, context) =>
    runPushWorker(message, context, {
      queue: QUEUES.push,
      handlers: buildPushHandlers(rig.deps),
      rejected: rig.deps.rejected,
    }),
  );

/**
 * Every message of the push queue through pushWorker's batch entry, as the host delivers them with cardinality "many"
 * (up to `maxBatchSize` of a session per call), the Graph writes of a call sent together.
 */
export const drainPushWorkerBatched = (rig: AppRig, maxBatchSize = 100): Promise<DrainResult> =>
  drain(
    rig,
    QUEUES.push,
    (messages, context) =>
      runPushWorkerBatch(messages, context, {
        queue: QUEUES.push,
        handlers: buildPushHandlers(rig.deps),
        rejected: rig.deps.rejected,
        reschedule: rig.deps.queues,
        writeBatcher: () => new WriteBatcher(rig.deps.graph.http),
      }),
    { maxBatchSize },
  );

/** Every message of the pull queue through pullWorker's entry. */
export const drainPullWorker = (rig: AppRig): Promise<DrainResult> =>
  drain(rig, QUEUES.pull, (message, context) =>
    runPullWorker(message, context, {
      queue: QUEUES.pull,
      handlers: buildPullHandlers(rig.deps),
      rejected: rig.deps.rejected,
    }),
  );
