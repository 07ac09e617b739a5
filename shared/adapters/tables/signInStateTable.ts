// The SignInState table: one row per started sign-in (PKCE verifier, ERP user, expiry), taken exactly once.
import type { TableClient } from "@azure/data-tables";
import { openTable, type TableStoreOptions } from "./tableClients.js";
import { isConcurrencyConflict, isNotFound, readEntity } from "./updateWithEtag.js";

const PARTITION = "signin";

export interface PendingSignIn {
  user: string;
  codeVerifier: string;
  expiresAt: Date;
}

interface Row {
  [key: string]: unknown;
  user: string;
  codeVerifier: string;
  expiresAt: string;
}

export class SignInStateTable {
  constructor(readonly client: TableClient) {}

  static async open(options: TableStoreOptions): Promise<SignInStateTable> {
    return new SignInStateTable(await openTable(options, "SignInState"));
  }

  async put(id: string, pending: PendingSignIn): Promise<void> {
    await this.client.createEntity<Row>({
      partitionKey: PARTITION,
      rowKey: id,
      user: pending.user,
      codeVerifier: pending.codeVerifier,
      expiresAt: pending.expiresAt.toISOString(),
    });
  }

  /**
   * Reads and deletes the row (If-Match its ETag): of two callbacks with the same state only one gets it; a replay
   * (row gone) or a lost race → undefined.
   */
  async take(id: string): Promise<PendingSignIn | undefined> {
    const row = await readEntity<Row>(this.client, PARTITION, id);
    if (!row) return undefined;
    try {
      await this.client.deleteEntity(PARTITION, id, { etag: row.etag });
    } catch (error) {
      if (isNotFound(error) || isConcurrencyConflict(error)) return undefined;
      throw error;
    }
    return {
      user: String(row.user),
      codeVerifier: String(row.codeVerifier),
      expiresAt: new Date(String(row.expiresAt)),
    };
  }
}
