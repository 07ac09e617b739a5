// Service Bus trigger for msgraph-push (session per ERP user): validates and routes each message to its kind's handler.
import { app, type InvocationContext } from "@azure/functions";
import { getConfig, type Config } from "../shared/config/config.js";
import { createRejectedStore } from "../shared/adapters/servicebus/rejectedStore.js";
import { deliveryInfoFrom, type DispatchOutcome } from "../shared/app/dispatchMessage.js";
import { dispatchPush, type PushDeps, type PushHandlers } from "../shared/app/dispatchPush.js";

/** The handler registry, built once per process; later issues add appointment, task, email and actionType handlers here. */
export function buildPushHandlers(_config: Config): PushHandlers {
  return {};
}

export interface PushWorkerDeps extends Omit<PushDeps, "log"> {
  queue: string;
}

let defaults: PushWorkerDeps | undefined;
function defaultDeps(): PushWorkerDeps {
  if (!defaults) {
    const config = getConfig();
    defaults = {
      queue: config.pushQueue,
      handlers: buildPushHandlers(config),
      rejected: createRejectedStore({ connectionString: config.storageConnection, tablePrefix: config.tablePrefix }),
    };
  }
  return defaults;
}

/** Returns normally → the host completes the message (also when it was set aside); throws → abandon, redelivery. */
export function runPushWorker(
  message: unknown,
  context: InvocationContext,
  deps: PushWorkerDeps,
): Promise<DispatchOutcome> {
  const delivery = deliveryInfoFrom(deps.queue, context.triggerMetadata);
  return dispatchPush(message, delivery, { handlers: deps.handlers, rejected: deps.rejected, log: context });
}

export async function pushWorker(message: unknown, context: InvocationContext): Promise<void> {
  await runPushWorker(message, context, defaultDeps());
}

app.serviceBusQueue("pushWorker", {
  connection: "SERVICEBUS_CONNECTION",
  queueName: "%PUSH_QUEUE%",
  isSessionsEnabled: true,
  cardinality: "one",
  autoCompleteMessages: true,
  handler: pushWorker,
});
