// The identity-based settings, end to end: config → createAppDeps → the real SDK clients with the real
// ManagedIdentityCredential (user-assigned), which gets its tokens from a local stand-in of the Functions
// managed identity endpoint; Azurite (HTTPS, --oauth basic: checks audience, issuer, lifetime) serves tables and
// blobs; the Service Bus stand-in is reached over TLS (a local TLS front) with a CBS JWT. What cannot be had here:
// Entra's signature on the token (Azurite and the stand-in do not check signatures) and Service Bus's own RBAC check.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { randomBytes, randomUUID } from "node:crypto";
import { connect, type Socket } from "node:net";
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";
import type { AddressInfo } from "node:net";
import { RestError } from "@azure/data-tables";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { loadConfig, type Config } from "../../../shared/config/config.js";
import { createAppDeps, type AppDeps } from "../../../shared/app/appDeps.js";
import { createTableClient } from "../../../shared/adapters/tables/createTableClient.js";
import { createBlobServiceClient } from "../../../shared/adapters/blob/blobClients.js";
import { createQueueSender } from "../../../shared/adapters/servicebus/queueSender.js";
import { startOAuthAzurite, type OAuthAzurite } from "../../harness/azuriteOAuth.js";
import { ensureDevCert } from "../../harness/devCert.js";
import {
  accessToken,
  startManagedIdentityEndpoint,
  type ManagedIdentityEndpoint,
} from "../../harness/managedIdentityEndpoint.js";
import { startServiceBusStandIn } from "../../servicebus/index.js";
import type { ServiceBusStandIn } from "../../servicebus/types.js";

const sample = JSON.parse(readFileSync(new URL("../../../local.settings.sample.json", import.meta.url), "utf8")) as {
  Values: Record<string, string>;
};
const TENANT = "00000000-0000-4000-8000-000000000001";
const APP_IDENTITY = randomUUID();
const OTHER_IDENTITY = randomUUID();

let azurite: OAuthAzurite;
let identity: ManagedIdentityEndpoint;
let bus: ServiceBusStandIn;
let tlsFront: TlsServer;
let tlsPort: number;
let config: Config;
let deps: AppDeps;
const savedEnv = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IDENTITY_HEADER: process.env.IDENTITY_HEADER };

/** The settings infra/main.bicep gives the app, pointed at the local parts. */
function identitySettings(clientId: string): Record<string, string> {
  return {
    ...sample.Values,
    STORAGE_CONNECTION: "",
    SERVICEBUS_CONNECTION: "",
    STORAGE_CONNECTION__tableServiceUri: azurite.endpoints.table,
    STORAGE_CONNECTION__blobServiceUri: azurite.endpoints.blob,
    STORAGE_CONNECTION__credential: "managedidentity",
    STORAGE_CONNECTION__clientId: clientId,
    SERVICEBUS_CONNECTION__fullyQualifiedNamespace: `127.0.0.1:${tlsPort}`,
    SERVICEBUS_CONNECTION__credential: "managedidentity",
    SERVICEBUS_CONNECTION__clientId: clientId,
    TABLE_PREFIX: `mi${randomBytes(3).toString("hex")}`,
  };
}

beforeAll(async () => {
  const cert = ensureDevCert();
  azurite = await startOAuthAzurite(process.cwd(), cert);
  identity = await startManagedIdentityEndpoint({ tenantId: TENANT, userAssigned: [APP_IDENTITY] });
  // What the Functions platform sets in the app's environment; read by ManagedIdentityCredential on first use.
  Object.assign(process.env, identity.env);
  bus = await startServiceBusStandIn({ queues: [{ name: "msgraph-pull", requiresSession: true }] });
  const sockets = new Set<Socket>();
  tlsFront = createTlsServer({ cert: cert.cert, key: cert.key }, (client) => {
    const upstream = connect(bus.port, "127.0.0.1");
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const close = () => (client.destroy(), upstream.destroy());
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
  });
  tlsFront.on("close", () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((resolve) => tlsFront.listen(0, "127.0.0.1", resolve));
  tlsPort = (tlsFront.address() as AddressInfo).port;
  config = loadConfig(identitySettings(APP_IDENTITY));
  deps = await createAppDeps(config);
});

afterAll(async () => {
  await deps?.queues.close();
  tlsFront?.close();
  await bus?.stop();
  await identity?.stop();
  await azurite?.stop();
  for (const [k, v] of Object.entries(savedEnv))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

describe("identity-based connections against Azurite (OAuth) and the Service Bus stand-in (TLS)", () => {
  it("the settings parse to identity endpoints with the user-assigned identity, and no key anywhere", () => {
    expect(config.storageConnection).toEqual({
      tableServiceUri: azurite.endpoints.table,
      blobServiceUri: azurite.endpoints.blob,
      credential: { kind: "managedIdentity", clientId: APP_IDENTITY },
    });
    expect(JSON.stringify(config.storageConnection)).not.toMatch(/AccountKey|SharedAccessKey/);
  });

  it("tables: createAppDeps opened the tables and a Users row round-trips with a bearer token for storage", async () => {
    await deps.users.upsertUser({ userId: "JSMITH", mailbox: "jsmith@contoso.com", emails: true });
    const found = await deps.users.getUser("jsmith");
    expect(found).toMatchObject({ valid: true, user: { userId: "JSMITH", mailbox: "jsmith@contoso.com" } });
    expect(identity.issued()).toContainEqual({ resource: "https://storage.azure.com", clientId: APP_IDENTITY });
    expect(identity.issued().every((r) => r.clientId === APP_IDENTITY)).toBe(true);
  });

  it("blobs: the attachment adapter reads a blob through the identity-based blob endpoint", async () => {
    const container = createBlobServiceClient(config.storageConnection).getContainerClient(config.emailBlobContainer);
    await container.createIfNotExists();
    await container.getBlockBlobClient("orders/po-1.txt").uploadData(Buffer.from("purchase order 1"));
    const info = await deps.blobs.stat({ name: "orders/po-1.txt" });
    expect(info).toMatchObject({ container: config.emailBlobContainer, name: "orders/po-1.txt", size: 16 });
  });

  it("the Rejected store writes through the same identity", async () => {
    const row = await deps.rejected.save({
      queue: "msgraph-push",
      messageId: "m-1",
      sessionId: "JSMITH",
      deliveryCount: 1,
      enqueuedTimeUtc: undefined,
      code: "invalid-message",
      reason: "data.start: expected ISO 8601",
      body: "{}",
      bodyEncoding: "json",
    });
    expect(await deps.rejected.get("msgraph-push", row.id)).toMatchObject({ reason: "data.start: expected ISO 8601" });
  });

  it("Service Bus: the sender reaches the namespace over TLS with a token for Service Bus", async () => {
    await deps.queues.send(
      "msgraph-pull",
      { kind: "RESYNC", user: "JSMITH" },
      { sessionId: "JSMITH", messageId: "r-1" },
    );
    const stored = bus.queue("msgraph-pull").messages();
    expect(stored.map((m) => [m.messageId, m.sessionId])).toEqual([["r-1", "JSMITH"]]);
    // The SDK asks for the scope https://servicebus.azure.net//.default, i.e. the resource with its trailing slash.
    expect(identity.issued()).toContainEqual({ resource: "https://servicebus.azure.net/", clientId: APP_IDENTITY });
  });

  it("Azurite really checks the token: one for another audience is refused (403), so the passes above mean something", async () => {
    const wrongAudience: TokenCredential = {
      getToken: async (): Promise<AccessToken> => ({
        token: accessToken({
          resource: "https://vault.azure.net",
          tenantId: TENANT,
          clientId: APP_IDENTITY,
          now: new Date(),
          lifetime: 3600,
        }),
        expiresOnTimestamp: Date.now() + 3_600_000,
      }),
    };
    const client = createTableClient(
      { ...config.storageConnection, tablePrefix: config.tablePrefix, tokenCredential: wrongAudience },
      "Users",
    );
    const error = await client.getEntity("users", "JSMITH").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestError);
    expect((error as RestError).statusCode).toBe(403);
  });

  it("an identity the app does not have gets no token: the table call fails naming the credential", async () => {
    const other = loadConfig(identitySettings(OTHER_IDENTITY));
    const client = createTableClient(
      { ...other.storageConnection, tablePrefix: other.tablePrefix, retryOptions: { maxRetries: 0 } },
      "Users",
    );
    const error = await client.getEntity("users", "JSMITH").catch((e: unknown) => e);
    expect(String(error)).toMatch(/ManagedIdentityCredential/);
    expect(identity.issued().some((r) => r.clientId === OTHER_IDENTITY)).toBe(false);
  });

  it("a connection-string sender and an identity sender are separate clients (one shared sender per connection)", async () => {
    const viaString = createQueueSender(bus.connectionString);
    await viaString.send("msgraph-pull", { kind: "RESYNC", user: "ADOE" }, { sessionId: "ADOE", messageId: "r-2" });
    await viaString.close();
    expect(
      bus
        .queue("msgraph-pull")
        .messages()
        .map((m) => m.messageId),
    ).toEqual(["r-1", "r-2"]);
  });
});
