// Starts the real parts the bench measures against (Azurite, Graph simulator, Service Bus stand-in, HTTP front door
// serving the webhook) and builds the app's real dependencies through the settings schema, without vitest.
import { randomBytes } from "node:crypto";
import { runGraphLifecycle } from "../functions/graphLifecycle.js";
import { runGraphWebhook } from "../functions/graphWebhook.js";
import { createAppDeps, type AppDeps } from "../shared/app/appDeps.js";
import { loadConfig, type Config } from "../shared/config/config.js";
import { createQueueSender } from "../shared/adapters/servicebus/queueSender.js";
import { startAzurite, type AzuriteHandle } from "../test/harness/azurite.js";
import { localAppSettings, QUEUES } from "../test/harness/localAppSettings.js";
import { startGraphSim, type GraphSim } from "../test/graph-sim/index.js";
import { startServiceBusStandIn, type ServiceBusStandIn } from "../test/servicebus/index.js";
import { startFrontDoor, type FrontDoor } from "./frontDoor.js";

export { QUEUES };

export interface BenchRig {
  azurite: AzuriteHandle;
  sim: GraphSim;
  bus: ServiceBusStandIn;
  host: FrontDoor;
  /** The settings the app was built from (names as in local.settings.sample.json). */
  env: Record<string, string>;
  config: Config;
  deps: AppDeps;
  webhookUrl: string;
  stop(): Promise<void>;
}

/** Everything on 127.0.0.1; each part that started is stopped by `stop()` even when a later one failed to start. */
export async function startBenchRig(projectRoot: string): Promise<BenchRig> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error(`bench: stopping a part failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    stops.length = 0;
  };
  try {
    const azurite = await startAzurite(projectRoot);
    stops.push(() => azurite.stop());
    const sim = await startGraphSim({ notificationRetryBaseMs: 100 });
    stops.push(() => sim.stop());
    const bus = await startServiceBusStandIn({
      queues: Object.values(QUEUES).map((name) => ({
        name,
        requiresSession: true,
        maxDeliveryCount: 10,
        lockDurationMs: 30_000,
      })),
    });
    stops.push(() => bus.stop());
    const holder: { deps?: AppDeps } = {};
    const appDeps = () => {
      if (!holder.deps) throw new Error("bench: deps not ready yet");
      return holder.deps;
    };
    // Both endpoints: Graph validates the lifecycle URL too when a subscription is created.
    const host = await startFrontDoor([
      {
        name: "graphWebhook",
        method: "POST",
        route: "graph/notifications",
        handler: (request, context) => runGraphWebhook(request, context, appDeps),
      },
      {
        name: "graphLifecycle",
        method: "POST",
        route: "graph/notifications/lifecycle",
        handler: (request, context) => runGraphLifecycle(request, context, appDeps),
      },
      // The floor: the same HTTP path with a handler that does nothing.
      { name: "benchPing", method: "POST", route: "bench/ping", handler: () => Promise.resolve({ status: 202 }) },
      // Notification URL of subscriptions a scenario makes but does not want notified (the nightly resync): answers
      // Graph's validation handshake, then accepts and drops every notification.
      {
        name: "benchSink",
        method: "POST",
        route: "bench/sink",
        handler: (request) => {
          const token = request.query.get("validationToken");
          return Promise.resolve(
            token === null ? { status: 202 } : { status: 200, body: token, headers: { "content-type": "text/plain" } },
          );
        },
      },
    ]);
    stops.push(() => host.stop());
    const env = localAppSettings({
      storageConnection: azurite.connectionString,
      serviceBusConnection: bus.connectionString,
      sim,
      webhookUrl: `${host.baseUrl}/graph/notifications`,
      tablePrefix: "bench" + randomBytes(4).toString("hex"),
    });
    const config = loadConfig(env);
    const queues = createQueueSender(config.serviceBusConnection);
    stops.push(() => queues.close()); // stopped in reverse order: the sender closes before the broker goes
    holder.deps = await createAppDeps(config, { queues });
    return {
      azurite,
      sim,
      bus,
      host,
      env,
      config,
      deps: holder.deps,
      webhookUrl: config.webhookUrl,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
