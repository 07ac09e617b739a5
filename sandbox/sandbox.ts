// The whole system on one machine (npm start): Azurite, the Service Bus stand-in, the Graph simulator with a small
// tenant, the local Functions host running the built app, and the sandbox's ERP console and Outlook view.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { ActionTypesTable } from "../shared/adapters/tables/actionTypesTable.js";
import { UsersTable } from "../shared/adapters/tables/usersTable.js";
import { createQueueSender } from "../shared/adapters/servicebus/queueSender.js";
import { startGraphSim, type GraphSim } from "../test/graph-sim/index.js";
import { startServiceBusStandIn, type ServiceBusStandIn } from "../test/servicebus/index.js";
import { build, buildIsStale } from "./build.js";
import { startConsole, type ErpConsole } from "./console/consoleServer.js";
import { startAzurite, type AzuriteHandle } from "./host/azurite.js";
import { ensureDevCert } from "./host/devCert.js";
import { freePort } from "./host/freePort.js";
import type { HostKeys } from "./host/functionsHost.js";
import { localAppSettings, QUEUES } from "./host/localAppSettings.js";
import { startHostProcess, type HostProcess } from "./hostProcess.js";
import {
  ensureDirs,
  releaseLock,
  sandboxPaths,
  takeLock,
  updateLock,
  wipeData,
  type LockContent,
} from "./sandboxFiles.js";
import { SANDBOX_ACTION_TYPES, SANDBOX_USERS, sandboxTenant, seedOutlookItems } from "./seed.js";

export interface SandboxOptions {
  projectRoot: string;
  /** Data folder (default .sandbox/, or SANDBOX_DIR). */
  dir?: string;
  /** Wipe the data folder first (npm start -- --fresh). */
  fresh?: boolean;
  /** "preferred": 7071 (host), 7072 (console), 5672 (Service Bus), 8443 (Graph) when free; "random": any free port. */
  ports?: "preferred" | "random";
  log?: (line: string) => void;
}

export interface Endpoints {
  api: string;
  adminPage: string;
  erpConsole: string;
  erpInboundLog: string;
  outlookView: string;
  functionKey: string;
  serviceBus: string;
  storage: string;
  graph: {
    baseUrl: string;
    authority: string;
    tenantId: string;
    clientId: string;
    clientSecret: string;
    caCertPath: string;
  };
  users: {
    user: string;
    mailbox: string;
    defaultCompany: string;
    emails: boolean;
    syncAppointments: boolean;
    appointmentsFromOutlook: boolean;
    syncTasks: boolean;
    tasksFromOutlook: boolean;
  }[];
  actionTypes: { company: string; code: string; description: string }[];
}

export type StartResult =
  { running: true; sandbox: Sandbox } | { running: false; holder: LockContent; lockPath: string };

export interface Sandbox {
  endpoints: Endpoints;
  endpointsPath: string;
  lockPath: string;
  /** name → PID of every process started. */
  children: Record<string, number>;
  readyInMs: number;
  functions: HostProcess["functions"];
  /** The host's master key (its /admin API: run a timer now, disable a function). */
  masterKey: string;
  stop(): Promise<void>;
}

function portOr(preferred: number, mode: SandboxOptions["ports"]): Promise<number> {
  if (mode === "random") return freePort();
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => void freePort().then(resolve));
    probe.listen(preferred, "127.0.0.1", () => probe.close(() => resolve(preferred)));
  });
}

function loadOrCreateKeys(path: string): HostKeys {
  try {
    const k = JSON.parse(readFileSync(path, "utf8")) as HostKeys;
    if (k.functionKey && k.masterKey) return k;
  } catch {
    // first run
  }
  const keys = {
    functionKey: randomBytes(24).toString("base64url"),
    masterKey: randomBytes(24).toString("base64url"),
  };
  writeFileSync(path, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

export async function startSandbox(options: SandboxOptions): Promise<StartResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const paths = sandboxPaths(options.projectRoot, options.dir);
  ensureDirs(paths);
  const lock = takeLock(paths.lock);
  if (!lock.taken) return { running: false, holder: lock.holder, lockPath: paths.lock };

  const stops: (() => Promise<void>)[] = [];
  const children: Record<string, number> = {};
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => log(`stop: ${(e as Error).message}`));
    stops.length = 0;
    releaseLock(paths.lock);
  };
  try {
    if (options.fresh) {
      wipeData(paths);
      ensureDirs(paths);
      log(`--fresh: wiped ${paths.azurite}`);
    }
    const entry = join(options.projectRoot, "dist", "functions", "index.js");
    const building = buildIsStale(options.projectRoot, entry)
      ? (log("building (npm run build)…"), build(options.projectRoot))
      : Promise.resolve();
    const cert = ensureDevCert();
    const [busPort, simPort, hostPort, consolePort] = await Promise.all([
      portOr(5672, options.ports),
      portOr(8443, options.ports),
      portOr(7071, options.ports),
      portOr(7072, options.ports),
    ]);
    const azuriteP: Promise<AzuriteHandle> = startAzurite(options.projectRoot, { location: paths.azurite });
    const bus: ServiceBusStandIn = await startServiceBusStandIn({
      port: busPort,
      queues: Object.values(QUEUES).map((name) => ({ name, requiresSession: true, maxDeliveryCount: 10 })),
    });
    stops.push(() => bus.stop());
    const sim: GraphSim = await startGraphSim({ port: simPort, seed: sandboxTenant() });
    stops.push(() => sim.stop());
    const azurite = await azuriteP;
    children.azurite = azurite.pid;
    stops.push(() => azurite.stop());
    updateLock(paths.lock, { children });

    // Tables: the Users rows only when there are none (an admin's edits survive a restart), action types always.
    const tables = { connectionString: azurite.connectionString, tablePrefix: "" };
    const [users, actionTypes] = await Promise.all([UsersTable.open(tables), ActionTypesTable.open(tables)]);
    const existing = await users.listUsers();
    if (existing.valid.length + existing.invalid.length === 0)
      for (const u of SANDBOX_USERS) await users.upsertUser({ userId: u.user, ...u });
    for (const a of SANDBOX_ACTION_TYPES) await actionTypes.upsert(a);
    seedOutlookItems(sim, new Date());

    const keys = loadOrCreateKeys(paths.keys);
    const hostOrigin = `http://127.0.0.1:${hostPort}`;
    const settings: Record<string, string> = {
      ...localAppSettings({
        storageConnection: azurite.connectionString,
        serviceBusConnection: bus.connectionString,
        sim,
        webhookUrl: `${hostOrigin}/api/graph/notifications`,
        tablePrefix: "",
      }),
      TOKEN_CACHE_KEY: randomBytes(32).toString("base64"),
      ADMIN_PAGE_ALLOW_ANONYMOUS: "true",
    };
    await building;
    const host = await startHostProcess(
      options.projectRoot,
      { entry, hostJsonPath: join(options.projectRoot, "host.json"), settings, keys, port: hostPort },
      cert.certPath,
    );
    children.host = host.pid;
    stops.push(() => host.stop());
    updateLock(paths.lock, { children });

    const sender = createQueueSender(bus.connectionString);
    stops.push(() => sender.close());
    const erp: ErpConsole = await startConsole({
      port: consolePort,
      bus,
      sim,
      sender,
      hostOrigin,
      masterKey: keys.masterKey,
      adminPage: `${hostOrigin}/api/manage/page`,
      users: SANDBOX_USERS,
      log,
    });
    stops.push(() => erp.stop());

    // Subscribe every syncing user now (the simulator starts empty each run): the nightly fan-out, run on demand.
    const run = await fetch(`${hostOrigin}/admin/functions/nightly`, {
      method: "POST",
      headers: { "x-functions-key": keys.masterKey, "content-type": "application/json" },
      body: JSON.stringify({ input: "" }),
    });
    if (run.status !== 202) log(`running the nightly fan-out at start answered ${run.status}`);

    const endpoints: Endpoints = {
      api: `${hostOrigin}/api`,
      adminPage: `${hostOrigin}/api/manage/page`,
      erpConsole: `${erp.url}/erp`,
      erpInboundLog: `${erp.url}/erp/inbound.json`,
      outlookView: `${erp.url}/outlook`,
      functionKey: keys.functionKey,
      serviceBus: bus.connectionString,
      storage: azurite.connectionString,
      graph: {
        baseUrl: sim.graphUrl,
        authority: `${sim.authorityHost}/${sim.tenantId}`,
        tenantId: sim.tenantId,
        clientId: sim.defaultApp.clientId,
        clientSecret: sim.defaultApp.clientSecret,
        caCertPath: cert.certPath,
      },
      users: SANDBOX_USERS.map((u) => ({
        user: u.user,
        mailbox: u.mailbox,
        defaultCompany: u.defaultCompany,
        emails: u.emails,
        syncAppointments: u.syncAppointments,
        appointmentsFromOutlook: u.appointmentsFromOutlook,
        syncTasks: u.syncTasks,
        tasksFromOutlook: u.tasksFromOutlook,
      })),
      actionTypes: SANDBOX_ACTION_TYPES.map((a) => ({ ...a })),
    };
    writeFileSync(paths.endpoints, JSON.stringify(endpoints, null, 2), { mode: 0o600 });
    updateLock(paths.lock, { children, adminPage: endpoints.adminPage });
    return {
      running: true,
      sandbox: {
        endpoints,
        endpointsPath: paths.endpoints,
        lockPath: paths.lock,
        children: { ...children },
        readyInMs: Date.now() - started,
        functions: host.functions,
        masterKey: keys.masterKey,
        stop: stopAll,
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
