// Creates the BlobServiceClient for STORAGE_CONNECTION in either form: connection string or identity-based endpoint.
import { BlobServiceClient } from "@azure/storage-blob";
import type { TokenCredential } from "@azure/identity";
import type { StorageConnection } from "../../config/config.js";
import { tokenCredentialFor } from "../identity/tokenCredential.js";

/** `tokenCredential` replaces the credential the settings choose (tests: a token source standing in for Entra). */
export function createBlobServiceClient(
  connection: StorageConnection,
  options: { tokenCredential?: TokenCredential } = {},
): BlobServiceClient {
  if ("connectionString" in connection) return BlobServiceClient.fromConnectionString(connection.connectionString);
  return new BlobServiceClient(
    connection.blobServiceUri,
    options.tokenCredential ?? tokenCredentialFor(connection.credential),
  );
}
