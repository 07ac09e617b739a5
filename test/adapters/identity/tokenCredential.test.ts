// Which credential and which endpoint the client factories pick for which settings (no network: construction only).
import { describe, expect, it } from "vitest";
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { credentialPlan, tokenCredentialFor } from "../../../shared/adapters/identity/tokenCredential.js";
import { createTableClient } from "../../../shared/adapters/tables/createTableClient.js";
import { createBlobServiceClient } from "../../../shared/adapters/blob/blobClients.js";
import { createServiceBusClient, serviceBusTargetKey } from "../../../shared/adapters/servicebus/serviceBusClients.js";
import type { CredentialChoice } from "../../../shared/config/config.js";

const MI = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";
const AZURITE =
  "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;" +
  "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";
const identity = (credential: CredentialChoice) => ({
  tableServiceUri: "https://contosodata.table.core.windows.net",
  blobServiceUri: "https://contosodata.blob.core.windows.net",
  credential,
});

describe("credentialPlan / tokenCredentialFor", () => {
  it.each<[string, CredentialChoice, ReturnType<typeof credentialPlan>, unknown]>([
    [
      "managedidentity + client id → user-assigned ManagedIdentityCredential",
      { kind: "managedIdentity", clientId: MI },
      { type: "ManagedIdentityCredential", clientId: MI },
      ManagedIdentityCredential,
    ],
    [
      "managedidentity alone → system-assigned ManagedIdentityCredential",
      { kind: "managedIdentity", clientId: undefined },
      { type: "ManagedIdentityCredential", clientId: undefined },
      ManagedIdentityCredential,
    ],
    [
      "no credential setting → DefaultAzureCredential (developer sign-in locally)",
      { kind: "default" },
      { type: "DefaultAzureCredential" },
      DefaultAzureCredential,
    ],
  ])("%s", (_name, choice, plan, type) => {
    expect(credentialPlan(choice)).toEqual(plan);
    expect(tokenCredentialFor(choice)).toBeInstanceOf(type as typeof ManagedIdentityCredential);
  });

  it("one credential per choice per process (token caches are shared), distinct per client id", () => {
    const a = tokenCredentialFor({ kind: "managedIdentity", clientId: MI });
    expect(tokenCredentialFor({ kind: "managedIdentity", clientId: MI })).toBe(a);
    expect(tokenCredentialFor({ kind: "managedIdentity", clientId: undefined })).not.toBe(a);
  });
});

describe("client factories choose the endpoint by form", () => {
  it("tables: the connection string's TableEndpoint, or the identity-based table service URI", () => {
    expect(createTableClient({ connectionString: AZURITE, tablePrefix: "dev" }, "Users")).toMatchObject({
      url: "http://127.0.0.1:10002/devstoreaccount1",
      tableName: "devUsers",
    });
    expect(
      createTableClient({ ...identity({ kind: "managedIdentity", clientId: MI }), tablePrefix: "dev" }, "Users"),
    ).toMatchObject({ url: "https://contosodata.table.core.windows.net", tableName: "devUsers" });
  });

  it("blobs: the connection string's BlobEndpoint, or the identity-based blob service URI", () => {
    expect(createBlobServiceClient({ connectionString: AZURITE }).url).toBe("http://127.0.0.1:10000/devstoreaccount1");
    expect(createBlobServiceClient(identity({ kind: "default" })).url).toBe(
      "https://contosodata.blob.core.windows.net/",
    );
  });

  it("service bus: the connection string's endpoint, or the namespace host name", async () => {
    const viaString = createServiceBusClient({
      connectionString:
        "Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;",
    });
    const viaIdentity = createServiceBusClient({
      fullyQualifiedNamespace: "contoso-bus.servicebus.windows.net",
      credential: { kind: "managedIdentity", clientId: MI },
    });
    expect(viaString.fullyQualifiedNamespace).toBe("127.0.0.1");
    expect(viaIdentity.fullyQualifiedNamespace).toBe("contoso-bus.servicebus.windows.net");
    await Promise.all([viaString.close(), viaIdentity.close()]);
  });

  it("the shared-sender key separates namespaces, identities and connection strings", () => {
    const ns = "contoso-bus.servicebus.windows.net";
    const keys = [
      serviceBusTargetKey({ fullyQualifiedNamespace: ns, credential: { kind: "managedIdentity", clientId: MI } }),
      serviceBusTargetKey({ fullyQualifiedNamespace: ns, credential: { kind: "default" } }),
      serviceBusTargetKey({ fullyQualifiedNamespace: "other.servicebus.windows.net", credential: { kind: "default" } }),
      serviceBusTargetKey("Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=v"),
    ];
    expect(new Set(keys).size).toBe(4);
  });
});
