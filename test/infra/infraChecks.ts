// The structural checks of infra/ (Bicep), azure.yaml and infra/main.parameters.json against what the code relies
// on: each check returns the problems it found (empty = fine), so a test can also prove that a check fails.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { settingsSchema, SETTING_NAMES } from "../../shared/config/config.js";
import { serviceBusConnectionIssues, storageConnectionIssues } from "../../shared/config/connections.js";
import { evaluate, parseBicep, prop, Unknown, type BicepFile, type Declared, type Node, type Value } from "./bicep.js";

/**
 * Azure built-in role definition ids (Microsoft's "Azure built-in roles" reference,
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles — Storage, Integration, Security and
 * Monitor sections). A role id in infra/ that is not listed here is a problem.
 */
export const BUILT_IN_ROLES: Record<string, string> = {
  "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
  "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
  "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": "Storage Blob Data Reader",
  "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Storage Table Data Contributor",
  "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39": "Azure Service Bus Data Sender",
  "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0": "Azure Service Bus Data Receiver",
  "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
  "b86a8fe4-44ce-4948-aee5-eccb2c155cd7": "Key Vault Secrets Officer",
  "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
};

/** Settings the Functions host (not the app's schema) reads; Flex Consumption forbids the runtime ones. */
const HOST_SETTING =
  /^(AzureWebJobsStorage__(blobServiceUri|queueServiceUri|tableServiceUri|credential|clientId)|APPLICATIONINSIGHTS_(CONNECTION_STRING|AUTHENTICATION_STRING))$/;
const FORBIDDEN_ON_FLEX = [
  "FUNCTIONS_WORKER_RUNTIME",
  "FUNCTIONS_EXTENSION_VERSION",
  "WEBSITE_NODE_DEFAULT_VERSION",
  "WEBSITE_RUN_FROM_PACKAGE",
  "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
  "AzureWebJobsStorage",
];

export interface Infra {
  root: string;
  /** Every file under infra/ plus azure.yaml, by path relative to the project root. */
  texts: Map<string, string>;
  bicep: Map<string, BicepFile>;
}

/** Loads the project's infra; `overrides` replaces file contents by relative path (tests of the checks). */
export function loadInfra(root: string, overrides: Record<string, string> = {}): Infra {
  const texts = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else texts.set(relative(root, full), readFileSync(full, "utf8"));
    }
  };
  walk(join(root, "infra"));
  if (existsSync(join(root, "azure.yaml"))) texts.set("azure.yaml", readFileSync(join(root, "azure.yaml"), "utf8"));
  for (const [k, v] of Object.entries(overrides)) texts.set(k, v);
  const bicep = new Map<string, BicepFile>();
  for (const [path, text] of texts) if (path.endsWith(".bicep")) bicep.set(path, parseBicep(text, path));
  return { root, texts, bicep };
}

// ---- helpers --------------------------------------------------------------------------------------------------------

const MAIN = "infra/main.bicep";

function main(infra: Infra): BicepFile {
  const f = infra.bicep.get(MAIN);
  if (!f) throw new Error(`${MAIN} is missing`);
  return f;
}

/** Every resource declaration with the file it is in. */
function resources(infra: Infra, type?: string): { file: BicepFile; r: Declared }[] {
  return [...infra.bicep.values()].flatMap((file) =>
    file.resources.filter((r) => type === undefined || r.target === type).map((r) => ({ file, r })),
  );
}

/** The params a module file receives from main.bicep (evaluated in main's scope), for each call of it. */
function moduleCalls(infra: Infra, modulePath: string): Record<string, Value>[] {
  const m = main(infra);
  return m.modules
    .filter((d) => join("infra", d.target) === modulePath)
    .map((d) => {
      const params = prop(d.body, "params");
      const v = params ? evaluate(params, { file: m }) : {};
      return v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Unknown) ? v : {};
    });
}

/** A resource's body evaluated in its file, once per module call (main.bicep: once) and per loop item. */
function instances(infra: Infra, file: BicepFile, r: Declared): Record<string, Value>[] {
  const calls = file.path === MAIN ? [{}] : moduleCalls(infra, file.path);
  return calls.flatMap((params) => {
    if (!r.loop) return [evaluate(r.body, { file, params }) as Record<string, Value>];
    const source = evaluate(r.loop.source, { file, params });
    if (!Array.isArray(source)) return [evaluate(r.body, { file, params }) as Record<string, Value>];
    return source.map(
      (item, i) =>
        evaluate(r.body, {
          file,
          params,
          locals: { [r.loop!.item]: item, ...(r.loop!.index ? { [r.loop!.index]: i } : {}) },
        }) as Record<string, Value>,
    );
  });
}

const get = (v: Value | undefined, path: string): Value | undefined => {
  let cur: Value | undefined = v;
  for (const k of path.split(".")) {
    if (!cur || typeof cur !== "object" || Array.isArray(cur) || cur instanceof Unknown) return undefined;
    cur = cur[k];
  }
  return cur;
};

const show = (v: Value | undefined) => (v instanceof Unknown ? v.toString() : JSON.stringify(v));

function expectValue(problems: string[], where: string, v: Value | undefined, path: string, want: Value): void {
  const got = get(v, path);
  if (got !== want) problems.push(`${where}: ${path} must be ${JSON.stringify(want)}, is ${show(got)}`);
}

/** The evaluated app settings of the one `Microsoft.Web/sites/config` 'appsettings' resource. */
export function appSettings(infra: Infra): Record<string, Value> {
  const found = resources(infra, "Microsoft.Web/sites/config").filter(
    ({ r }) => prop(r.body, "name")?.text === "'appsettings'",
  );
  if (found.length !== 1) throw new Error(`expected one sites/config 'appsettings' resource, found ${found.length}`);
  const [{ file, r }] = found as [{ file: BicepFile; r: Declared }];
  const props = prop(r.body, "properties");
  if (!props || props.kind !== "object")
    throw new Error("the appsettings resource needs an object literal as properties");
  return evaluate(props, { file }) as Record<string, Value>;
}

const sourceFiles = (root: string, dir: string): string[] =>
  readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => readFileSync(join(root, dir, f), "utf8"));

// ---- checks ---------------------------------------------------------------------------------------------------------

/** Every resource has a pinned, non-preview API version; every module is a local file that exists. */
export function checkApiVersions(infra: Infra): string[] {
  const problems: string[] = [];
  for (const { file, r } of resources(infra))
    if (!r.apiVersion || !/^\d{4}-\d{2}-\d{2}$/.test(r.apiVersion))
      problems.push(
        `${file.path}:${r.line} resource ${r.symbol} (${r.target}) needs a pinned GA API version, has ${r.apiVersion ?? "none"}`,
      );
  for (const file of infra.bicep.values())
    for (const m of file.modules) {
      const path = join("infra", relative("infra", join(file.path, "..", m.target)));
      if (!infra.bicep.has(path))
        problems.push(`${file.path}:${m.line} module ${m.symbol}: ${m.target} is not a file in infra/`);
    }
  return problems;
}

const SECRET_PATTERNS: [RegExp, string][] = [
  [/AccountKey\s*=/i, "AccountKey="],
  [/SharedAccessKey(Name)?\s*=/i, "SharedAccessKey="],
  [/SharedAccessSignature|[?&]sig=/i, "a SAS"],
  [/\blistKeys\s*\(|\.listKeys\(|listConnectionStrings|listAccountSas|listServiceSas/i, "a list*Keys call"],
  [/primaryKey|secondaryKey|primaryConnectionString/i, "a key property"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
  [/DefaultEndpointsProtocol=/i, "a storage connection string"],
];

/** No key, SAS, connection string or literal secret anywhere in infra/ or azure.yaml. */
export function checkNoSecrets(infra: Infra): string[] {
  const problems: string[] = [];
  for (const [path, text] of infra.texts)
    for (const [re, what] of SECRET_PATTERNS) if (re.test(text)) problems.push(`${path}: contains ${what}`);
  for (const file of infra.bicep.values()) {
    for (const p of file.params.values()) {
      const secure = p.decorators.some((d) => d.name === "secure");
      if (secure && p.default) problems.push(`${file.path}: @secure() param ${p.name} must not have a default`);
      if (/secret|password|key$/i.test(p.name) && !/Name$|Id$/.test(p.name))
        problems.push(`${file.path}: param ${p.name} looks like a secret: secrets go into Key Vault, not parameters`);
    }
    for (const r of file.resources)
      if (r.target === "Microsoft.KeyVault/vaults/secrets" && !r.existing)
        problems.push(`${file.path}: resource ${r.symbol} writes a Key Vault secret from the template`);
  }
  const settings = appSettings(infra);
  for (const name of ["CLIENT_SECRET", "TOKEN_CACHE_KEY"]) {
    const v = settings[name];
    if (!(v instanceof Unknown) || !v.text.startsWith("@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/"))
      problems.push(`app setting ${name} must be a Key Vault reference to the deployment's vault, is ${show(v)}`);
  }
  return problems;
}

/** Storage reached by identity only: shared keys off, TLS 1.2, https only, no public blobs. */
export function checkStorage(infra: Infra): string[] {
  const problems: string[] = [];
  for (const { file, r } of resources(infra, "Microsoft.Storage/storageAccounts").filter(({ r }) => !r.existing))
    for (const v of instances(infra, file, r)) {
      const where = `${file.path} ${r.symbol}`;
      expectValue(problems, where, v, "properties.allowSharedKeyAccess", false);
      expectValue(problems, where, v, "properties.minimumTlsVersion", "TLS1_2");
      expectValue(problems, where, v, "properties.allowBlobPublicAccess", false);
      expectValue(problems, where, v, "properties.supportsHttpsTrafficOnly", true);
    }
  return problems;
}

/** Parses an ISO 8601 duration of days/hours/minutes/seconds into seconds. */
export function isoSeconds(d: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(d);
  if (!m) throw new Error(`not an ISO 8601 duration: ${d}`);
  return (Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
}

const hhmmssSeconds = (t: string) => t.split(":").reduce((acc, part) => acc * 60 + Number(part), 0);

export interface CodeFacts {
  /** From the README: "dead-letter queue after `maxDeliveryCount` (N)". */
  maxDeliveryCount: number;
  /** host.json extensions.serviceBus.maxAutoLockRenewalDuration, in seconds. */
  lockRenewalSeconds: number;
  /** Queue-name settings the Service Bus triggers in functions/ resolve (%NAME%). */
  triggerQueueSettings: string[];
  /** `connection:` names of the Service Bus triggers. */
  triggerConnections: string[];
  /** Every %NAME% a trigger resolves from app settings. */
  percentSettings: string[];
  /** The webhook's route, with the host's route prefix: /api/graph/notifications. */
  webhookPath: string;
  /** Route prefix of the admin API: /api/manage. */
  adminPath: string;
  /** Tables the code opens. */
  tables: string[];
  /** Whether the app itself (use cases, triggers) writes attachment blobs; then Blob Data Reader is not enough. */
  writesBlobs: boolean;
}

/** What the code relies on, read from the code itself (functions/, shared/, host.json, README). */
export function readCodeFacts(root: string): CodeFacts {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const host = JSON.parse(readFileSync(join(root, "host.json"), "utf8")) as {
    extensions?: { serviceBus?: { maxAutoLockRenewalDuration?: string }; http?: { routePrefix?: string } };
  };
  const functions = sourceFiles(root, "functions");
  const shared = sourceFiles(root, "shared");
  const mdc = /dead-letter queue after `maxDeliveryCount` \((\d+)\)/.exec(readme);
  if (!mdc) throw new Error("README no longer states the dead-letter maxDeliveryCount");
  const prefix = `/${host.extensions?.http?.routePrefix ?? "api"}`.replace(/\/$/, "");
  const sbTriggers = functions.flatMap((src) =>
    [...src.matchAll(/app\.serviceBusQueue\([^{]*\{([\s\S]*?)\}\);/g)].map((m) => m[1]!),
  );
  const routeOf = (src: string) => /route:\s*"([^"]+)"/.exec(src)?.[1];
  const webhook = functions.find(
    (src) => src.includes('app.http("graphWebhook"') || /route:\s*"graph\/notifications"/.test(src),
  );
  const adminRoutes = functions.map(routeOf).filter((r): r is string => !!r && r.startsWith("manage/"));
  const tables = new Set<string>();
  for (const src of shared) {
    for (const m of src.matchAll(/(?:openTable|createTableClient)\([^)]*?,\s*"([A-Za-z]+)"\)/g)) tables.add(m[1]!);
    const known = /export type KnownTable\s*=\s*([^;]+);/.exec(src);
    if (known) for (const m of known[1]!.matchAll(/"([A-Za-z]+)"/g)) tables.add(m[1]!);
  }
  return {
    maxDeliveryCount: Number(mdc[1]),
    lockRenewalSeconds: hhmmssSeconds(host.extensions?.serviceBus?.maxAutoLockRenewalDuration ?? "00:05:00"),
    triggerQueueSettings: sbTriggers.flatMap((t) => [...(/queueName:\s*"%([A-Z_]+)%"/.exec(t)?.slice(1) ?? [])]),
    triggerConnections: sbTriggers.flatMap((t) => [...(/connection:\s*"([A-Za-z_]+)"/.exec(t)?.slice(1) ?? [])]),
    percentSettings: [...new Set(functions.flatMap((src) => [...src.matchAll(/"%([A-Za-z_]+)%"/g)].map((m) => m[1]!)))],
    webhookPath: `${prefix}/${webhook ? routeOf(webhook) : "?"}`,
    adminPath: `${prefix}/${adminRoutes.length ? "manage" : "?"}`,
    tables: [...tables].sort(),
    writesBlobs: [...functions, ...sourceFiles(root, "shared/app")].some((src) => /\bblobs\.upload\(/.test(src)),
  };
}

/** Service Bus Standard without local auth; every queue the app uses, configured the way the code relies on. */
export function checkServiceBus(infra: Infra, facts: CodeFacts): string[] {
  const problems: string[] = [];
  const settings = appSettings(infra);
  for (const { file, r } of resources(infra, "Microsoft.ServiceBus/namespaces").filter(({ r }) => !r.existing))
    for (const v of instances(infra, file, r)) {
      const where = `${file.path} ${r.symbol}`;
      if (!["Standard", "Premium"].includes(String(get(v, "sku.name"))))
        problems.push(`${where}: sessions need the Standard or Premium tier, sku is ${show(get(v, "sku.name"))}`);
      expectValue(problems, where, v, "properties.disableLocalAuth", true);
      expectValue(problems, where, v, "properties.minimumTlsVersion", "1.2");
    }
  const queues = new Map<string, Record<string, Value>>();
  for (const { file, r } of resources(infra, "Microsoft.ServiceBus/namespaces/queues").filter(({ r }) => !r.existing))
    for (const v of instances(infra, file, r)) queues.set(String(get(v, "name")), v);
  for (const setting of ["PUSH_QUEUE", "PULL_QUEUE", "ERP_INBOUND_QUEUE"]) {
    const name = settings[setting];
    if (typeof name !== "string") {
      problems.push(`app setting ${setting} must be a literal queue name, is ${show(name)}`);
      continue;
    }
    const q = queues.get(name);
    if (!q) {
      problems.push(`queue ${name} (${setting}) is not declared`);
      continue;
    }
    const where = `queue ${name}`;
    expectValue(problems, where, q, "properties.requiresSession", true);
    expectValue(problems, where, q, "properties.maxDeliveryCount", facts.maxDeliveryCount);
    expectValue(problems, where, q, "properties.deadLetteringOnMessageExpiration", true);
    expectValue(problems, where, q, "properties.requiresDuplicateDetection", true);
    expectValue(problems, where, q, "properties.lockDuration", "PT1M");
    const lock = get(q, "properties.lockDuration");
    if (typeof lock === "string" && isoSeconds(lock) > facts.lockRenewalSeconds)
      problems.push(`${where}: lockDuration ${lock} is longer than host.json's maxAutoLockRenewalDuration`);
    const window = get(q, "properties.duplicateDetectionHistoryTimeWindow");
    const minWindow = setting === "PULL_QUEUE" ? 86_400 : 60;
    if (typeof window !== "string" || isoSeconds(window) < minWindow)
      problems.push(
        `${where}: duplicateDetectionHistoryTimeWindow must be at least ${minWindow} s, is ${show(window)}`,
      );
  }
  for (const s of facts.triggerQueueSettings)
    if (!["PUSH_QUEUE", "PULL_QUEUE"].includes(s))
      problems.push(`a trigger reads %${s}%, which this check does not know`);
  return problems;
}

/** Key Vault in RBAC mode with soft delete and purge protection; the site resolves references with its identity. */
export function checkKeyVault(infra: Infra): string[] {
  const problems: string[] = [];
  for (const { file, r } of resources(infra, "Microsoft.KeyVault/vaults").filter(({ r }) => !r.existing))
    for (const v of instances(infra, file, r)) {
      const where = `${file.path} ${r.symbol}`;
      expectValue(problems, where, v, "properties.enableRbacAuthorization", true);
      expectValue(problems, where, v, "properties.enableSoftDelete", true);
      expectValue(problems, where, v, "properties.enablePurgeProtection", true);
    }
  return problems;
}

/** Workspace-based Application Insights with local auth off, and the app sending with its identity. */
export function checkMonitoring(infra: Infra): string[] {
  const problems: string[] = [];
  for (const { file, r } of resources(infra, "Microsoft.Insights/components").filter(({ r }) => !r.existing))
    for (const v of instances(infra, file, r)) {
      expectValue(problems, `${file.path} ${r.symbol}`, v, "properties.DisableLocalAuth", true);
      if (get(v, "properties.WorkspaceResourceId") === undefined)
        problems.push(`${file.path} ${r.symbol}: must be workspace-based (WorkspaceResourceId)`);
    }
  const auth = appSettings(infra).APPLICATIONINSIGHTS_AUTHENTICATION_STRING;
  if (!(auth instanceof Unknown) || auth.text !== "ClientId=${identity.properties.clientId};Authorization=AAD")
    problems.push(
      `APPLICATIONINSIGHTS_AUTHENTICATION_STRING must be ClientId=<the identity>;Authorization=AAD, is ${show(auth)}`,
    );
  return problems;
}

/** Flex Consumption FC1, Linux, Node 20, deployment package by the user-assigned identity, scale as parameters. */
export function checkFunctionApp(infra: Infra): string[] {
  const problems: string[] = [];
  const plans = resources(infra, "Microsoft.Web/serverfarms").filter(({ r }) => !r.existing);
  if (plans.length !== 1) problems.push(`expected one App Service plan, found ${plans.length}`);
  for (const { file, r } of plans)
    for (const v of instances(infra, file, r)) {
      expectValue(problems, `${file.path} ${r.symbol}`, v, "sku.name", "FC1");
      expectValue(problems, `${file.path} ${r.symbol}`, v, "sku.tier", "FlexConsumption");
      expectValue(problems, `${file.path} ${r.symbol}`, v, "properties.reserved", true);
    }
  const sites = resources(infra, "Microsoft.Web/sites").filter(({ r }) => !r.existing);
  if (sites.length !== 1) problems.push(`expected one site, found ${sites.length}`);
  for (const { file, r } of sites) {
    const where = `${file.path} ${r.symbol}`;
    for (const v of instances(infra, file, r)) {
      expectValue(problems, where, v, "kind", "functionapp,linux");
      expectValue(problems, where, v, "identity.type", "UserAssigned");
      expectValue(problems, where, v, "properties.httpsOnly", true);
      expectValue(problems, where, v, "properties.functionAppConfig.runtime.name", "node");
      expectValue(problems, where, v, "properties.functionAppConfig.runtime.version", "20");
      expectValue(problems, where, v, "properties.functionAppConfig.deployment.storage.type", "blobContainer");
      expectValue(
        problems,
        where,
        v,
        "properties.functionAppConfig.deployment.storage.authentication.type",
        "UserAssignedIdentity",
      );
    }
    const cfg = prop(r.body, "properties.functionAppConfig");
    for (const [path, param] of [
      ["deployment.storage.authentication.userAssignedIdentityResourceId", "identityId"],
      ["scaleAndConcurrency.instanceMemoryMB", "instanceMemoryMB"],
      ["scaleAndConcurrency.maximumInstanceCount", "maximumInstanceCount"],
    ] as const) {
      const n = prop(cfg, path);
      if (n?.kind !== "ref" || n.name !== param || !file.params.has(param))
        problems.push(`${where}: functionAppConfig.${path} must be the parameter ${param}, is ${n?.text ?? "missing"}`);
    }
    const kvIdentity = prop(r.body, "properties.keyVaultReferenceIdentity");
    if (kvIdentity?.kind !== "ref" || kvIdentity.name !== "identityId")
      problems.push(`${where}: keyVaultReferenceIdentity must be the user-assigned identity (identityId)`);
    if (prop(r.body, "properties.siteConfig.appSettings"))
      problems.push(`${where}: app settings belong in the one sites/config 'appsettings' resource`);
  }
  const settings = appSettings(infra);
  for (const name of FORBIDDEN_ON_FLEX)
    if (name in settings) problems.push(`app setting ${name} is not allowed on Flex Consumption (or holds a key)`);
  return problems;
}

/** The app settings: every required setting, one identity-based form per connection, valid literals, no typos. */
export function checkAppSettings(infra: Infra, facts: CodeFacts): string[] {
  const problems: string[] = [];
  const settings = appSettings(infra);
  const shape = settingsSchema.in.shape as Record<
    string,
    { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }
  >;
  for (const name of SETTING_NAMES)
    if (!shape[name]!.safeParse(undefined).success && !(name in settings))
      problems.push(`app setting ${name} is required by shared/config/config.ts but main.bicep does not set it`);
  const present = Object.fromEntries(Object.keys(settings).map((k) => [k, "set"]));
  for (const i of [...storageConnectionIssues(present), ...serviceBusConnectionIssues(present)])
    problems.push(`app setting ${i.setting}: ${i.message}`);
  for (const name of ["STORAGE_CONNECTION", "SERVICEBUS_CONNECTION"])
    if (name in settings)
      problems.push(`app setting ${name}: use the identity-based form in Azure, not a connection string`);
  for (const prefix of ["STORAGE_CONNECTION", "SERVICEBUS_CONNECTION", "AzureWebJobsStorage"]) {
    if (settings[`${prefix}__credential`] !== "managedidentity")
      problems.push(`app setting ${prefix}__credential must be "managedidentity"`);
    const id = settings[`${prefix}__clientId`];
    if (!(id instanceof Unknown) || id.text !== "identity.properties.clientId")
      problems.push(`app setting ${prefix}__clientId must be the user-assigned identity's client id, is ${show(id)}`);
  }
  for (const [name, value] of Object.entries(settings)) {
    if (!SETTING_NAMES.includes(name) && !HOST_SETTING.test(name) && !FORBIDDEN_ON_FLEX.includes(name))
      problems.push(`app setting ${name} is read by neither the app's schema nor the Functions host`);
    if (typeof value === "string" && shape[name]) {
      const r = shape[name]!.safeParse(value);
      if (!r.success) problems.push(`app setting ${name}=${JSON.stringify(value)}: ${r.error?.issues[0]?.message}`);
    }
  }
  for (const c of facts.triggerConnections)
    if (!(c in settings) && !(`${c}__fullyQualifiedNamespace` in settings))
      problems.push(`trigger connection ${c} has no app setting (${c}__fullyQualifiedNamespace)`);
  for (const s of facts.percentSettings) if (!(s in settings)) problems.push(`%${s}% in functions/ has no app setting`);
  const webhook = settings.WEBHOOK_URL;
  if (
    !(webhook instanceof Unknown) ||
    webhook.text !== `https://\${functionApp.outputs.defaultHostName}${facts.webhookPath}`
  )
    problems.push(`WEBHOOK_URL must default to https://<the app's host name>${facts.webhookPath}, is ${show(webhook)}`);
  const m = main(infra);
  for (const p of m.params.values())
    if (!p.decorators.some((d) => d.name === "description"))
      problems.push(`${MAIN}: param ${p.name} needs a @description (it is documented there)`);
  const outputs = Object.fromEntries([...m.outputs].map(([k, o]) => [k, evaluate(o.value, { file: m })]));
  if (show(outputs.WEBHOOK_URL) !== show(webhook)) problems.push(`output WEBHOOK_URL must be the WEBHOOK_URL setting`);
  if (!(outputs.ADMIN_URL instanceof Unknown) || !outputs.ADMIN_URL.text.endsWith(facts.adminPath))
    problems.push(`output ADMIN_URL must end with ${facts.adminPath}, is ${show(outputs.ADMIN_URL)}`);
  return problems;
}

/** The tables the code opens and the attachment container exist in the data account. */
export function checkTables(infra: Infra, facts: CodeFacts): string[] {
  const problems: string[] = [];
  const data = main(infra).modules.find((d) => d.symbol === "dataStorage");
  if (!data) return ["main.bicep: module dataStorage is missing"];
  const params = evaluate(prop(data.body, "params")!, { file: main(infra) }) as Record<string, Value>;
  // Evaluated with TABLE_PREFIX's default (empty), so '${tablePrefix}Users' is 'Users'.
  const tables = params.tables as Value[];
  for (const t of facts.tables)
    if (!tables.includes(t))
      problems.push(`table ${t} (opened by the code) is not declared in the data storage account`);
  const container = appSettings(infra).EMAIL_BLOB_CONTAINER;
  if (!(params.containers as Value[]).includes(container!))
    problems.push(`EMAIL_BLOB_CONTAINER ${show(container)} is not a container of the data storage account`);
  return problems;
}

interface Assignment {
  file: string;
  symbol: string;
  roleName: string | undefined;
  roleId: string;
  scopeType: string | undefined;
  scopeSymbol: string | undefined;
  principal: string;
}

/** Every role assignment in one module, built-in ids only, and the roles the app's identity needs. */
export function checkRoles(infra: Infra, facts: CodeFacts): string[] {
  const problems: string[] = [];
  const found = resources(infra, "Microsoft.Authorization/roleAssignments");
  const files = new Set(found.map(({ file }) => file.path));
  if (files.size !== 1)
    problems.push(`role assignments must all be in one module, found in ${[...files].join(", ") || "none"}`);
  const assignments: Assignment[] = [];
  for (const { file, r } of found) {
    const roleNode = prop(r.body, "properties.roleDefinitionId");
    const idArg =
      roleNode?.kind === "call" && roleNode.callee === "subscriptionResourceId" ? roleNode.args[1] : undefined;
    const roleId = idArg ? evaluate(idArg, { file }) : undefined;
    if (typeof roleId !== "string") {
      problems.push(
        `${file.path} ${r.symbol}: roleDefinitionId must be subscriptionResourceId('Microsoft.Authorization/roleDefinitions', <built-in id>)`,
      );
      continue;
    }
    const roleName = BUILT_IN_ROLES[roleId];
    if (!roleName) problems.push(`${file.path} ${r.symbol}: role id ${roleId} is not a built-in role this check knows`);
    const scope = prop(r.body, "scope");
    const scopeDecl = scope?.kind === "ref" ? file.resources.find((x) => x.symbol === scope.name) : undefined;
    const principal = prop(r.body, "properties.principalId")?.text ?? "";
    if (!prop(r.body, "properties.principalType")) problems.push(`${file.path} ${r.symbol}: principalType must be set`);
    if (r.condition === undefined && principal !== "appPrincipalId")
      problems.push(`${file.path} ${r.symbol}: an unconditional assignment must be for the app's identity`);
    assignments.push({
      file: file.path,
      symbol: r.symbol,
      roleName,
      roleId,
      scopeType: scopeDecl?.target,
      scopeSymbol: scopeDecl?.symbol,
      principal,
    });
  }
  const app = assignments.filter((a) => a.principal === "appPrincipalId");
  const need: [string, string, string?][] = [
    ["Storage Blob Data Owner", "Microsoft.Storage/storageAccounts", "hostStorage"],
    ["Storage Table Data Contributor", "Microsoft.Storage/storageAccounts", "dataStorage"],
    [
      facts.writesBlobs ? "Storage Blob Data Contributor" : "Storage Blob Data Reader",
      "Microsoft.Storage/storageAccounts/blobServices/containers",
    ],
    ["Azure Service Bus Data Sender", "Microsoft.ServiceBus/namespaces"],
    ["Key Vault Secrets User", "Microsoft.KeyVault/vaults"],
    ["Monitoring Metrics Publisher", "Microsoft.Insights/components"],
    ...facts.triggerQueueSettings.map((s): [string, string, string] => [
      "Azure Service Bus Data Receiver",
      "Microsoft.ServiceBus/namespaces/queues",
      s === "PUSH_QUEUE" ? "pushQueue" : "pullQueue",
    ]),
  ];
  for (const [roleName, scopeType, scopeSymbol] of need)
    if (
      !app.some(
        (a) => a.roleName === roleName && a.scopeType === scopeType && (!scopeSymbol || a.scopeSymbol === scopeSymbol),
      )
    )
      problems.push(`the app's identity lacks ${roleName} on ${scopeSymbol ?? scopeType}`);
  for (const a of app)
    if (!need.some(([n, t, s]) => n === a.roleName && t === a.scopeType && (!s || s === a.scopeSymbol)))
      problems.push(`${a.file} ${a.symbol}: ${a.roleName} on ${a.scopeSymbol} is more than the app needs`);
  const roles = main(infra).modules.find((d) => d.symbol === "roles");
  if (prop(roles?.body, "params.appPrincipalId")?.text !== "identity.properties.principalId")
    problems.push("main.bicep: the roles module must get the user-assigned identity's principalId");
  return problems;
}

/** azure.yaml deploys the project as a TypeScript function app; main.parameters.json gives every required param. */
export function checkAzd(infra: Infra): string[] {
  const problems: string[] = [];
  const yaml = infra.texts.get("azure.yaml");
  if (!yaml) return ["azure.yaml is missing"];
  for (const [re, what] of [
    [/^name:\s*\S+/m, "a name"],
    [/^infra:\s*\n(\s+.*\n)*?\s+path:\s*infra\s*$/m, "infra.path: infra"],
    [/^services:\s*\n\s+api:\s*\n(\s{4}.*\n)*?\s{4}host:\s*function\s*$/m, "services.api.host: function"],
    [/^\s{4}language:\s*ts\s*$/m, "language: ts"],
    [/^\s{4}project:\s*\.\s*$/m, "project: ."],
  ] as const)
    if (!re.test(yaml)) problems.push(`azure.yaml needs ${what}`);
  const site = resources(infra, "Microsoft.Web/sites").find(({ r }) => !r.existing);
  if (!site || !/'azd-service-name': 'api'/.test(main(infra).source))
    problems.push("the site must carry the tag azd-service-name: api (azure.yaml's service)");
  const paramsText = infra.texts.get("infra/main.parameters.json");
  if (!paramsText) return [...problems, "infra/main.parameters.json is missing"];
  const given = (JSON.parse(paramsText) as { parameters: Record<string, { value: unknown }> }).parameters;
  const m = main(infra);
  for (const p of m.params.values())
    if (!p.default && !(p.name in given))
      problems.push(`main.parameters.json does not give the required param ${p.name}`);
  for (const [name, { value }] of Object.entries(given)) {
    if (!m.params.has(name)) problems.push(`main.parameters.json gives ${name}, which main.bicep does not declare`);
    if (typeof value === "string" && !/^\$\{[A-Z_]+(=[^}]*)?\}$/.test(value))
      problems.push(
        `main.parameters.json ${name}: give values through azd environment variables (\${NAME}), not literals`,
      );
    const type = m.params.get(name)?.type;
    if (type && type !== "string")
      problems.push(`main.parameters.json ${name}: a ${type} param cannot take an azd \${…} string`);
  }
  return problems;
}

export type { Node };
