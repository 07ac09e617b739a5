// The TokenCache table: one row per signed-in mailbox holding its MSAL cache, AES-GCM encrypted, with the key id.
import type { TableClient } from "@azure/data-tables";
import { SignInRequiredError } from "../../domain/errors.js";
import { decryptTokenCache, encryptTokenCache } from "../auth/tokenCacheCrypto.js";
import type { TokenCacheKeys } from "../../config/config.js";
import { encodeKeyPart } from "./keys.js";
import { openTable, type TableStoreOptions } from "./tableClients.js";
import { isNotFound, readEntity } from "./updateWithEtag.js";

export const TOKEN_CACHE_ROW = "msal";

interface CacheRow {
  [key: string]: unknown;
  /** "v1.<base64 iv|tag|ciphertext>" (tokenCacheCrypto); never the plain cache. */
  cache: string;
  keyId: string;
  updatedAt: string;
}

/** PartitionKey = the mailbox (lower-case, key-encoded), RowKey "msal". The owner is bound into the ciphertext. */
export class TokenCacheTable {
  constructor(
    readonly client: TableClient,
    private readonly keys: TokenCacheKeys,
    private readonly now: () => Date = () => new Date(),
  ) {}

  static async open(options: TableStoreOptions, keys: TokenCacheKeys, now?: () => Date): Promise<TokenCacheTable> {
    return new TokenCacheTable(await openTable(options, "TokenCache"), keys, now);
  }

  static partitionOf(owner: string): string {
    return encodeKeyPart(owner.toLowerCase());
  }

  /** The decrypted MSAL cache of `owner`; undefined when never signed in. An unreadable row → SignInRequiredError. */
  async load(owner: string): Promise<string | undefined> {
    const row = await readEntity<CacheRow>(this.client, TokenCacheTable.partitionOf(owner), TOKEN_CACHE_ROW);
    if (!row) return undefined;
    const key = this.keys.keys.get(String(row.keyId));
    if (!key)
      throw new SignInRequiredError(
        "token_cache_unreadable",
        `the stored token cache of ${owner} was encrypted with key id "${String(row.keyId)}", which is not in TOKEN_CACHE_KEYS; sign in again`,
      );
    try {
      return decryptTokenCache(String(row.cache), key, owner);
    } catch (error) {
      throw new SignInRequiredError(
        "token_cache_unreadable",
        `the stored token cache of ${owner} cannot be decrypted; sign in again`,
        { cause: error },
      );
    }
  }

  /** Encrypts under the active key (a row written under an older key is re-encrypted on its next write). */
  async save(owner: string, plaintext: string): Promise<void> {
    const key = this.keys.keys.get(this.keys.activeId);
    if (!key)
      throw new SignInRequiredError("auth_config", `TOKEN_CACHE_ACTIVE_KEY_ID "${this.keys.activeId}" has no key`);
    await this.client.upsertEntity(
      {
        partitionKey: TokenCacheTable.partitionOf(owner),
        rowKey: TOKEN_CACHE_ROW,
        cache: encryptTokenCache(plaintext, key, owner),
        keyId: this.keys.activeId,
        updatedAt: this.now().toISOString(),
      },
      "Replace",
    );
  }

  async remove(owner: string): Promise<void> {
    try {
      await this.client.deleteEntity(TokenCacheTable.partitionOf(owner), TOKEN_CACHE_ROW);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
