// Builds a TableClient (the @azure/data-tables SDK and, for identity-based connections, @azure/identity): kept apart
// from tableClients.ts so that loading a table adapter does not load the SDKs; openTable imports this on first use.
import { TableClient } from "@azure/data-tables";
import { tokenCredentialFor } from "../identity/tokenCredential.js";
import { isLoopbackHttp, tableNameFor, type TableName, type TableStoreOptions } from "./tableClients.js";

/** A TableClient for `${prefix}${name}`, without touching the network. */
export function createTableClient(options: TableStoreOptions, name: TableName): TableClient {
  const table = tableNameFor(name, options.tablePrefix);
  const clientOptions = {
    ...(options.additionalPolicies ? { additionalPolicies: options.additionalPolicies } : {}),
    ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
  };
  if ("connectionString" in options)
    return TableClient.fromConnectionString(options.connectionString, table, {
      ...clientOptions,
      allowInsecureConnection: isLoopbackHttp(options.connectionString),
    });
  // Identity-based: a bearer token from Entra ID; the SDK refuses to send one over plain http, so no insecure option.
  const credential = options.tokenCredential ?? tokenCredentialFor(options.credential);
  return new TableClient(options.tableServiceUri, table, credential, clientOptions);
}
