// The local Functions host: loads the app's built entry as Azure's host does, captures its app.* registrations
// (through @azure/functions-core) and runs them: HTTP under /api with auth levels and keys, timers on their
// NCRONTAB schedules, session-enabled Service Bus triggers as host.json says; AzureWebJobs.<name>.Disabled honoured.
import { createHash, timingSafeEqual } from "node:crypto";
import { pathToFileURL } from "node:url";
import type { HttpRequest, InvocationContext, LogLevel, Timer } from "@azure/functions";
import { isDisabledSetting, resolveSetting } from "./appSettings.js";
import { installCoreApi, triggerOf, type RegisteredFunction } from "./coreApi.js";
import { readHostJson } from "./hostJson.js";
import { startHttpHost, type HttpHandler, type HttpHost, type HttpRoute } from "./httpHost.js";
import { startSessionTrigger, type SessionTrigger } from "./serviceBusTrigger.js";
import { startTimerTrigger, type TimerTrigger } from "./timerTrigger.js";

export interface HostKeys {
  /** The "default" function key: accepted by authLevel function. */
  functionKey: string;
  /** The master key: accepted by every auth level, and by the host's /admin API. */
  masterKey: string;
}

export interface FunctionsHostOptions {
  /** The built entry (package.json "main"), e.g. dist/functions/index.js. */
  entry: string;
  hostJsonPath: string;
  /** The app settings; copied into process.env before the app is loaded (the app reads them from there). */
  settings: Record<string, string>;
  keys: HostKeys;
  port?: number;
  log?: (level: LogLevel, text: string) => void;
}

export interface FunctionInfo {
  name: string;
  trigger: "http" | "timer" | "serviceBus" | "other";
  disabled: boolean;
  /** http: "GET,POST api/route (function)"; timer: the schedule; serviceBus: the queue. */
  detail: string;
}

export interface FunctionsHost {
  /** http://127.0.0.1:<port> (the app's routes are under /api). */
  origin: string;
  functions(): FunctionInfo[];
  setDisabled(name: string, disabled: boolean): Promise<FunctionInfo>;
  runNow(name: string): Promise<void>;
  stop(): Promise<void>;
}

const digest = (s: string) => createHash("sha256").update(s).digest();
const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

function keyOf(request: HttpRequest): string | undefined {
  return request.headers.get("x-functions-key") ?? request.query.get("code") ?? undefined;
}

export async function startFunctionsHost(o: FunctionsHostOptions): Promise<FunctionsHost> {
  const log = o.log ?? ((level, text) => console.error(`[${level}] ${text}`));
  Object.assign(process.env, o.settings);
  const settings = process.env;
  const registered = installCoreApi((level, text) => log(level as LogLevel, text));
  await import(pathToFileURL(o.entry).href);
  if (registered.length === 0) throw new Error(`local host: ${o.entry} registered no functions`);
  const hostJson = readHostJson(o.hostJsonPath);

  const disabled = new Map<string, boolean>(registered.map((f) => [f.name, isDisabledSetting(f.name, settings)]));
  const timers = new Map<string, TimerTrigger>();
  const sessions = new Map<string, SessionTrigger>();

  const keyAllows = (level: string, key: string | undefined) => {
    if (level === "anonymous") return true;
    if (key === undefined) return false;
    if (sameSecret(key, o.keys.masterKey)) return true;
    return level === "function" && sameSecret(key, o.keys.functionKey);
  };

  const httpRoutes: HttpRoute[] = [];
  const describe = (fn: RegisteredFunction): FunctionInfo => {
    const t = triggerOf(fn);
    const type = t.type.toLowerCase();
    const info = (trigger: FunctionInfo["trigger"], detail: string): FunctionInfo => ({
      name: fn.name,
      trigger,
      disabled: disabled.get(fn.name) ?? false,
      detail,
    });
    if (type === "httptrigger")
      return info(
        "http",
        `${(t.methods as string[]).join(",")} api/${String(t.route ?? fn.name)} (${String(t.authLevel)})`,
      );
    if (type === "timertrigger")
      return info("timer", resolveSetting(String(t.schedule), settings, `${fn.name}.schedule`));
    if (type === "servicebustrigger")
      return info("serviceBus", resolveSetting(String(t.queueName), settings, `${fn.name}.queueName`));
    return info("other", t.type);
  };

  const startListener = (fn: RegisteredFunction) => {
    const t = triggerOf(fn);
    const type = t.type.toLowerCase();
    const flog = (level: LogLevel, text: string) => log(level, `${fn.name}: ${text}`);
    if (type === "timertrigger") {
      timers.set(
        fn.name,
        startTimerTrigger({
          functionName: fn.name,
          schedule: resolveSetting(String(t.schedule), settings, `${fn.name}.schedule`),
          handler: fn.handler as (timer: Timer, c: InvocationContext) => unknown,
          retry: fn.retryOptions,
          log: flog,
        }),
      );
    } else if (type === "servicebustrigger") {
      if (t.isSessionsEnabled !== true)
        throw new Error(`local host: ${fn.name}: only session-enabled Service Bus triggers are supported`);
      const connectionName = String(t.connection ?? "AzureWebJobsServiceBus");
      const connectionString = settings[connectionName];
      if (!connectionString) throw new Error(`local host: ${fn.name}: the app setting ${connectionName} is not set`);
      sessions.set(
        fn.name,
        startSessionTrigger({
          functionName: fn.name,
          connectionString,
          queue: resolveSetting(String(t.queueName), settings, `${fn.name}.queueName`),
          handler: fn.handler as (m: unknown, c: InvocationContext) => unknown,
          settings: hostJson.serviceBus,
          cardinality: t.cardinality === "many" ? "many" : "one",
          autoComplete:
            typeof t.autoCompleteMessages === "boolean"
              ? t.autoCompleteMessages
              : hostJson.serviceBus.autoCompleteMessages,
          log: flog,
        }),
      );
    }
  };

  const stopListener = async (name: string) => {
    timers.get(name)?.stop();
    timers.delete(name);
    const s = sessions.get(name);
    sessions.delete(name);
    await s?.stop();
  };

  for (const fn of registered) {
    const t = triggerOf(fn);
    if (t.type.toLowerCase() === "httptrigger") {
      const level = String(t.authLevel ?? "function");
      const handler = fn.handler as HttpHandler;
      httpRoutes.push({
        name: fn.name,
        methods: (t.methods as string[] | undefined)?.map((m) => m.toUpperCase()) ?? ["GET", "POST"],
        route: String(t.route ?? fn.name),
        handler: async (request, context) => {
          if (disabled.get(fn.name)) return { status: 404 };
          if (!keyAllows(level, keyOf(request))) return { status: 401 };
          return handler(request, context);
        },
      });
    } else if (!disabled.get(fn.name)) startListener(fn);
  }

  const byName = (name: string) => registered.find((f) => f.name.toLowerCase() === name.toLowerCase());
  const admin =
    (handler: HttpHandler): HttpHandler =>
    async (request, context) =>
      keyAllows("admin", keyOf(request)) ? handler(request, context) : { status: 401 };

  const api: FunctionsHost = {
    origin: "",
    functions: () => registered.map(describe),
    async setDisabled(name, value) {
      const fn = byName(name);
      if (!fn) throw new Error(`no function named ${name}`);
      if ((disabled.get(fn.name) ?? false) !== value) {
        disabled.set(fn.name, value);
        process.env[`AzureWebJobs.${fn.name}.Disabled`] = value ? "true" : "false";
        if (value) await stopListener(fn.name);
        else if (triggerOf(fn).type.toLowerCase() !== "httptrigger") startListener(fn);
      }
      return describe(fn);
    },
    async runNow(name) {
      const fn = byName(name);
      const timer = fn && timers.get(fn.name);
      if (!timer) throw new Error(`no enabled timer function named ${name}`);
      await timer.runNow();
    },
    async stop() {
      await Promise.all([...new Set([...timers.keys(), ...sessions.keys()])].map(stopListener));
      await http.stop();
    },
  };

  // The host's own API, as in Azure: GET /admin/functions, POST /admin/functions/{name} (run a non-HTTP function
  // now); and, local only, PUT /admin/functions/{name}/disabled with {"disabled": true|false}.
  const hostRoutes: HttpRoute[] = [
    {
      name: "host.functions",
      methods: ["GET"],
      route: "admin/functions",
      handler: admin(async () => ({ jsonBody: api.functions() })),
    },
    {
      name: "host.run",
      methods: ["POST"],
      route: "admin/functions/{name}",
      handler: admin(async (request) => {
        try {
          await api.runNow(request.params.name ?? "");
          return { status: 202 };
        } catch (error) {
          return { status: 404, jsonBody: { error: (error as Error).message } };
        }
      }),
    },
    {
      name: "host.disable",
      methods: ["PUT"],
      route: "admin/functions/{name}/disabled",
      handler: admin(async (request) => {
        const body = (await request.json().catch(() => undefined)) as { disabled?: unknown } | undefined;
        if (typeof body?.disabled !== "boolean")
          return { status: 400, jsonBody: { error: 'disabled: expected true or false, e.g. {"disabled": true}' } };
        try {
          return { jsonBody: await api.setDisabled(request.params.name ?? "", body.disabled) };
        } catch (error) {
          return { status: 404, jsonBody: { error: (error as Error).message } };
        }
      }),
    },
  ];

  const http: HttpHost = await startHttpHost(httpRoutes, { port: o.port ?? 0, hostRoutes });
  api.origin = http.baseUrl.replace(/\/api$/, "");
  return api;
}
