// Service Bus trigger for msgraph-push (session per ERP user): validates and routes each message to its kind's handler.
import { app, type InvocationContext } from "@azure/functions";
import { getAppDeps } from "../shared/app/appDeps.js";
import { recordSignInRequired } from "../shared/app/auth/recordSignInRequired.js";
import { deliveryInfoFrom, type DispatchOutcome } from "../shared/app/dispatchMessage.js";
import { dispatchPush, type PushDeps } from "../shared/app/dispatchPush.js";
import { buildPushHandlers } from "../shared/app/pushHandlers.js";

export interface PushWorkerDeps extends Omit<PushDeps, "log"> {
  queue: string;
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
    }));
    defaults.catch(() => (defaults = undefined));
  }
  return defaults;
}

/**
 * Returns normally → the host completes the message (also when it was set aside, or rescheduled after a Retry-After:
 * see dispatchMessage); throws → abandon, redelivery.
 */
export function runPushWorker(
  message: unknown,
  context: InvocationContext,
  deps: PushWorkerDeps,
): Promise<DispatchOutcome> {
  const delivery = deliveryInfoFrom(deps.queue, context.triggerMetadata);
  return dispatchPush(message, delivery, { ...deps, log: context });
}

export async function pushWorker(message: unknown, context: InvocationContext): Promise<void> {
  await runPushWorker(message, context, await defaultDeps());
}

app.serviceBusQueue("pushWorker", {
  connection: "SERVICEBUS_CONNECTION",
  queueName: "%PUSH_QUEUE%",
  isSessionsEnabled: true,
  cardinality: "one",
  autoCompleteMessages: true,
  handler: pushWorker,
});
