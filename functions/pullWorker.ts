// Service Bus trigger for msgraph-pull (session per ERP user): validates and routes each request to its source's handler.
import { app, type InvocationContext } from "@azure/functions";
import { getConfig, type Config } from "../shared/config/config.js";
import { createRejectedStore } from "../shared/adapters/servicebus/rejectedStore.js";
import { deliveryInfoFrom, type DispatchOutcome } from "../shared/app/dispatchMessage.js";
import { dispatchPull, type PullDeps, type PullHandlers } from "../shared/app/dispatchPull.js";

/** The handler registry, built once per process; later issues add MSEVENT, MSTASK, RESYNC and LIFECYCLE handlers here. */
export function buildPullHandlers(_config: Config): PullHandlers {
  return {};
}

export interface PullWorkerDeps extends Omit<PullDeps, "log"> {
  queue: string;
}

let defaults: PullWorkerDeps | undefined;
function defaultDeps(): PullWorkerDeps {
  if (!defaults) {
    const config = getConfig();
    defaults = {
      queue: config.pullQueue,
      handlers: buildPullHandlers(config),
      rejected: createRejectedStore({ connectionString: config.storageConnection, tablePrefix: config.tablePrefix }),
    };
  }
  return defaults;
}

/** Returns normally → the host completes the message (also when it was set aside); throws → abandon, redelivery. */
export function runPullWorker(
  message: unknown,
  context: InvocationContext,
  deps: PullWorkerDeps,
): Promise<DispatchOutcome> {
  const delivery = deliveryInfoFrom(deps.queue, context.triggerMetadata);
  return dispatchPull(message, delivery, { handlers: deps.handlers, rejected: deps.rejected, log: context });
}

export async function pullWorker(message: unknown, context: InvocationContext): Promise<void> {
  await runPullWorker(message, context, defaultDeps());
}

app.serviceBusQueue("pullWorker", {
  connection: "SERVICEBUS_CONNECTION",
  queueName: "%PULL_QUEUE%",
  isSessionsEnabled: true,
  cardinality: "one",
  autoCompleteMessages: true,
  handler: pullWorker,
});
