// End-to-end test rig: Azurite (from global setup) + the Graph simulator + the Service Bus stand-in + an HTTP front
// door for the app's HTTP functions, and the app's real dependencies wired to them through the real settings schema.
import { inject } from "vitest";
import { randomBytes } from "node:crypto";
import { loadConfig, type Config } from "../../shared/config/config.js";
import { createAppDeps, type AppDeps } from "../../shared/app/appDeps.js";
import { createQueueSender } from "../../shared/adapters/servicebus/queueSender.js";
import { startGraphSim, type GraphSim, type SimSeed, type StartOptions } from "../graph-sim/index.js";
import { startServiceBusStandIn, TestClock, type ServiceBusStandIn } from "../servicebus/index.js";
import { startHttpHost, type HttpHost, type HttpRoute } from "./httpHost.js";
import { localAppSettings, QUEUES } from "./localAppSettings.js";

export { QUEUES };

export interface AppRig {
  sim: GraphSim;
  bus: ServiceBusStandIn;
  host: HttpHost;
  env: Record<string, string>;
  config: Config;
  deps: AppDeps;
  /**
   * Moves the app's clock (deps.now) by `ms`; the simulator's clock is separate (sim.advanceClock). With
   * `manualClock` the bus's clock moves with it: scheduled copies that fall due become deliverable.
   */
  advance(ms: number): void;
  stop(): Promise<void>;
}

export interface AppRigOptions {
  /** Settings to override (names as in local.settings.sample.json). */
  env?: Record<string, string>;
  seed?: SimSeed;
  sim?: Omit<StartOptions, "seed" | "port">;
  /** HTTP routes to serve (the webhook, lifecycle, admin…); they receive the rig's deps lazily. */
  routes?: (deps: () => AppDeps) => HttpRoute[];
  /** The app's clock start (default: real now). */
  now?: Date;
  maxDeliveryCount?: number;
  /**
   * One clock for the app (deps.now) and the Service Bus stand-in that stands still until advance(): scheduled
   * messages become visible and locks expire only when the test moves time, never because the machine is slow.
   */
  manualClock?: boolean;
}

export async function startAppRig(options: AppRigOptions = {}): Promise<AppRig> {
  const sim = await startGraphSim({
    notificationRetryBaseMs: 100,
    ...options.sim,
    ...(options.seed ? { seed: options.seed } : {}),
  });
  const manual = options.manualClock ? new TestClock(options.now ?? Date.now()) : undefined;
  const bus = await startServiceBusStandIn({
    clock: manual,
    queues: Object.values(QUEUES).map((name) => ({
      name,
      requiresSession: true,
      maxDeliveryCount: options.maxDeliveryCount ?? 10,
      lockDurationMs: 30_000,
    })),
  });
  const holder: { deps?: AppDeps } = {};
  const host = await startHttpHost(
    options.routes?.(() => {
      if (!holder.deps) throw new Error("app rig: deps not ready yet");
      return holder.deps;
    }) ?? [],
  );
  const env: Record<string, string> = {
    ...localAppSettings({
      storageConnection: inject("storageConnectionString"),
      serviceBusConnection: bus.connectionString,
      sim,
      webhookUrl: `${host.baseUrl}/graph/notifications`,
      tablePrefix: "t" + randomBytes(5).toString("hex"),
    }),
    // The erp-wins grace before an Outlook delete reaches the ERP: off unless a test is about it (it sets it).
    OUTLOOK_DELETE_GRACE_SECONDS: "0",
    ...options.env,
  };
  const config = loadConfig(env);
  let offset = 0;
  const start = options.now?.getTime() ?? Date.now();
  const startedAt = Date.now();
  const queues = createQueueSender(config.serviceBusConnection);
  const now = manual ? () => new Date(manual.now()) : () => new Date(start + (Date.now() - startedAt) + offset);
  holder.deps = await createAppDeps(config, { now, queues });
  const deps = holder.deps;
  return {
    sim,
    bus,
    host,
    env,
    config,
    deps,
    advance: (ms) => (manual ? manual.advance(ms) : (offset += ms)),
    stop: async () => {
      await queues.close();
      await host.stop();
      await sim.stop();
      await bus.stop();
    },
  };
}
