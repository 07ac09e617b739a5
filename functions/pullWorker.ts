// Service Bus trigger for msgraph-pull (session per ERP user): validates and routes each request to its source's handler.
import { app, type InvocationContext } from "@azure/functions";
import { getAppDeps } from "../shared/app/appDeps.js";
import { recordSignInRequired } from "../shared/app/auth/recordSignInRequired.js";
import { deliveryInfoFrom, type DispatchOutcome } from "../shared/app/dispatchMessage.js";
import type { PullDeps } from "../shared/app/dispatchPull.js";
import { onFirstUse } from "../shared/app/onFirstUse.js";

/** The pull use cases (and the Graph client they call) load with the first message, not at a cold start. */
const pullHandlers = onFirstUse(() => import("../shared/app/pullHandlers.js"));
const pullDispatch = onFirstUse(() => import("../shared/app/dispatchPull.js"));

export interface PullWorkerDeps extends Omit<PullDeps, "log"> {
  queue: string;
}

let defaults: Promise<PullWorkerDeps> | undefined;
function defaultDeps(): Promise<PullWorkerDeps> {
  if (!defaults) {
    defaults = Promise.all([getAppDeps(), pullHandlers()]).then(([deps, { buildPullHandlers }]) => ({
      queue: deps.config.pullQueue,
      handlers: buildPullHandlers(deps),
      rejected: deps.rejected,
      reschedule: deps.queues,
      onSignInRequired: (user, error) => recordSignInRequired(deps, user, error),
    }));
    defaults.catch(() => (defaults = undefined));
  }
  return defaults;
}

/**
 * Returns normally → the host completes the message (also when it was set aside, or rescheduled after a Retry-After:
 * see dispatchMessage); throws → abandon, redelivery.
 */
export async function runPullWorker(
  message: unknown,
  context: InvocationContext,
  deps: PullWorkerDeps,
): Promise<DispatchOutcome> {
  const delivery = deliveryInfoFrom(deps.queue, context.triggerMetadata);
  const { dispatchPull } = await pullDispatch();
  return dispatchPull(message, delivery, { ...deps, log: context });
}

export async function pullWorker(message: unknown, context: InvocationContext): Promise<void> {
  await runPullWorker(message, context, await defaultDeps());
}

app.serviceBusQueue("pullWorker", {
  connection: "SERVICEBUS_CONNECTION",
  queueName: "%PULL_QUEUE%",
  isSessionsEnabled: true,
  cardinality: "one",
  autoCompleteMessages: true,
  handler: pullWorker,
});
