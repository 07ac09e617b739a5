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
import { TaskListsTable } from "../adapters/tables/taskListsTable.js";
import { UsersTable } from "../adapters/tables/usersTable.js";
import { MsalDelegatedTokenProvider } from "../adapters/auth/msalDelegatedTokenProvider.js";
import { stateSigningKey } from "../adapters/auth/signedState.js";
import { SignInStateTable } from "../adapters/tables/signInStateTable.js";
import { TokenCacheTable } from "../adapters/tables/tokenCacheTable.js";

/** Per-user sign-in parts; present when a token cache key and SIGNIN_REDIRECT_URI are set. */
export interface SignInDeps {
  delegated: MsalDelegatedTokenProvider;
  tokenCache: TokenCacheTable;
  states: SignInStateTable;
  /** HMAC key of the sign-in `state` (derived from the active token cache key). */
  stateKey: Buffer;
  redirectUri: string;
}

export interface AppDeps {
  config: Config;
  /** The clock every decision uses (tests move it). */
  now(): Date;
  users: UsersTable;
  subscriptions: SubscriptionsTable;
  links: LinksTable;
  actionTypes: ActionTypesTable;
  /** The user's To Do list (TASK_LIST_NAME) as last found, with its delta cursor. */
  taskLists: TaskListsTable;
  graph: GraphGateway;
  queues: QueueSender;
  rejected: RejectedStore;
  /** Claim-check attachments of ERP emails (Blob Storage, container EMAIL_BLOB_CONTAINER). */
  blobs: AttachmentBlobs;
  signIn: SignInDeps | undefined;
}

/** Builds every adapter from `config`; `overrides` replaces single parts (tests inject a clock, a counting gateway…). */
export async function createAppDeps(config: Config, overrides: Partial<AppDeps> = {}): Promise<AppDeps> {
  const tables = { ...config.storageConnection, tablePrefix: config.tablePrefix };
  const [users, subscriptions, links, actionTypes, taskLists] = await Promise.all([
    overrides.users ?? UsersTable.open(tables),
    overrides.subscriptions ?? SubscriptionsTable.open(tables),
    overrides.links ?? LinksTable.open(tables),
    overrides.actionTypes ?? ActionTypesTable.open(tables),
    overrides.taskLists ?? TaskListsTable.open(tables),
  ]);
  const credentials = {
    authorityHost: config.authorityHost,
    tenantId: config.tenantId,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
  };
  let signIn = overrides.signIn;
  if (!signIn && config.tokenCacheKeys && config.signInRedirectUri) {
    const now = overrides.now ?? (() => new Date());
    const [tokenCache, states] = await Promise.all([
      TokenCacheTable.open(tables, config.tokenCacheKeys, now),
      SignInStateTable.open(tables),
    ]);
    signIn = {
      delegated: new MsalDelegatedTokenProvider({
        ...credentials,
        cacheStore: tokenCache,
        scopes: config.delegatedScopes,
      }),
      tokenCache,
      states,
      stateKey: stateSigningKey(config.tokenCacheKeys.keys.get(config.tokenCacheKeys.activeId)!),
      redirectUri: config.signInRedirectUri,
    };
  }
  const graph =
    overrides.graph ??
    new GraphGateway({
      baseUrl: config.graphBaseUrl,
      // Delegated: every Graph call for a mailbox uses that user's own token (acquireTokenSilent).
      tokenProvider:
        config.authMode === "delegated" && signIn ? signIn.delegated : new ClientCredentialsTokenProvider(credentials),
    });
  return {
    config,
    now: overrides.now ?? (() => new Date()),
    users,
    subscriptions,
    links,
    actionTypes,
    taskLists,
    graph,
    queues: overrides.queues ?? getQueueSender(config.serviceBusConnection),
    rejected: overrides.rejected ?? createRejectedStore(tables),
    blobs:
      overrides.blobs ??
      AttachmentBlobs.fromConnectionString({
        ...config.storageConnection,
        defaultContainer: config.emailBlobContainer,
      }),
    signIn,
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
