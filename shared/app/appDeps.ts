// The composition root: the real adapters built from the settings, once per process, handed to the use cases.
// Adapters (and the SDKs behind them) are imported on first use, not when a trigger file is loaded: in the deployed
// bundle each lands in a chunk of its own that the first invocation loads (see scripts/bundle.ts), so a cold start
// pays for the registrations only. Type-only imports below cost nothing at run time.
import type { Config } from "../config/config.js";
import type { AttachmentBlobs } from "../adapters/blob/attachmentBlobs.js";
import type { GraphGateway } from "../adapters/graph/graphGateway.js";
import type { QueueSender } from "../adapters/servicebus/queueSender.js";
import type { RejectedStore } from "../adapters/servicebus/rejectedStore.js";
import type { ActionTypesTable } from "../adapters/tables/actionTypesTable.js";
import type { LinksTable } from "../adapters/tables/linksTable.js";
import type { SubscriptionsTable } from "../adapters/tables/subscriptionsTable.js";
import type { TaskListsTable } from "../adapters/tables/taskListsTable.js";
import type { UsersTable } from "../adapters/tables/usersTable.js";
import type { MsalDelegatedTokenProvider } from "../adapters/auth/msalDelegatedTokenProvider.js";
import type { SignInStateTable } from "../adapters/tables/signInStateTable.js";
import type { TokenCacheTable } from "../adapters/tables/tokenCacheTable.js";

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
    overrides.users ?? import("../adapters/tables/usersTable.js").then((m) => m.UsersTable.open(tables)),
    overrides.subscriptions ??
      import("../adapters/tables/subscriptionsTable.js").then((m) => m.SubscriptionsTable.open(tables)),
    overrides.links ?? import("../adapters/tables/linksTable.js").then((m) => m.LinksTable.open(tables)),
    overrides.actionTypes ??
      import("../adapters/tables/actionTypesTable.js").then((m) => m.ActionTypesTable.open(tables)),
    overrides.taskLists ?? import("../adapters/tables/taskListsTable.js").then((m) => m.TaskListsTable.open(tables)),
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
    const keys = config.tokenCacheKeys;
    const [tokenCache, states, { MsalDelegatedTokenProvider }, { stateSigningKey }] = await Promise.all([
      import("../adapters/tables/tokenCacheTable.js").then((m) => m.TokenCacheTable.open(tables, keys, now)),
      import("../adapters/tables/signInStateTable.js").then((m) => m.SignInStateTable.open(tables)),
      import("../adapters/auth/msalDelegatedTokenProvider.js"),
      import("../adapters/auth/signedState.js"),
    ]);
    signIn = {
      delegated: new MsalDelegatedTokenProvider({
        ...credentials,
        cacheStore: tokenCache,
        scopes: config.delegatedScopes,
      }),
      tokenCache,
      states,
      stateKey: stateSigningKey(keys.keys.get(keys.activeId)!),
      redirectUri: config.signInRedirectUri,
    };
  }
  const delegated = config.authMode === "delegated" && signIn ? signIn.delegated : undefined;
  const [graph, queues, rejected, blobs] = await Promise.all([
    overrides.graph ??
      Promise.all([
        import("../adapters/graph/graphGateway.js"),
        // Delegated: every Graph call for a mailbox uses that user's own token (acquireTokenSilent).
        delegated ??
          import("../adapters/auth/clientCredentialsTokenProvider.js").then(
            (m) => new m.ClientCredentialsTokenProvider(credentials),
          ),
      ]).then(([{ GraphGateway }, tokenProvider]) => new GraphGateway({ baseUrl: config.graphBaseUrl, tokenProvider })),
    overrides.queues ??
      import("../adapters/servicebus/queueSender.js").then((m) => m.getQueueSender(config.serviceBusConnection)),
    overrides.rejected ?? import("../adapters/servicebus/rejectedStore.js").then((m) => m.createRejectedStore(tables)),
    overrides.blobs ??
      import("../adapters/blob/attachmentBlobs.js").then((m) =>
        m.AttachmentBlobs.fromConnectionString({
          ...config.storageConnection,
          defaultContainer: config.emailBlobContainer,
        }),
      ),
  ]);
  return {
    config,
    now: overrides.now ?? (() => new Date()),
    users,
    subscriptions,
    links,
    actionTypes,
    taskLists,
    graph,
    queues,
    rejected,
    blobs,
    signIn,
  };
}

let shared: Promise<AppDeps> | undefined;

/** The process-wide dependencies of the deployed app (settings from process.env, validated once). */
export function getAppDeps(): Promise<AppDeps> {
  if (!shared) {
    // The settings schema is built on first use too (with the zod schemas of config.ts and connections.ts).
    shared = import("../config/config.js").then(({ getConfig }) => createAppDeps(getConfig()));
    shared.catch(() => (shared = undefined));
  }
  return shared;
}
