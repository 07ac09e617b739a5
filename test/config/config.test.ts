// Settings schema: every kind of error names its setting, all are reported at once, secrets are never echoed.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import {
  ConfigError,
  checkNcrontab,
  getConfig,
  loadConfig,
  resetConfigCache,
  SETTING_NAMES,
  ALL_SETTING_NAMES,
  HOST_SETTING_NAMES,
} from "../../shared/config/config.js";
import { assertNoSettingsDrift, settingsDrift } from "../../shared/config/settingsDrift.js";

const sample = JSON.parse(readFileSync(new URL("../../local.settings.sample.json", import.meta.url), "utf8")) as {
  IsEncrypted: boolean;
  Values: Record<string, string>;
};

/** A complete, valid environment (the sample's values). */
const base = (): Record<string, string | undefined> => ({ ...sample.Values });

function issuesFor(env: Record<string, string | undefined>): { setting: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).issues];
  }
  throw new Error("expected loadConfig to throw");
}

describe("local.settings.sample.json", () => {
  it("parses with loadConfig into working local values", () => {
    expect(sample.IsEncrypted).toBe(false);
    const c = loadConfig(sample.Values);
    expect(c.graphBaseUrl).toBe("https://127.0.0.1:8443/v1.0");
    expect(c.authorityHost).toBe("https://127.0.0.1:8443");
    expect(c.tenantId).toBe("00000000-0000-4000-8000-000000000001");
    expect(c.clientId).toBe("11111111-1111-4111-8111-111111111111");
    expect(c.clientSecret).toBe("local-sim-secret");
    expect(c.eventDaysBack).toBe(1);
    expect(c.eventDaysForward).toBe(21);
    expect(c.tokenCacheKey?.length).toBe(32);
    expect(c.serviceBusConnection).toEqual({
      connectionString: expect.stringContaining("UseDevelopmentEmulator=true"),
    });
  });

  it("lists exactly the settings the schema and the host read", () => {
    expect(Object.keys(sample.Values).sort()).toEqual([...ALL_SETTING_NAMES].sort());
    expect(sample.Values.FUNCTIONS_WORKER_RUNTIME).toBe("node");
    expect(() => assertNoSettingsDrift(sample.Values)).not.toThrow();
  });

  it.each(ALL_SETTING_NAMES.map((k) => [k]))("drift check fails naming %s when the sample lacks it", (key) => {
    const values: Record<string, string> = { ...sample.Values };
    delete values[key];
    expect(settingsDrift(values)).toEqual({ missing: [key], unknown: [] });
    expect(() => assertNoSettingsDrift(values)).toThrow(`${key}: read by the app but missing from the sample`);
  });

  it("drift check fails naming a key nothing reads", () => {
    const values = { ...sample.Values, GRAPH_TIMEOUT: "30" };
    expect(() => assertNoSettingsDrift(values)).toThrow("GRAPH_TIMEOUT: listed in the sample but not read by the app");
  });

  it("README's settings table documents every setting", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    // Only the "## Settings" section: other tables (the To Do field mapping) also start rows with a code span.
    const settings = readme.slice(
      readme.indexOf("\n## Settings"),
      readme.indexOf("\n## ", readme.indexOf("\n## Settings") + 1),
    );
    const documented = [...settings.matchAll(/^\| `([A-Za-z_]+)`\s*\|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...ALL_SETTING_NAMES].sort());
    for (const [setting, coins] of [
      ["TASK_ACTION_TYPE", "SY/MSACTTYP"],
      ["EVENT_DAYS_BACK", "SY/MSEVBACK"],
      ["EVENT_DAYS_FORWARD", "SY/MSEVFWD"],
      ["TASK_LIST_NAME", "SY/MSLINAME"],
      ["WEBHOOK_URL", "SY/WEBHOOK"],
    ])
      expect(readme).toMatch(new RegExp(`^\\| \`${setting}\`\\s*\\| ${coins}\\s*\\|`, "m"));
  });

  it("exports the setting names it validates", () => {
    expect(SETTING_NAMES).toContain("TASK_ACTION_TYPE");
    expect(SETTING_NAMES).toHaveLength(40);
    expect(HOST_SETTING_NAMES).toEqual(["AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME"]);
  });
});

describe("loadConfig", () => {
  it("applies defaults for optional settings", () => {
    const env = base();
    for (const k of [
      "TABLE_PREFIX",
      "ERP_INBOUND_QUEUE",
      "GRAPH_BASE_URL",
      "GRAPH_AUTHORITY_HOST",
      "SUBSCRIPTION_LIFETIME_HOURS",
      "CONFLICT_RULE",
      "LIFECYCLE_WEBHOOK_URL",
      "EMAIL_BLOB_CONTAINER",
      "TOKEN_CACHE_KEY",
      "DEFAULT_TIME_ZONE",
    ])
      delete env[k];
    env.WEBHOOK_URL = "https://erp.example.com/api/graphWebhook?code=abc";
    const c = loadConfig(env);
    expect(c).toMatchObject({
      tablePrefix: "",
      erpInboundQueue: "erp-inbound",
      graphBaseUrl: "https://graph.microsoft.com/v1.0",
      authorityHost: "https://login.microsoftonline.com",
      subscriptionLifetimeHours: 48,
      conflictRule: "erp-wins",
      defaultTimeZone: "UTC",
      emailBlobContainer: "erp-mail-attachments",
      tokenCacheKey: undefined,
      lifecycleWebhookUrl: "https://erp.example.com/api/graphWebhook/lifecycle?code=abc",
    });
  });

  it("treats blank values as not set and trims values", () => {
    const c = loadConfig({
      ...base(),
      ERP_INBOUND_QUEUE: "  ",
      EVENT_DAYS_BACK: " 7 ",
      GRAPH_BASE_URL: "https://g.example/v1.0/",
    });
    expect(c.erpInboundQueue).toBe("erp-inbound");
    expect(c.eventDaysBack).toBe(7);
    expect(c.graphBaseUrl).toBe("https://g.example/v1.0");
  });

  it("returns a frozen object", () => {
    const c = loadConfig(base());
    expect(Object.isFrozen(c)).toBe(true);
    expect(() => {
      (c as { eventDaysBack: number }).eventDaysBack = 99;
    }).toThrow(TypeError);
  });

  const cases: [string, string | undefined, string][] = [
    ["STORAGE_CONNECTION", undefined, "is required but not set"],
    ["STORAGE_CONNECTION", "not a connection string", "must be a Storage connection string"],
    ["SERVICEBUS_CONNECTION", "", "is required but not set"],
    ["SERVICEBUS_CONNECTION", "Endpoint=https://x", "must be a Service Bus connection string"],
    [
      "TABLE_PREFIX",
      "dev-1",
      'must be letters and digits starting with a letter, at most 52 characters (table names are alphanumeric), got "dev-1"',
    ],
    ["PUSH_QUEUE", "-bad", "must be a Service Bus queue name"],
    ["TENANT_ID", undefined, "is required but not set"],
    ["TENANT_ID", "not a tenant", "must be the Entra tenant id (a GUID) or its domain name"],
    ["CLIENT_ID", "abc", 'must be the app registration\'s client id (a GUID), got "abc"'],
    ["CLIENT_SECRET", undefined, "is required but not set"],
    [
      "SUBSCRIPTION_LIFETIME_HOURS",
      "71",
      "must be at most 70 hours (Graph's maximum for To Do task subscriptions is 4,230 minutes), got 71",
    ],
    ["SUBSCRIPTION_LIFETIME_HOURS", "0", "must be a positive whole number of hours, got 0"],
    ["SUBSCRIPTION_LIFETIME_HOURS", "1.5", 'must be a whole number of hours, got "1.5"'],
    ["EVENT_DAYS_BACK", undefined, "is required but not set"],
    ["EVENT_DAYS_BACK", "-1", 'must be a whole number of days, got "-1"'],
    ["EVENT_DAYS_BACK", "0", "must be a positive whole number of days, got 0"],
    ["EVENT_DAYS_FORWARD", "three weeks", 'must be a whole number of days, got "three weeks"'],
    ["TASK_ACTION_TYPE", undefined, "is required but not set"],
    ["TASK_LIST_NAME", "   ", "is required but not set"],
    ["WEBHOOK_URL", undefined, "is required but not set"],
    [
      "WEBHOOK_URL",
      "http://erp.example.com/api/graphWebhook?code=secret",
      "must use https (plain http is allowed only for 127.0.0.1, localhost or [::1]), got http://erp.example.com",
    ],
    ["WEBHOOK_URL", "erp.example.com/hook", "must be an absolute https:// URL"],
    ["WEBHOOK_URL", "ftp://erp.example.com/hook", "must be an absolute https:// URL"],
    [
      "LIFECYCLE_WEBHOOK_URL",
      "http://10.0.0.5/lifecycle",
      "must use https (plain http is allowed only for 127.0.0.1, localhost or [::1]), got http://10.0.0.5",
    ],
    [
      "GRAPH_BASE_URL",
      "http://graph.microsoft.com/v1.0",
      "must use https (plain http is allowed only for 127.0.0.1, localhost or [::1])",
    ],
    [
      "GRAPH_AUTHORITY_HOST",
      "http://127.0.0.1:8443",
      "must use https (MSAL refuses non-https authorities), got http://127.0.0.1:8443",
    ],
    ["GRAPH_AUTHORITY_HOST", "https://login.microsoftonline.com/tenant", "must be a scheme and host only"],
    ["NIGHTLY_SCHEDULE", "0 2 * * *", "must be a 6-field NCRONTAB expression"],
    ["NIGHTLY_SCHEDULE", "%NIGHTLY%", "not a %SETTING% reference"],
    ["NIGHTLY_SCHEDULE", "0 0 25 * * *", 'has an invalid hour field "25"'],
    ["CONFLICT_RULE", "latest-wins", 'must be "erp-wins", "outlook-wins" or "newest-wins", got "latest-wins"'],
    [
      "DEFAULT_TIME_ZONE",
      "Pacific Time",
      'must be a Windows time-zone name ("GMT Standard Time", "Pacific Standard Time") or an IANA one ("Europe/London"), got "Pacific Time"',
    ],
    ["EMAIL_BLOB_CONTAINER", "Erp_Mail", "must be a blob container name"],
    ["TOKEN_CACHE_KEY", "c2hvcnQ=", "must be base64 of exactly 32 bytes, got 5 bytes"],
    ["TOKEN_CACHE_KEY", "not base64!", "must be base64"],
    ["AUTH_MODE", "user", 'must be "application" or "delegated", got "user"'],
    ["SIGNIN_REDIRECT_URI", "https://app.example.com/api/signin", "must end in /auth/callback"],
    ["DELEGATED_SCOPES", "Mail.Read,Mail.Send", "must be space-separated permission names"],
    ["TOKEN_CACHE_KEYS", "k1=abc", "entry 1 must be <key id>:<base64 of 32 bytes>"],
    ["TOKEN_CACHE_KEYS", "k1:c2hvcnQ=", 'key "k1" must be base64 of exactly 32 bytes, got 5 bytes'],
    ["TOKEN_CACHE_ACTIVE_KEY_ID", "k9", 'must be one of the key ids in TOKEN_CACHE_KEYS, got "k9"'],
  ];

  it.each(cases)("%s=%j → names the setting: %s", (setting, value, message) => {
    const env = base();
    if (value === undefined) delete env[setting];
    else env[setting] = value;
    const issues = issuesFor(env);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.setting).toBe(setting);
    expect(issues[0]!.message).toContain(message);
  });

  it.each([
    ["WEBHOOK_URL", "http://127.0.0.1:7071/api/graphWebhook"],
    ["WEBHOOK_URL", "http://localhost:7071/api/graphWebhook"],
    ["WEBHOOK_URL", "http://[::1]:7071/api/graphWebhook"],
    ["GRAPH_BASE_URL", "http://localhost:8080/v1.0"],
    ["SUBSCRIPTION_LIFETIME_HOURS", "70"],
    ["SUBSCRIPTION_LIFETIME_HOURS", "1"],
    ["TENANT_ID", "contoso.onmicrosoft.com"],
    ["NIGHTLY_SCHEDULE", "0 30 1-3/2 * jan-dec mon,fri"],
  ])("accepts %s=%s", (setting, value) => {
    expect(() => loadConfig({ ...base(), [setting]: value })).not.toThrow();
  });

  it("reports every problem at once, each line naming its setting", () => {
    const env = base();
    delete env.TENANT_ID;
    delete env.CLIENT_SECRET;
    env.EVENT_DAYS_BACK = "x";
    env.EVENT_DAYS_FORWARD = "0";
    env.WEBHOOK_URL = "http://example.com/hook";
    env.SUBSCRIPTION_LIFETIME_HOURS = "100";
    env.NIGHTLY_SCHEDULE = "daily";
    let error: ConfigError | undefined;
    try {
      loadConfig(env);
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const settings = error!.issues.map((i) => i.setting).sort();
    expect(settings).toEqual(
      [
        "CLIENT_SECRET",
        "EVENT_DAYS_BACK",
        "EVENT_DAYS_FORWARD",
        "NIGHTLY_SCHEDULE",
        "SUBSCRIPTION_LIFETIME_HOURS",
        "TENANT_ID",
        "WEBHOOK_URL",
      ].sort(),
    );
    expect(error!.message).toMatch(/^Invalid app settings \(7 problems\):/);
    for (const s of settings) expect(error!.message).toMatch(new RegExp(`^- ${s}: `, "m"));
  });

  it("never echoes a secret value in the error", () => {
    const secrets = {
      STORAGE_CONNECTION: "AcountKey=SuperSecretStorageKey123==",
      SERVICEBUS_CONNECTION: "SharedAccessKey=SuperSecretSbKey456=",
      TOKEN_CACHE_KEY: "U3VwZXJTZWNyZXRUb2tlbkNhY2hlS2V5",
      WEBHOOK_URL: "http://public.example.com/api/hook?code=FunctionKeySecret789",
    };
    const env = { ...base(), ...secrets, CLIENT_SECRET: "sim-secret-xyz", CONFLICT_RULE: "bogus" };
    let error: ConfigError | undefined;
    try {
      loadConfig(env);
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error!.issues.map((i) => i.setting).sort()).toEqual(
      ["CONFLICT_RULE", "SERVICEBUS_CONNECTION", "STORAGE_CONNECTION", "TOKEN_CACHE_KEY", "WEBHOOK_URL"].sort(),
    );
    const everything = `${error!.message} ${JSON.stringify(error)} ${String(error!.stack)} ${JSON.stringify(error!.issues)}`;
    for (const needle of [
      "SuperSecretStorageKey123",
      "SuperSecretSbKey456",
      "U3VwZXJTZWNyZXRUb2tlbkNhY2hlS2V5",
      "FunctionKeySecret789",
      "sim-secret-xyz",
    ])
      expect(everything).not.toContain(needle);
    expect(error!.cause).toBeUndefined();
  });
});

describe("getConfig", () => {
  it("parses process.env once and returns the cached object", () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, base());
      resetConfigCache();
      const first = getConfig();
      process.env.EVENT_DAYS_BACK = "9";
      expect(getConfig()).toBe(first);
      expect(getConfig().eventDaysBack).toBe(1);
      resetConfigCache();
      expect(getConfig().eventDaysBack).toBe(9);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      resetConfigCache();
    }
  });
});

describe("checkNcrontab", () => {
  it.each([
    ["0 0 2 * * *", undefined],
    ["*/15 * * * * *", undefined],
    ["0 0 2 * * 7", "day of week"],
    ["0 60 2 * * *", "minute"],
    ["0 0 2 0 * *", "day of month"],
    ["0 0 2 * 13 *", "month"],
    ["0 */0 * * * *", "minute"],
  ])("%s → %s", (expr, problem) => {
    const result = checkNcrontab(expr);
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toContain(`invalid ${problem} field`);
  });
});
