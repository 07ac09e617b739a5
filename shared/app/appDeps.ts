// The composition root: the real adapters built from the settings, once per process, handed to the use cases.
import type { Config } from "../config/config.js";
import { getConfig } from "../config/config.js";
import { AttachmentBlobs } from "../adapters/blob/attachmentBlobs.js";
import { ClientCredentialsTokenProvider } from "../adapters/auth/clientCredentialsTokenProvider.js";
import { GraphGateway } from "../adapters/graph/graphGateway.js";
import { getQueueSender, type QueueSender } from "../adapters/servicebus/queueSender.js";
import { createRejectedStore, type RejectedStore } from "../adapters/servicebus/rejectedStore.js";
import { ActionTypesTable } from "../adapters/tables/actionTypesTable.js";
import { LinksTable } from "../adapters/tables/linksTable.js";
import { SubscriptionsTable } from "../adapters/tables/subscriptionsTable.js";
import { UsersTable } from "../adapters/tables/usersTable.js";

export interface AppDeps {
  config: Config;
  /** The clock every decision uses (tests move it). */
  now(): Date;
  users: UsersTable;
  subscriptions: SubscriptionsTable;
  links: LinksTable;
  actionTypes: ActionTypesTable;
  graph: GraphGateway;
  queues: QueueSender;
  rejected: RejectedStore;
  /** Claim-check attachments of ERP emails (Blob Storage, container EMAIL_BLOB_CONTAINER). */
  blobs: AttachmentBlobs;
}

/** Builds every adapter from `config`; `overrides` replaces single parts (tests inject a clock, a counting gateway…). */
export async function createAppDeps(config: Config, overrides: Partial<AppDeps> = {}): Promise<AppDeps> {
  const tables = { ...config.storageConnection, tablePrefix: config.tablePrefix };
  const [users, subscriptions, links, actionTypes] = await Promise.all([
    overrides.users ?? UsersTable.open(tables),
    overrides.subscriptions ?? SubscriptionsTable.open(tables),
    overrides.links ?? LinksTable.open(tables),
    overrides.actionTypes ?? ActionTypesTable.open(tables),
  ]);
  const graph =
    overrides.graph ??
    new GraphGateway({
      baseUrl: config.graphBaseUrl,
      tokenProvider: new ClientCredentialsTokenProvider({
        authorityHost: config.authorityHost,
        tenantId: config.tenantId,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
      }),
    });
  return {
    config,
    now: overrides.now ?? (() => new Date()),
    users,
    subscriptions,
    links,
    actionTypes,
    graph,
    queues: overrides.queues ?? getQueueSender(config.serviceBusConnection),
    rejected: overrides.rejected ?? createRejectedStore(tables),
    blobs:
      overrides.blobs ??
      AttachmentBlobs.fromConnectionString({
        ...config.storageConnection,
        defaultContainer: config.emailBlobContainer,
      }),
  };
}

let shared: Promise<AppDeps> | undefined;

/** The process-wide dependencies of the deployed app (settings from process.env, validated once). */
export function getAppDeps(): Promise<AppDeps> {
  if (!shared) {
    shared = createAppDeps(getConfig());
    shared.catch(() => (shared = undefined));
  }
  return shared;
}
