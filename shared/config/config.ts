// The app settings: one zod schema over process.env, parsed once, typed and frozen; errors name every bad setting.
import * as z from "zod";
import {
  serviceBusConnectionFields,
  serviceBusConnectionFrom,
  serviceBusConnectionIssues,
  storageConnectionFields,
  storageConnectionFrom,
  storageConnectionIssues,
  type ServiceBusConnection,
  type StorageConnection,
} from "./connections.js";
import { unresolvedKeyVaultReferences } from "./keyVaultReferences.js";
import { isKnownTimeZone } from "../domain/graphDateTime.js";

export type { CredentialChoice, ServiceBusConnection, StorageConnection } from "./connections.js";

/** Graph's longest lifetime for a To Do task subscription is 4,230 minutes (70.5 h); events allow more. */
export const MAX_SUBSCRIPTION_LIFETIME_HOURS = 70;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export type ConflictRule = "erp-wins" | "outlook-wins";

export interface Config {
  /** A connection string (Azurite locally) or the identity-based endpoints (managed identity in Azure). */
  readonly storageConnection: StorageConnection;
  readonly tablePrefix: string;
  /** A connection string (the stand-in locally) or the namespace reached by identity. */
  readonly serviceBusConnection: ServiceBusConnection;
  readonly pushQueue: string;
  readonly pullQueue: string;
  readonly erpInboundQueue: string;
  /** No trailing slash, e.g. https://graph.microsoft.com/v1.0 */
  readonly graphBaseUrl: string;
  /** Origin only, no trailing slash, e.g. https://login.microsoftonline.com */
  readonly authorityHost: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly subscriptionLifetimeHours: number;
  readonly nightlySchedule: string;
  /** Application mode: NCRONTAB of the To Do poll (one TASKPOLL per task user); the host reads %TASK_POLL_SCHEDULE%. */
  readonly taskPollSchedule: string;
  readonly conflictRule: ConflictRule;
  /**
   * erp-wins: seconds an Outlook delete of a linked appointment waits before the ERP is sent DELETE, so that an ERP
   * change crossing it (sent before the ERP heard of the delete) re-creates the event instead; 0 = send at once.
   */
  readonly outlookDeleteGraceSeconds: number;
  /**
   * Zone events are written in when a user's mailbox zone cannot be read (403 on mailboxSettings) or is one this app
   * cannot compute with: a Windows name as Graph returns it ("GMT Standard Time") or an IANA one.
   */
  readonly defaultTimeZone: string;
  readonly taskActionType: string;
  readonly eventDaysBack: number;
  readonly eventDaysForward: number;
  readonly taskListName: string;
  readonly webhookUrl: string;
  readonly lifecycleWebhookUrl: string;
  readonly emailBlobContainer: string;
  /** 32-byte key for the encrypted token cache; undefined when TOKEN_CACHE_KEY is not set. */
  readonly tokenCacheKey: Buffer | undefined;
  /** Entra app roles or group object ids allowed on the admin page (App Service Authentication's principal). */
  readonly adminPageRoles: readonly string[];
  /** Sandbox only: serve the admin page without sign-in (refused by the page when running in Azure). */
  readonly adminPageAllowAnonymous: boolean;
  // ---- per-user sign-in (issue 10) ----
  /** application: app-only tokens for every mailbox; delegated: each user's own token (they sign in once). */
  readonly authMode: AuthMode;
  /** The exact redirect URI registered in Entra (…/api/auth/callback); undefined when not set. */
  readonly signInRedirectUri: string | undefined;
  /** Delegated permissions asked for at sign-in (short names, e.g. Mail.Read). */
  readonly delegatedScopes: readonly string[];
  /** Token cache keys by id and the id new writes use; from TOKEN_CACHE_KEYS, else TOKEN_CACHE_KEY as id "default". */
  readonly tokenCacheKeys: TokenCacheKeys | undefined;
}

export type AuthMode = "application" | "delegated";

export interface TokenCacheKeys {
  readonly activeId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

export const DEFAULT_DELEGATED_SCOPES =
  "Mail.Read Mail.Send Calendars.ReadWrite Tasks.ReadWrite MailboxSettings.Read offline_access User.Read";

export interface ConfigIssue {
  setting: string;
  message: string;
}

/** Thrown by loadConfig with every problem found; messages never contain a secret's value. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(
      `Invalid app settings (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
        issues.map((i) => `- ${i.setting}: ${i.message}`).join("\n"),
    );
    this.name = "ConfigError";
    this.issues = Object.freeze([...issues]);
  }
}

// ---- field builders -------------------------------------------------------------------------------------------

/** Azure portal and local.settings.json give "" for a cleared value: treat blank as not set. */
const blankToUndefined = (v: unknown): unknown =>
  typeof v === "string" ? (v.trim() === "" ? undefined : v.trim()) : v;

const REQUIRED = "is required but not set";

/** A string setting; `check` returns an error message or undefined. Secrets are never quoted in messages. */
function text(options: { default?: string; check?: (v: string) => string | undefined }) {
  const base = z
    .string({ error: (iss) => (iss.input === undefined ? REQUIRED : "must be text") })
    .superRefine((v, ctx) => {
      const problem = options.check?.(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });
  return z.preprocess(blankToUndefined, options.default === undefined ? base : base.default(options.default));
}

function optionalText<T>(transform: (v: string, fail: (msg: string) => never) => T) {
  return z.preprocess(
    blankToUndefined,
    z
      .string({ error: "must be text" })
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        try {
          return transform(v, (message) => {
            throw new FieldProblem(message);
          });
        } catch (e) {
          if (!(e instanceof FieldProblem)) throw e;
          ctx.addIssue({ code: "custom", message: e.message });
          return z.NEVER;
        }
      }),
  );
}

class FieldProblem extends Error {}

function wholeNumber(options: { min: number; max: number; default?: number; unit: string; maxReason?: string }) {
  const base = z
    .string({ error: (iss) => (iss.input === undefined ? REQUIRED : "must be a whole number") })
    .transform((v, ctx) => {
      if (!/^\+?\d+$/.test(v)) {
        ctx.addIssue({ code: "custom", message: `must be a whole number of ${options.unit}, got "${v}"` });
        return z.NEVER;
      }
      const n = Number(v);
      if (n < options.min) {
        const what = options.min === 1 ? "a positive whole number" : `at least ${options.min}`;
        ctx.addIssue({ code: "custom", message: `must be ${what} of ${options.unit}, got ${n}` });
        return z.NEVER;
      }
      if (n > options.max) {
        ctx.addIssue({
          code: "custom",
          message: `must be at most ${options.max} ${options.unit}${options.maxReason ? ` (${options.maxReason})` : ""}, got ${n}`,
        });
        return z.NEVER;
      }
      return n;
    });
  return z.preprocess((v) => {
    const b = blankToUndefined(v);
    return b === undefined && options.default !== undefined ? String(options.default) : b;
  }, base);
}

function parseUrl(v: string): URL | undefined {
  try {
    return new URL(v);
  } catch {
    return undefined;
  }
}

/** Scheme + host only: a URL may carry a function key in its query string, so never echo it whole. */
const origin = (u: URL): string => `${u.protocol}//${u.host}`;

function urlCheck(options: { httpOnLoopback: boolean; originOnly?: boolean; reason?: string }) {
  return (v: string): string | undefined => {
    const u = parseUrl(v);
    if (!u || (u.protocol !== "https:" && u.protocol !== "http:"))
      return "must be an absolute https:// URL (e.g. https://host/path)";
    if (u.username || u.password) return "must not contain a user name or password";
    if (u.protocol === "http:" && !(options.httpOnLoopback && LOOPBACK_HOSTS.has(u.hostname)))
      return options.httpOnLoopback
        ? `must use https (plain http is allowed only for 127.0.0.1, localhost or [::1]), got ${origin(u)}`
        : `must use https${options.reason ? ` (${options.reason})` : ""}, got ${origin(u)}`;
    if (options.originOnly && (u.pathname !== "/" || u.search || u.hash))
      return `must be a scheme and host only (no path or query), e.g. https://login.microsoftonline.com`;
    return undefined;
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const SB_QUEUE = /^[A-Za-z0-9]([A-Za-z0-9._/-]{0,258}[A-Za-z0-9])?$/;
const BLOB_CONTAINER = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;
/** Table names are alphanumeric, start with a letter, 3..63 chars; the longest table suffix is "ActionTypes" (11). */
const TABLE_PREFIX = /^[A-Za-z][A-Za-z0-9]{0,51}$/;

const queueName = (fallback?: string) =>
  text({
    ...(fallback === undefined ? {} : { default: fallback }),
    check: (v) =>
      SB_QUEUE.test(v)
        ? undefined
        : `must be a Service Bus queue name (letters, digits, . _ - /; start and end with a letter or digit), got "${v}"`,
  });

// ---- NCRONTAB ---------------------------------------------------------------------------------------------------

const CRON_FIELDS: { name: string; min: number; max: number; names?: string[] }[] = [
  { name: "second", min: 0, max: 59 },
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
  },
  { name: "day of week", min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

/** Checks a 6-field NCRONTAB expression ({second} {minute} {hour} {day} {month} {day-of-week}) as Azure Functions reads it. */
export function checkNcrontab(expr: string): string | undefined {
  if (/^%.*%$/.test(expr))
    return "must be the NCRONTAB expression itself (e.g. 0 0 2 * * *), not a %SETTING% reference";
  const parts = expr.split(/\s+/);
  if (parts.length !== 6)
    return `must be a 6-field NCRONTAB expression "{second} {minute} {hour} {day} {month} {day-of-week}" (e.g. 0 0 2 * * *), got ${parts.length} field(s): "${expr}"`;
  for (const [i, part] of parts.entries()) {
    const field = CRON_FIELDS[i]!;
    const value = (s: string): number | undefined => {
      if (/^\d+$/.test(s)) return Number(s);
      const idx = field.names?.indexOf(s.toLowerCase()) ?? -1;
      if (idx < 0) return undefined;
      return field.min + idx;
    };
    for (const item of part.split(",")) {
      const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
      const bad = `has an invalid ${field.name} field "${part}" in "${expr}" (allowed ${field.min}-${field.max}, *, ranges a-b, lists a,b and steps /n)`;
      if (!m) return bad;
      if (m[2] !== undefined && Number(m[2]) === 0) return bad;
      if (m[1] !== "*") {
        for (const bound of m[1]!.split("-")) {
          const n = value(bound);
          if (n === undefined || n < field.min || n > field.max) return bad;
        }
      }
    }
  }
  return undefined;
}

// ---- the schema -----------------------------------------------------------------------------------------------

/** Settings the Functions host itself reads; listed in local.settings.sample.json but not part of Config. */
export const HOST_SETTING_NAMES = ["AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME"] as const;

/** Settings whose values are secret: never quoted in an error message. */
export const SECRET_SETTINGS = new Set([
  "STORAGE_CONNECTION",
  "SERVICEBUS_CONNECTION",
  "CLIENT_SECRET",
  "TOKEN_CACHE_KEY",
  "TOKEN_CACHE_KEYS",
  "AzureWebJobsStorage",
]);

export const settingsSchema = z
  .object({
    ...storageConnectionFields,
    TABLE_PREFIX: text({
      default: "",
      check: (v) =>
        TABLE_PREFIX.test(v)
          ? undefined
          : `must be letters and digits starting with a letter, at most 52 characters (table names are alphanumeric), got "${v}"`,
    }),
    ...serviceBusConnectionFields,
    // No defaults: the Functions host resolves %PUSH_QUEUE%, %PULL_QUEUE%, %NIGHTLY_SCHEDULE% and %TASK_POLL_SCHEDULE%
    // in the trigger registrations from app settings itself, so a default here would pass validation while the trigger
    // fails to load.
    PUSH_QUEUE: queueName(),
    PULL_QUEUE: queueName(),
    ERP_INBOUND_QUEUE: queueName("erp-inbound"),
    GRAPH_BASE_URL: text({
      default: "https://graph.microsoft.com/v1.0",
      check: urlCheck({ httpOnLoopback: true }),
    }),
    GRAPH_AUTHORITY_HOST: text({
      default: "https://login.microsoftonline.com",
      check: urlCheck({ httpOnLoopback: false, originOnly: true, reason: "MSAL refuses non-https authorities" }),
    }),
    TENANT_ID: text({
      check: (v) =>
        GUID.test(v) || DOMAIN.test(v)
          ? undefined
          : `must be the Entra tenant id (a GUID) or its domain name (e.g. contoso.onmicrosoft.com), got "${v}"`,
    }),
    CLIENT_ID: text({
      check: (v) => (GUID.test(v) ? undefined : `must be the app registration's client id (a GUID), got "${v}"`),
    }),
    CLIENT_SECRET: text({}),
    SUBSCRIPTION_LIFETIME_HOURS: wholeNumber({
      min: 1,
      max: MAX_SUBSCRIPTION_LIFETIME_HOURS,
      default: 48,
      unit: "hours",
      maxReason: "Graph's maximum for To Do task subscriptions is 4,230 minutes",
    }),
    NIGHTLY_SCHEDULE: text({ check: checkNcrontab }),
    TASK_POLL_SCHEDULE: text({ check: checkNcrontab }),
    CONFLICT_RULE: z.preprocess(
      blankToUndefined,
      z
        .string({ error: "must be text" })
        .default("erp-wins")
        .superRefine((v, ctx) => {
          if (v !== "erp-wins" && v !== "outlook-wins" && v !== "newest-wins")
            ctx.addIssue({
              code: "custom",
              message: `must be "erp-wins", "outlook-wins" or "newest-wins", got "${v}"`,
            });
        })
        .transform((v) => v as ConflictRule),
    ),
    OUTLOOK_DELETE_GRACE_SECONDS: wholeNumber({ min: 0, max: 86_400, default: 120, unit: "seconds" }),
    DEFAULT_TIME_ZONE: text({
      default: "UTC",
      check: (v) =>
        isKnownTimeZone(v)
          ? undefined
          : `must be a Windows time-zone name ("GMT Standard Time", "Pacific Standard Time") or an IANA one ("Europe/London"), got "${v}"`,
    }),
    TASK_ACTION_TYPE: text({
      check: (v) => (v.length <= 64 ? undefined : "must be an action type code of at most 64 characters"),
    }),
    EVENT_DAYS_BACK: wholeNumber({ min: 1, max: 3660, unit: "days" }),
    EVENT_DAYS_FORWARD: wholeNumber({ min: 1, max: 3660, unit: "days" }),
    TASK_LIST_NAME: text({
      check: (v) => (v.length <= 255 ? undefined : "must be a To Do list name of at most 255 characters"),
    }),
    WEBHOOK_URL: text({ check: urlCheck({ httpOnLoopback: true }) }),
    LIFECYCLE_WEBHOOK_URL: z.preprocess(
      blankToUndefined,
      z
        .string({ error: "must be text" })
        .optional()
        .superRefine((v, ctx) => {
          const problem = v === undefined ? undefined : urlCheck({ httpOnLoopback: true })(v);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        }),
    ),
    EMAIL_BLOB_CONTAINER: text({
      default: "erp-mail-attachments",
      check: (v) =>
        BLOB_CONTAINER.test(v)
          ? undefined
          : `must be a blob container name (3-63 lower-case letters, digits and single hyphens), got "${v}"`,
    }),
    TOKEN_CACHE_KEY: optionalText((v, fail) => {
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v) || v.length % 4 !== 0)
        fail("must be base64 (e.g. the output of `openssl rand -base64 32`)");
      const key = Buffer.from(v, "base64");
      if (key.length !== 32) fail(`must be base64 of exactly 32 bytes, got ${key.length} bytes`);
      return key;
    }),
    ADMIN_PAGE_ROLES: optionalText((v) =>
      v
        .split(",")
        .map((r) => r.trim())
        .filter(Boolean),
    ),
    ADMIN_PAGE_ALLOW_ANONYMOUS: z.preprocess(
      blankToUndefined,
      z
        .string({ error: "must be text" })
        .default("false")
        .superRefine((v, ctx) => {
          if (!/^(true|false)$/i.test(v))
            ctx.addIssue({ code: "custom", message: `must be "true" or "false", got "${v}"` });
        })
        .transform((v) => v.toLowerCase() === "true"),
    ),
    // ---- per-user sign-in (issue 10) ----
    AUTH_MODE: z.preprocess(
      blankToUndefined,
      z
        .string({ error: "must be text" })
        .default("application")
        .superRefine((v, ctx) => {
          if (v !== "application" && v !== "delegated")
            ctx.addIssue({ code: "custom", message: `must be "application" or "delegated", got "${v}"` });
        })
        .transform((v) => v as AuthMode),
    ),
    SIGNIN_REDIRECT_URI: optionalText((v, fail) => {
      const problem = urlCheck({ httpOnLoopback: true })(v);
      if (problem) fail(problem);
      if (!/\/auth\/callback$/.test(new URL(v).pathname))
        fail("must end in /auth/callback (the sign-in callback function's route), e.g. https://app/api/auth/callback");
      return v;
    }),
    DELEGATED_SCOPES: text({
      default: DEFAULT_DELEGATED_SCOPES,
      check: (v) =>
        v.split(/\s+/).every((s) => /^[A-Za-z][A-Za-z._]*$/.test(s))
          ? undefined
          : `must be space-separated permission names (e.g. "Mail.Read offline_access"), got "${v}"`,
    }),
    TOKEN_CACHE_KEYS: optionalText((v, fail) => {
      const keys = new Map<string, Buffer>();
      for (const [i, item] of v.split(",").entries()) {
        const m = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/]+={0,2})$/.exec(item.trim());
        if (!m) return fail(`entry ${i + 1} must be <key id>:<base64 of 32 bytes> (entries separated by commas)`);
        const key = Buffer.from(m[2]!, "base64");
        if (key.length !== 32) fail(`key "${m[1]}" must be base64 of exactly 32 bytes, got ${key.length} bytes`);
        if (keys.has(m[1]!)) fail(`key id "${m[1]}" is listed twice`);
        keys.set(m[1]!, key);
      }
      return keys;
    }),
    TOKEN_CACHE_ACTIVE_KEY_ID: z.preprocess(blankToUndefined, z.string({ error: "must be text" }).optional()),
  })
  .superRefine((s, ctx) => {
    const issue = (setting: string, message: string) => ctx.addIssue({ code: "custom", path: [setting], message });
    if (s.TOKEN_CACHE_ACTIVE_KEY_ID !== undefined && !s.TOKEN_CACHE_KEYS?.has(s.TOKEN_CACHE_ACTIVE_KEY_ID))
      issue(
        "TOKEN_CACHE_ACTIVE_KEY_ID",
        `must be one of the key ids in TOKEN_CACHE_KEYS, got "${s.TOKEN_CACHE_ACTIVE_KEY_ID}"`,
      );
    if (s.TOKEN_CACHE_KEYS && s.TOKEN_CACHE_KEYS.size > 1 && s.TOKEN_CACHE_ACTIVE_KEY_ID === undefined)
      issue("TOKEN_CACHE_ACTIVE_KEY_ID", "is required when TOKEN_CACHE_KEYS lists more than one key");
    if (s.AUTH_MODE === "delegated") {
      if (!s.SIGNIN_REDIRECT_URI) issue("SIGNIN_REDIRECT_URI", "is required when AUTH_MODE is delegated");
      if (!s.TOKEN_CACHE_KEYS && !s.TOKEN_CACHE_KEY)
        issue(
          "TOKEN_CACHE_KEYS",
          "is required (or TOKEN_CACHE_KEY) when AUTH_MODE is delegated: the token cache is encrypted",
        );
      if (!s.DELEGATED_SCOPES.split(/\s+/).includes("offline_access"))
        issue(
          "DELEGATED_SCOPES",
          "must include offline_access when AUTH_MODE is delegated (no refresh token otherwise)",
        );
    }
  })
  .transform((s, ctx): Config => {
    const connectionIssues = [...storageConnectionIssues(s), ...serviceBusConnectionIssues(s)];
    for (const i of connectionIssues) ctx.addIssue({ code: "custom", path: [i.setting], message: i.message });
    if (connectionIssues.length) return z.NEVER;
    return {
      storageConnection: storageConnectionFrom(s),
      tablePrefix: s.TABLE_PREFIX,
      serviceBusConnection: serviceBusConnectionFrom(s),
      pushQueue: s.PUSH_QUEUE,
      pullQueue: s.PULL_QUEUE,
      erpInboundQueue: s.ERP_INBOUND_QUEUE,
      graphBaseUrl: s.GRAPH_BASE_URL.replace(/\/+$/, ""),
      authorityHost: s.GRAPH_AUTHORITY_HOST.replace(/\/+$/, ""),
      tenantId: s.TENANT_ID,
      clientId: s.CLIENT_ID,
      clientSecret: s.CLIENT_SECRET,
      subscriptionLifetimeHours: s.SUBSCRIPTION_LIFETIME_HOURS,
      nightlySchedule: s.NIGHTLY_SCHEDULE,
      taskPollSchedule: s.TASK_POLL_SCHEDULE,
      conflictRule: s.CONFLICT_RULE,
      outlookDeleteGraceSeconds: s.OUTLOOK_DELETE_GRACE_SECONDS,
      defaultTimeZone: s.DEFAULT_TIME_ZONE.trim(),
      taskActionType: s.TASK_ACTION_TYPE,
      eventDaysBack: s.EVENT_DAYS_BACK,
      eventDaysForward: s.EVENT_DAYS_FORWARD,
      taskListName: s.TASK_LIST_NAME,
      webhookUrl: s.WEBHOOK_URL,
      lifecycleWebhookUrl: s.LIFECYCLE_WEBHOOK_URL ?? defaultLifecycleUrl(s.WEBHOOK_URL),
      emailBlobContainer: s.EMAIL_BLOB_CONTAINER,
      tokenCacheKey: s.TOKEN_CACHE_KEY,
      adminPageRoles: s.ADMIN_PAGE_ROLES ?? [],
      adminPageAllowAnonymous: s.ADMIN_PAGE_ALLOW_ANONYMOUS,
      authMode: s.AUTH_MODE,
      signInRedirectUri: s.SIGNIN_REDIRECT_URI,
      delegatedScopes: Object.freeze(s.DELEGATED_SCOPES.split(/\s+/)),
      tokenCacheKeys: s.TOKEN_CACHE_KEYS
        ? { activeId: s.TOKEN_CACHE_ACTIVE_KEY_ID ?? [...s.TOKEN_CACHE_KEYS.keys()][0]!, keys: s.TOKEN_CACHE_KEYS }
        : s.TOKEN_CACHE_KEY
          ? { activeId: "default", keys: new Map([["default", s.TOKEN_CACHE_KEY]]) }
          : undefined,
    };
  });

/** Every app setting the schema reads, in schema order (the sample's drift check compares against this). */
export const SETTING_NAMES = Object.freeze(Object.keys(settingsSchema.in.shape)) as readonly string[];

/** Every setting local.settings.sample.json must list: the app's and the host's. */
export const ALL_SETTING_NAMES: readonly string[] = Object.freeze([...SETTING_NAMES, ...HOST_SETTING_NAMES]);

/** WEBHOOK_URL + "/lifecycle", keeping its query string (which may hold a function key). */
export function defaultLifecycleUrl(webhookUrl: string): string {
  const u = new URL(webhookUrl);
  u.pathname = `${u.pathname.replace(/\/+$/, "")}/lifecycle`;
  return u.toString();
}

const toIssue = (i: z.core.$ZodIssue): ConfigIssue => ({
  setting: String(i.path[0] ?? "(settings)"),
  message: i.message,
});

/** Parses the given environment (default process.env). Throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): Config {
  const input: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) input[name] = env[name];
  const unresolved = unresolvedKeyVaultReferences(env, SETTING_NAMES);
  for (const { setting } of unresolved) input[setting] = undefined;
  const result = settingsSchema.safeParse(input);
  if (unresolved.length) {
    // Removed above, so a required one also reports "required": keep only the reference's own message for it.
    const rest = result.success
      ? []
      : result.error.issues.map(toIssue).filter((i) => !unresolved.some((u) => u.setting === i.setting));
    throw new ConfigError([...unresolved, ...rest]);
  }
  if (!result.success) {
    const issues = result.error.issues.map(toIssue);
    // The schema checks the connection forms only once every field parsed: add them here so all show at once.
    const blanked = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, blankToUndefined(v)]));
    for (const i of [...storageConnectionIssues(blanked), ...serviceBusConnectionIssues(blanked)])
      if (!issues.some((j) => j.setting === i.setting)) issues.push(i);
    throw new ConfigError(issues);
  }
  return Object.freeze(result.data);
}

let cached: Config | undefined;

/** The process's settings, parsed from process.env on first use and cached. */
export function getConfig(): Config {
  cached ??= loadConfig(process.env);
  return cached;
}

/** Forgets the cached settings (tests; or after a settings change where the host does not restart). */
export function resetConfigCache(): void {
  cached = undefined;
}
