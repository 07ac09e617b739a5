// Storage and Service Bus settings in both forms: a connection string, or the host's identity-based `__` settings.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ConfigError, loadConfig } from "../../shared/config/config.js";

const sample = JSON.parse(readFileSync(new URL("../../local.settings.sample.json", import.meta.url), "utf8")) as {
  Values: Record<string, string>;
};

const MI = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";

/** The sample with both connection strings removed, then `extra` applied. */
const env = (extra: Record<string, string | undefined>) => {
  const e: Record<string, string | undefined> = { ...sample.Values, STORAGE_CONNECTION: "", SERVICEBUS_CONNECTION: "" };
  return { ...e, ...extra };
};

const identityStorage = { STORAGE_CONNECTION__accountName: "contosodata" };
const identityBus = { SERVICEBUS_CONNECTION__fullyQualifiedNamespace: "contoso-bus.servicebus.windows.net" };

function issues(e: Record<string, string | undefined>) {
  try {
    loadConfig(e);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).issues];
  }
  throw new Error("expected loadConfig to throw");
}

describe("identity-based connections: accepted forms", () => {
  it.each([
    [
      "account name, user-assigned managed identity",
      {
        ...identityStorage,
        STORAGE_CONNECTION__credential: "managedidentity",
        STORAGE_CONNECTION__clientId: MI,
      },
      {
        tableServiceUri: "https://contosodata.table.core.windows.net",
        blobServiceUri: "https://contosodata.blob.core.windows.net",
        credential: { kind: "managedIdentity", clientId: MI },
      },
    ],
    [
      "account name, system-assigned (credential without client id), case-insensitive",
      { ...identityStorage, STORAGE_CONNECTION__credential: "ManagedIdentity" },
      {
        tableServiceUri: "https://contosodata.table.core.windows.net",
        blobServiceUri: "https://contosodata.blob.core.windows.net",
        credential: { kind: "managedIdentity", clientId: undefined },
      },
    ],
    [
      "explicit service URIs (trailing slash dropped), developer identity",
      {
        STORAGE_CONNECTION__tableServiceUri: "https://127.0.0.1:10102/devstoreaccount1/",
        STORAGE_CONNECTION__blobServiceUri: "https://contosodata.blob.core.chinacloudapi.cn",
      },
      {
        tableServiceUri: "https://127.0.0.1:10102/devstoreaccount1",
        blobServiceUri: "https://contosodata.blob.core.chinacloudapi.cn",
        credential: { kind: "default" },
      },
    ],
  ])("storage: %s", (_name, extra, expected) => {
    const c = loadConfig(env({ ...extra, ...identityBus }));
    expect(c.storageConnection).toEqual(expected);
  });

  it.each([
    [
      "user-assigned managed identity",
      { SERVICEBUS_CONNECTION__credential: "managedidentity", SERVICEBUS_CONNECTION__clientId: MI },
      { kind: "managedIdentity", clientId: MI },
    ],
    ["developer identity", {}, { kind: "default" }],
  ])("service bus: %s", (_name, extra, credential) => {
    const c = loadConfig(env({ ...identityStorage, ...identityBus, ...extra }));
    expect(c.serviceBusConnection).toEqual({
      fullyQualifiedNamespace: "contoso-bus.servicebus.windows.net",
      credential,
    });
  });

  it("the connection-string form still works (local use) and yields { connectionString }", () => {
    const c = loadConfig(sample.Values);
    expect(c.storageConnection).toEqual({ connectionString: sample.Values.STORAGE_CONNECTION });
    expect(c.serviceBusConnection).toEqual({ connectionString: sample.Values.SERVICEBUS_CONNECTION });
  });

  it("a loopback namespace may carry a port (a local TLS endpoint)", () => {
    const c = loadConfig(env({ ...identityStorage, SERVICEBUS_CONNECTION__fullyQualifiedNamespace: "127.0.0.1:5671" }));
    expect(c.serviceBusConnection).toMatchObject({ fullyQualifiedNamespace: "127.0.0.1:5671" });
  });
});

describe("identity-based connections: exactly one form, errors name the setting", () => {
  it.each([
    ["neither storage form", { ...identityBus }, "STORAGE_CONNECTION", "is required but not set"],
    ["neither service bus form", { ...identityStorage }, "SERVICEBUS_CONNECTION", "is required but not set"],
    [
      "both storage forms",
      { ...identityStorage, ...identityBus, STORAGE_CONNECTION: "UseDevelopmentStorage=true" },
      "STORAGE_CONNECTION",
      "not both",
    ],
    [
      "both service bus forms",
      { ...identityStorage, ...identityBus, SERVICEBUS_CONNECTION: sample.Values.SERVICEBUS_CONNECTION },
      "SERVICEBUS_CONNECTION",
      "not both",
    ],
    [
      "account name and a service URI",
      { ...identityStorage, ...identityBus, STORAGE_CONNECTION__tableServiceUri: "https://x.table.core.windows.net" },
      "STORAGE_CONNECTION__accountName",
      "not both",
    ],
    [
      "table URI without blob URI",
      { ...identityBus, STORAGE_CONNECTION__tableServiceUri: "https://x.table.core.windows.net" },
      "STORAGE_CONNECTION__blobServiceUri",
      "is required when STORAGE_CONNECTION__tableServiceUri is set",
    ],
    [
      "blob URI without table URI",
      { ...identityBus, STORAGE_CONNECTION__blobServiceUri: "https://x.blob.core.windows.net" },
      "STORAGE_CONNECTION__tableServiceUri",
      "is required when STORAGE_CONNECTION__blobServiceUri is set",
    ],
    [
      "client id without credential",
      { ...identityStorage, ...identityBus, SERVICEBUS_CONNECTION__clientId: MI },
      "SERVICEBUS_CONNECTION__credential",
      'must be "managedidentity" when SERVICEBUS_CONNECTION__clientId is set',
    ],
    [
      "credential next to a connection string",
      {
        ...identityBus,
        STORAGE_CONNECTION: "UseDevelopmentStorage=true",
        STORAGE_CONNECTION__credential: "managedidentity",
      },
      "STORAGE_CONNECTION__credential",
      "applies only to the identity-based form",
    ],
    [
      "unknown credential",
      { ...identityStorage, ...identityBus, STORAGE_CONNECTION__credential: "clientsecret" },
      "STORAGE_CONNECTION__credential",
      'must be "managedidentity"',
    ],
    [
      "client id not a GUID",
      {
        ...identityStorage,
        ...identityBus,
        STORAGE_CONNECTION__credential: "managedidentity",
        STORAGE_CONNECTION__clientId: "my-identity",
      },
      "STORAGE_CONNECTION__clientId",
      "(a GUID)",
    ],
    [
      "account name with capitals",
      { ...identityBus, STORAGE_CONNECTION__accountName: "ContosoData" },
      "STORAGE_CONNECTION__accountName",
      "3-24 lower-case letters and digits",
    ],
    [
      "service URI over http",
      {
        ...identityBus,
        STORAGE_CONNECTION__tableServiceUri: "http://127.0.0.1:10002/devstoreaccount1",
        STORAGE_CONNECTION__blobServiceUri: "https://x.blob.core.windows.net",
      },
      "STORAGE_CONNECTION__tableServiceUri",
      "must use https",
    ],
    [
      "service URI with a SAS query",
      {
        ...identityBus,
        STORAGE_CONNECTION__tableServiceUri: "https://x.table.core.windows.net",
        STORAGE_CONNECTION__blobServiceUri: "https://x.blob.core.windows.net?sv=2024&sig=abc",
      },
      "STORAGE_CONNECTION__blobServiceUri",
      "must not have a query string",
    ],
    [
      "namespace given as a URL",
      {
        ...identityStorage,
        SERVICEBUS_CONNECTION__fullyQualifiedNamespace: "sb://contoso-bus.servicebus.windows.net/",
      },
      "SERVICEBUS_CONNECTION__fullyQualifiedNamespace",
      "host name only",
    ],
    [
      "namespace with a port off loopback",
      { ...identityStorage, SERVICEBUS_CONNECTION__fullyQualifiedNamespace: "contoso-bus.servicebus.windows.net:5671" },
      "SERVICEBUS_CONNECTION__fullyQualifiedNamespace",
      "only on a loopback host",
    ],
  ])("%s → names %s", (_name, extra, setting, message) => {
    const found = issues(env(extra));
    expect(found.map((i) => i.setting)).toContain(setting);
    expect(found.find((i) => i.setting === setting)?.message).toContain(message);
  });

  it("reports a connection-form problem together with an unrelated bad setting", () => {
    const found = issues(env({ ...identityBus, EVENT_DAYS_BACK: "-1" }));
    expect(found.map((i) => i.setting).sort()).toEqual(["EVENT_DAYS_BACK", "STORAGE_CONNECTION"]);
  });

  it("never quotes a connection string when both forms are given", () => {
    const secret = "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=TopSecretKey000==";
    const found = issues(env({ ...identityStorage, ...identityBus, STORAGE_CONNECTION: secret }));
    expect(JSON.stringify(found)).not.toContain("TopSecretKey000");
  });
});

describe("unresolved Key Vault references", () => {
  it.each(["CLIENT_SECRET", "TOKEN_CACHE_KEY"])("%s left as @Microsoft.KeyVault(...) → one issue naming it", (name) => {
    const found = issues({
      ...sample.Values,
      [name]: "@Microsoft.KeyVault(VaultName=coins-kv;SecretName=client-secret)",
      EVENT_DAYS_FORWARD: "0",
    });
    expect(found.filter((i) => i.setting === name)).toEqual([
      { setting: name, message: expect.stringContaining("Key Vault reference the platform could not resolve") },
    ]);
    expect(found.map((i) => i.setting)).toContain("EVENT_DAYS_FORWARD");
  });
});
