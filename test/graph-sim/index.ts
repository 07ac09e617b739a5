// Microsoft Graph simulator: starts an HTTPS server on loopback and exposes a programmatic handle for tests.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { ensureDevCert } from "../harness/devCert.js";
import { control } from "./control.js";
import type { SimCore, SimOptions } from "./core.js";
import {
  createEvent as createEv,
  deleteEvent as deleteEv,
  invitationsOf,
  updateEvent as updateEv,
  type Invitation,
} from "./events.js";
import { Faults, endpointKey, type Counters, type FaultSpec } from "./faults.js";
import { GraphError, newRequestId, readBody, type SimRequest, type SimResponse } from "./http.js";
import { Identity, type SignInBehaviour } from "./identity.js";
import { Uploads } from "./mail.js";
import { renderSettings, setMailboxTimeZone } from "./mailboxSettings.js";
import { handleGraph } from "./router.js";
import { defaultSeed, type SimSeed } from "./seed.js";
import { expandSeries } from "./series.js";
import { Store } from "./store.js";
import { Subscriptions } from "./subscriptions.js";
import { createTask as createT, deleteTask as deleteT, getList, renderList, updateTask as updateT } from "./todo.js";
import { deleteList, moveTask, renameList } from "./todo.js";
import type { DeliveredNotification, GraphEvent, SentMessage, Subscription, TodoList, TodoTask } from "./types.js";

export type { SimSeed } from "./seed.js";
export { defaultSeed, loadSeedFile } from "./seed.js";
export type { FaultSpec, Counters } from "./faults.js";
export type { SimOptions } from "./core.js";
export type { SignInBehaviour } from "./identity.js";
export type * from "./types.js";
export type { Invitation } from "./events.js";

export interface GraphSim {
  baseUrl: string;
  graphUrl: string;
  authorityHost: string;
  tenantId: string;
  tokenEndpoint: string;
  caPath: string;
  defaultApp: { clientId: string; clientSecret: string };
  seed: SimSeed;
  injectFault(f: FaultSpec): void;
  clearFaults(): void;
  /** Requests waiting at the `hold` fault `name` now. */
  heldCount(name: string): number;
  /** Resolves once at least `n` requests wait at the `hold` fault `name`. */
  waitForHeld(name: string, n: number): Promise<void>;
  /** Lets the requests waiting at the `hold` fault `name` go on; returns how many. */
  releaseHeld(name: string): number;
  setConcurrencyLimit(n: number): void;
  counters(): Counters;
  resetCounters(): void;
  events(mailbox: string): GraphEvent[];
  createEvent(mailbox: string, e: Partial<GraphEvent> | Record<string, unknown>): GraphEvent;
  updateEvent(mailbox: string, id: string, patch: Partial<GraphEvent> | Record<string, unknown>): GraphEvent;
  /** Deletes as the user: a series with all its occurrences, or one occurrence (it is cancelled). */
  deleteEvent(mailbox: string, id: string): void;
  /** The occurrences and exceptions of a series in [start, end) as calendarView shows them (ISO instants). */
  instances(mailbox: string, masterId: string, start: string, end: string): GraphEvent[];
  /** The meeting requests, updates and cancellations Graph would have mailed from the mailbox (events with attendees). */
  invitations(mailbox: string): Invitation[];
  /** The mailbox's mailboxSettings as GET /mailboxSettings returns them. */
  mailboxSettings(mailbox: string): Record<string, unknown>;
  /** Sets mailboxSettings.timeZone (a Windows name such as "Pacific Standard Time", or IANA), as the user would. */
  setMailboxTimeZone(mailbox: string, timeZone: string): void;
  todoLists(mailbox: string): TodoList[];
  tasks(mailbox: string, listId: string): TodoTask[];
  createTask(mailbox: string, listId: string, t: Partial<TodoTask> | Record<string, unknown>): TodoTask;
  updateTask(mailbox: string, listId: string, id: string, patch: Partial<TodoTask> | Record<string, unknown>): TodoTask;
  deleteTask(mailbox: string, listId: string, id: string): void;
  sentMail(mailbox: string): SentMessage[];
  subscriptions(): Subscription[];
  triggerLifecycle(
    subscriptionId: string,
    event: "reauthorizationRequired" | "subscriptionRemoved" | "missed",
  ): Promise<void>;
  notificationFaults: { duplicateNext(n?: number): void; dropNext(n?: number): void; delayNextMs(ms: number): void };
  deliveredNotifications(): DeliveredNotification[];
  /**
   * Resolves once at least n notifications (change or lifecycle) were answered 2xx since start; re-checked as each
   * notification settles. `hangGuardMs` (optional) rejects after that long; by default the test timeout guards.
   */
  waitForDeliveries(n: number, hangGuardMs?: number): Promise<DeliveredNotification[]>;
  /**
   * Resolves when no notification is queued, waiting for its (retry) timer or in flight: the notifier's pending
   * counter at 0, not a quiet period. `hangGuardMs` as for waitForDeliveries.
   */
  notificationsIdle(hangGuardMs?: number): Promise<void>;
  /** Notifications queued, waiting for their (retry) timer or in flight. */
  pendingNotifications(): number;
  expireSubscription(id: string): void;
  advanceClock(ms: number): void;
  /** How the authorize endpoint answers for `loginHint` ("*" = everyone): another account, fewer scopes, refusal. */
  setSignIn(loginHint: string, behaviour: SignInBehaviour | undefined): void;
  /** Invalidates every refresh token of the user (Graph's revokeSignInSessions). */
  revokeSignInSessions(mailbox: string): void;
  /** Lifetime of delegated access tokens in seconds (below MSAL's 5-minute margin, every silent call refreshes). */
  setDelegatedTokenLifetime(seconds: number): void;
  /** Tokens issued so far per grant type (client_credentials, authorization_code, refresh_token). */
  tokenGrants(): Record<string, number>;
  setOptions(o: Partial<SimOptions>): void;
  /** Mints an access token directly (tests): app token by default, delegated when `user` is given. */
  issueToken(o?: {
    clientId?: string;
    user?: string;
    roles?: string[];
    scopes?: string[];
    expiresInSeconds?: number;
  }): string;
  stop(): Promise<void>;
  /** The user moves a task to another list in Outlook (Graph has no move endpoint): a new task with a new id there. */
  moveTask(mailbox: string, fromListId: string, toListId: string, id: string): TodoTask;
  /** The user renames a To Do list (as PATCH /todo/lists/{id} does). */
  renameTodoList(mailbox: string, listId: string, displayName: string): TodoList;
  /** The user deletes a To Do list with its tasks (as DELETE /todo/lists/{id} does). */
  deleteTodoList(mailbox: string, listId: string): void;
}

/**
 * The system clock as the simulator reads it: a reference taken when this module loads, so the simulator stands for
 * another machine (Entra, Graph) whose time moves only with the real clock and advanceClock, even while a test fakes
 * the app's Date (vi.useFakeTimers({ toFake: ["Date"] })) to move the clock MSAL reads.
 */
const systemNow: () => number = Date.now;

export interface StartOptions extends Partial<SimOptions> {
  seed?: SimSeed;
  /** 0 = a free port */
  port?: number;
}

const DEFAULTS: SimOptions = {
  deltaUpdates: "full",
  defaultPageSize: 10,
  handshakeTimeoutMs: 10_000,
  notificationTimeoutMs: 3_000,
  notificationRetryBaseMs: 1_000,
  notificationMaxAttempts: 5,
  deltaTokenMaxAgeMs: 7 * 86_400_000,
  notificationBatchMs: 0,
};

function send(res: import("node:http").ServerResponse, r: SimResponse): void {
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  let payload: Buffer | string | undefined;
  if (r.raw !== undefined) payload = r.raw;
  else if (r.body !== undefined) {
    payload = JSON.stringify(r.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
      headers["content-type"] =
        r.status < 400
          ? "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
          : "application/json";
  }
  if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(r.status, headers);
  res.end(payload);
}

export async function startGraphSim(opts: StartOptions = {}): Promise<GraphSim> {
  const { seed: givenSeed, port = 0, ...rest } = opts;
  const seed = structuredClone(givenSeed ?? defaultSeed());
  const cert = ensureDevCert();
  const store = new Store(seed);
  const faults = new Faults();
  const identity = new Identity(
    seed,
    store,
    randomBytes(32),
    () => core.baseUrl,
    () => core.now(),
  );
  const subs = new Subscriptions(() => core, store, cert.cert);
  const uploads = new Uploads(() => core);
  const core: SimCore = {
    seed,
    store,
    identity,
    faults,
    subs,
    uploads,
    opts: { ...DEFAULTS, ...rest },
    baseUrl: "",
    graphUrl: "",
    clockOffsetMs: 0,
    now: () => systemNow() + core.clockOffsetMs,
  };

  const server: Server = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", core.baseUrl);
      const method = (req.method ?? "GET").toUpperCase();
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
      const requestId = newRequestId();
      const clientRequestId = headers["client-request-id"] ?? randomUUID();
      let body: Buffer;
      try {
        body = await readBody(req);
      } catch (e) {
        if (e instanceof GraphError)
          return send(res, { status: e.status, body: { error: { code: e.code, message: e.message } } });
        throw e;
      }
      const path = decodeURIComponent(url.pathname);
      if (path.startsWith("/v1.0/") || path === "/v1.0") {
        const sreq: SimRequest = {
          method,
          path: path.slice(5) || "/",
          query: url.searchParams,
          headers,
          body,
          requestId,
          clientRequestId,
        };
        return send(res, await handleGraph(core, sreq));
      }
      if (path.startsWith("/_sim")) return send(res, await control(sim, method, path, body));
      const up = /^\/upload\/attachments\/([^/]+)$/.exec(path);
      if (up) return send(res, core.uploads.put(up[1]!, headers, body, method));
      const f = faults.take(method, path, []);
      faults.c.byEndpoint[endpointKey(method, path)] = (faults.c.byEndpoint[endpointKey(method, path)] ?? 0) + 1;
      if (f) {
        await faults.wait(f);
        if (f.status >= 400) return send(res, faults.response(f, { requestId, clientRequestId }));
      }
      const r = identity.handle(method, path, url.searchParams, body);
      if (r) return send(res, r);
      send(res, {
        status: 404,
        body: { error: { code: "NotFound", message: `graph-sim: no route ${method} ${path}` } },
      });
    })().catch((e: unknown) => {
      console.error("graph-sim: request failed", e);
      if (!res.headersSent)
        send(res, { status: 500, body: { error: { code: "InternalServerError", message: String(e) } } });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  core.baseUrl = `https://127.0.0.1:${actual}`;
  core.graphUrl = `${core.baseUrl}/v1.0`;

  const mb = (m: string) => {
    const x = store.find(m);
    if (!x) throw new Error(`graph-sim: mailbox '${m}' does not exist`);
    return x;
  };
  const app0 = seed.apps[0]!;
  const sim: GraphSim = {
    baseUrl: core.baseUrl,
    graphUrl: core.graphUrl,
    authorityHost: core.baseUrl,
    tenantId: seed.tenantId,
    tokenEndpoint: `${core.baseUrl}/${seed.tenantId}/oauth2/v2.0/token`,
    caPath: cert.certPath,
    defaultApp: { clientId: app0.clientId, clientSecret: app0.clientSecret },
    seed,
    injectFault: (f) => faults.inject(f),
    clearFaults: () => faults.clear(),
    heldCount: (name) => faults.heldCount(name),
    waitForHeld: (name, n) => faults.waitForHeld(name, n),
    releaseHeld: (name) => faults.releaseHeld(name),
    setConcurrencyLimit: (n) => void (faults.concurrencyLimit = n),
    counters: () => faults.snapshot(),
    resetCounters: () => faults.resetCounters(),
    events: (m) => [...mb(m).events.current.values()].map((r) => structuredClone(r.ev)),
    createEvent: (m, e) => structuredClone(createEv(store, mb(m), e as Record<string, unknown>).rec.ev),
    updateEvent: (m, id, p) => structuredClone(updateEv(store, mb(m), id, p as Record<string, unknown>).ev),
    deleteEvent: (m, id) => deleteEv(store, mb(m), id),
    instances: (m, id, s, e) => {
      const master = mb(m).events.current.get(id);
      if (!master?.series) throw new Error(`graph-sim: '${id}' is not a series master in ${m}`);
      return expandSeries(master, Date.parse(s), Date.parse(e)).map((r) => structuredClone(r.ev));
    },
    invitations: (m) => invitationsOf(mb(m)),
    mailboxSettings: (m) => renderSettings(mb(m)),
    setMailboxTimeZone: (m, tz) => setMailboxTimeZone(mb(m), tz),
    todoLists: (m) => [...mb(m).lists.values()].map((l) => renderList(l.list)),
    tasks: (m, listId) => [...getList(mb(m), listId).tasks.current.values()].map((t) => structuredClone(t)),
    createTask: (m, l, t) => structuredClone(createT(store, mb(m), l, t as Record<string, unknown>)),
    updateTask: (m, l, id, p) => structuredClone(updateT(store, mb(m), l, id, p as Record<string, unknown>)),
    deleteTask: (m, l, id) => deleteT(store, mb(m), l, id),
    sentMail: (m) => structuredClone(mb(m).sent),
    subscriptions: () => subs.all(),
    triggerLifecycle: (id, ev) => subs.triggerLifecycle(id, ev),
    notificationFaults: subs.notifier.faults,
    deliveredNotifications: () => [...subs.notifier.delivered],
    waitForDeliveries: (n, t) => subs.notifier.waitForDeliveries(n, t),
    notificationsIdle: (t) => subs.notifier.idle(t),
    pendingNotifications: () => subs.notifier.pendingCount(),
    expireSubscription: (id) => subs.expire(id),
    advanceClock: (ms) => void (core.clockOffsetMs += ms),
    setSignIn: (hint, b) =>
      void (b
        ? identity.signInBehaviour.set(hint.toLowerCase(), b)
        : identity.signInBehaviour.delete(hint.toLowerCase())),
    revokeSignInSessions: (m) => identity.revokeSignInSessions(m),
    setDelegatedTokenLifetime: (s) => void (identity.delegatedLifetimeS = s),
    tokenGrants: () => ({ ...identity.grantsIssued }),
    setOptions: (o) => void Object.assign(core.opts, o),
    issueToken: (o = {}) => {
      const app = seed.apps.find((a) => a.clientId === (o.clientId ?? app0.clientId));
      if (!app) throw new Error(`graph-sim: no app ${o.clientId}`);
      const now = Math.floor(core.now() / 1000);
      if (o.user) {
        const u = mb(o.user);
        return identity.accessToken(
          {
            appid: app.clientId,
            scp: (o.scopes ?? app.delegatedPermissions ?? []).join(" "),
            idtyp: "user",
            oid: u.id,
            upn: u.userPrincipalName,
          },
          now,
          o.expiresInSeconds ?? 3600,
        );
      }
      return identity.accessToken(
        { appid: app.clientId, roles: o.roles ?? app.applicationPermissions, idtyp: "app", oid: randomUUID() },
        now,
        o.expiresInSeconds ?? 3600,
      );
    },
    moveTask: (m, from, to, id) => structuredClone(moveTask(store, mb(m), from, to, id)),
    renameTodoList: (m, l, name) => renderList(renameList(mb(m), l, name)),
    deleteTodoList: (m, l) => deleteList(mb(m), l),
    stop: async () => {
      subs.notifier.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return sim;
}
