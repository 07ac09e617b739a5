// The app settings (names as in local.settings.sample.json) for running it against the local stand-ins; shared by the
// test rig and the bench, so plain Node/tsx must be able to import it (no vitest here).
import type { GraphSim } from "../../test/graph-sim/index.js";

export const QUEUES = { push: "msgraph-push", pull: "msgraph-pull", inbound: "erp-inbound" } as const;

export interface LocalAppSettingsOptions {
  /** Azurite's connection string (used for STORAGE_CONNECTION and AzureWebJobsStorage). */
  storageConnection: string;
  serviceBusConnection: string;
  sim: Pick<GraphSim, "graphUrl" | "authorityHost" | "tenantId" | "defaultApp">;
  webhookUrl: string;
  tablePrefix: string;
}

export function localAppSettings(options: LocalAppSettingsOptions): Record<string, string> {
  const { sim } = options;
  return {
    STORAGE_CONNECTION: options.storageConnection,
    AzureWebJobsStorage: options.storageConnection,
    FUNCTIONS_WORKER_RUNTIME: "node",
    TABLE_PREFIX: options.tablePrefix,
    SERVICEBUS_CONNECTION: options.serviceBusConnection,
    PUSH_QUEUE: QUEUES.push,
    PULL_QUEUE: QUEUES.pull,
    ERP_INBOUND_QUEUE: QUEUES.inbound,
    GRAPH_BASE_URL: sim.graphUrl,
    GRAPH_AUTHORITY_HOST: sim.authorityHost,
    TENANT_ID: sim.tenantId,
    CLIENT_ID: sim.defaultApp.clientId,
    CLIENT_SECRET: sim.defaultApp.clientSecret,
    TASK_ACTION_TYPE: "TODO",
    EVENT_DAYS_BACK: "1",
    EVENT_DAYS_FORWARD: "21",
    TASK_LIST_NAME: "COINS",
    NIGHTLY_SCHEDULE: "0 0 2 * * *",
    TASK_POLL_SCHEDULE: "0 */5 * * * *",
    WEBHOOK_URL: options.webhookUrl,
  };
}
