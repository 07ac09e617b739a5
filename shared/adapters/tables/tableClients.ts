// Opens the project's tables (`${prefix}${Name}`), creating each table once per process if missing; the SDK loads on first use.
import type { TableClient, TableServiceClientOptions } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";
import type { StorageConnection } from "../../config/config.js";

export type KnownTable = "Users" | "Subscriptions" | "Links" | "ActionTypes" | "TokenCache";
/** A known table, or another alphanumeric logical name (other adapters may keep their own tables). */
export type TableName = KnownTable | (string & {});

/**
 * Where the tables are: `{ connectionString }` (account key, SAS, or UseDevelopmentStorage=true) or the identity-based
 * `{ tableServiceUri, credential }` (STORAGE_CONNECTION__accountName / __tableServiceUri), plus the options below.
 */
export type TableStoreOptions = StorageConnection & TableClientOptions;

export interface TableClientOptions {
  /** Prepended to every table name, e.g. "dev" → "devUsers". Letters and digits only. */
  tablePrefix?: string;
  /** Extra pipeline policies (e.g. a request counter in tests). */
  additionalPolicies?: TableServiceClientOptions["additionalPolicies"];
  /** Retry options for transient HTTP failures (the SDK's defaults otherwise). */
  retryOptions?: TableServiceClientOptions["retryOptions"];
  /** Replaces the credential the settings choose (tests: a token source standing in for Entra). */
  tokenCredential?: TokenCredential;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** True when the connection string's table endpoint is plain http on a loopback host (Azurite). */
export function isLoopbackHttp(connectionString: string): boolean {
  if (/usedevelopmentstorage\s*=\s*true/i.test(connectionString)) return true;
  const m = /(?:^|;)\s*TableEndpoint\s*=\s*([^;]+)/i.exec(connectionString);
  if (!m) return false;
  try {
    const u = new URL(m[1]!.trim());
    return u.protocol === "http:" && LOOPBACK.has(u.hostname);
  } catch {
    return false;
  }
}

/** The physical table name for a logical one. */
export function tableNameFor(name: TableName, prefix = ""): string {
  return `${prefix}${name}`;
}

const created = new Map<string, Promise<void>>();

/** A TableClient whose table is known to exist (createTable is called once per process per table; it ignores 409). */
export async function openTable(options: TableStoreOptions, name: TableName): Promise<TableClient> {
  const { createTableClient } = await import("./createTableClient.js");
  const client = createTableClient(options, name);
  const key = `${client.url}|${client.tableName}`;
  let pending = created.get(key);
  if (!pending) {
    pending = client.createTable();
    created.set(key, pending);
    pending.catch(() => created.delete(key));
  }
  await pending;
  return client;
}
