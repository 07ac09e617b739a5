// Graph subscriptions per user × resource kind, plus an index row so the webhook finds one by subscription id in ONE point read.
import type { TableClient, TableEntityResult } from "@azure/data-tables";
import { PermanentError } from "../../domain/errors.js";
import { checkKeyLength, encodeKeyPart, MAX_KEY_LENGTH, normalizeUserId } from "./keys.js";
import { openTable, type TableStoreOptions } from "./tableClients.js";
import { isNotFound, readEntity, retryOnConflict, updateWithEtag, type EtagRetryOptions } from "./updateWithEtag.js";

export type ResourceKind = "events" | "todoTasks";
export const RESOURCE_KINDS: readonly ResourceKind[] = ["events", "todoTasks"];

/** Partition of the index rows (RK = subscription id). Has lower-case letters, so no ERP user id can collide. */
export const BY_SUBSCRIPTION_ID = "bySubscriptionId";

export interface SubscriptionRecord {
  user: string;
  kind: ResourceKind;
  subscriptionId: string;
  /** Secret: the clientState Graph echoes in every notification. Never log it. */
  clientState: string;
  /** ISO 8601 */
  expiresAt: string;
  /** The Graph resource path subscribed to, e.g. /users/{id}/events or /users/{id}/todo/lists/{listId}/tasks */
  resource: string;
  deltaUrl?: string;
  /** To Do list id (todoTasks only). */
  listId?: string;
  windowStart?: string;
  windowEnd?: string;
  lastSyncAt?: string;
}

export interface StoredSubscription extends SubscriptionRecord {
  etag: string;
}

/** What the webhook needs, from one point read. */
export interface SubscriptionIndexEntry {
  subscriptionId: string;
  user: string;
  kind: ResourceKind;
  clientState: string;
  expiresAt: string;
}

type MainRow = Omit<SubscriptionRecord, "user" | "kind">;
type IndexRow = Omit<SubscriptionIndexEntry, "subscriptionId">;

const OPTIONAL = ["deltaUrl", "listId", "windowStart", "windowEnd", "lastSyncAt"] as const;

function checkKind(kind: string): ResourceKind {
  if (kind !== "events" && kind !== "todoTasks")
    throw new PermanentError(
      "invalid_resource_kind",
      `resource kind must be "events" or "todoTasks", got ${JSON.stringify(kind)}`,
    );
  return kind;
}

const indexKey = (subscriptionId: string) => checkKeyLength(encodeKeyPart(subscriptionId), "subscription id");

function toMainRow(r: SubscriptionRecord): MainRow {
  const row: MainRow = {
    subscriptionId: r.subscriptionId,
    clientState: r.clientState,
    expiresAt: r.expiresAt,
    resource: r.resource,
  };
  for (const k of OPTIONAL) if (r[k] !== undefined) row[k] = r[k];
  return row;
}

function fromMainRow(e: TableEntityResult<Record<string, unknown>>): StoredSubscription {
  const s = (k: string) => (typeof e[k] === "string" && e[k] !== "" ? (e[k] as string) : undefined);
  const rec: StoredSubscription = {
    user: e.partitionKey ?? "",
    kind: checkKind(e.rowKey ?? ""),
    subscriptionId: s("subscriptionId") ?? "",
    clientState: s("clientState") ?? "",
    expiresAt: s("expiresAt") ?? "",
    resource: s("resource") ?? "",
    etag: e.etag,
  };
  for (const k of OPTIONAL) {
    const v = s(k);
    if (v !== undefined) rec[k] = v;
  }
  return rec;
}

export class SubscriptionsTable {
  constructor(
    readonly client: TableClient,
    private readonly retry: EtagRetryOptions = {},
  ) {}

  static async open(options: TableStoreOptions, retry?: EtagRetryOptions): Promise<SubscriptionsTable> {
    return new SubscriptionsTable(await openTable(options, "Subscriptions"), retry);
  }

  /** The webhook hot path: exactly one point read (GET of the index row). */
  async getBySubscriptionId(subscriptionId: string): Promise<SubscriptionIndexEntry | undefined> {
    const rowKey = encodeKeyPart(subscriptionId);
    if (!subscriptionId || rowKey.length > MAX_KEY_LENGTH) return undefined; // cannot exist; no request needed
    const row = await readEntity<IndexRow>(this.client, BY_SUBSCRIPTION_ID, rowKey);
    if (!row) return undefined;
    return {
      subscriptionId,
      user: row.user,
      kind: checkKind(row.kind),
      clientState: row.clientState,
      expiresAt: row.expiresAt,
    };
  }

  async get(user: string, kind: ResourceKind): Promise<StoredSubscription | undefined> {
    const row = await readEntity<Record<string, unknown>>(this.client, normalizeUserId(user), checkKind(kind));
    return row ? fromMainRow(row) : undefined;
  }

  /**
   * Creates or replaces the record for (user, kind). With `etag` the write only succeeds if the row is unchanged since
   * it was read (else TransientError "etag_conflict"); without, it retries on races. The index row for the new
   * subscription id is written first; the previous subscription's index row is removed after the main row.
   */
  async save(record: SubscriptionRecord, etag?: string): Promise<StoredSubscription> {
    const user = normalizeUserId(record.user);
    const kind = checkKind(record.kind);
    if (!record.subscriptionId) throw new PermanentError("invalid_subscription", "subscriptionId is required");
    let previousId: string | undefined;
    const result = await updateWithEtag<MainRow>(
      this.client,
      user,
      kind,
      async (current) => {
        if (etag !== undefined && current?.etag !== etag)
          throw Object.assign(new Error("ETag mismatch"), { statusCode: 412 });
        previousId = current?.subscriptionId;
        if (
          current?.subscriptionId !== record.subscriptionId ||
          current.clientState !== record.clientState ||
          current.expiresAt !== record.expiresAt
        )
          await this.writeIndex(record.subscriptionId, {
            user,
            kind,
            clientState: record.clientState,
            expiresAt: record.expiresAt,
          });
        return toMainRow(record);
      },
      { ...this.retry, mode: "Replace", ...(etag !== undefined ? { maxAttempts: 1 } : {}) },
    );
    if (previousId && previousId !== record.subscriptionId) await this.removeIndex(previousId, user, kind);
    return { ...record, user, kind, etag: result.etag ?? "" };
  }

  /** Saves the delta cursor (Merge, ETag-checked). With `etag`: one attempt, conflict → etag_conflict. */
  async saveDeltaUrl(
    user: string,
    kind: ResourceKind,
    deltaUrl: string,
    options: { etag?: string; lastSyncAt?: string } = {},
  ): Promise<string> {
    const pk = normalizeUserId(user);
    const result = await updateWithEtag<Partial<MainRow>>(
      this.client,
      pk,
      checkKind(kind),
      (current) => {
        if (!current) throw new PermanentError("subscription_not_found", `No subscription record for ${pk}/${kind}`);
        if (options.etag !== undefined && current.etag !== options.etag)
          throw Object.assign(new Error("ETag mismatch"), { statusCode: 412 });
        return { deltaUrl, lastSyncAt: options.lastSyncAt ?? new Date().toISOString() };
      },
      { ...this.retry, mode: "Merge", ...(options.etag !== undefined ? { maxAttempts: 1 } : {}) },
    );
    return result.etag ?? "";
  }

  /** Removes the record and its index row; returns the removed record (undefined if there was none). */
  async remove(user: string, kind: ResourceKind): Promise<StoredSubscription | undefined> {
    const pk = normalizeUserId(user);
    const rk = checkKind(kind);
    const removed = await retryOnConflict(
      `${this.client.tableName} ${JSON.stringify(pk)}/${JSON.stringify(rk)}`,
      async () => {
        const row = await readEntity<Record<string, unknown>>(this.client, pk, rk);
        if (!row) return undefined;
        await this.client.deleteEntity(pk, rk, { etag: row.etag });
        return fromMainRow(row);
      },
      this.retry,
      (e) => (e as { statusCode?: number }).statusCode === 412,
    );
    if (removed?.subscriptionId) await this.removeIndex(removed.subscriptionId, pk, rk);
    return removed;
  }

  /** Every subscription record (index rows excluded). */
  async listAll(): Promise<StoredSubscription[]> {
    const out: StoredSubscription[] = [];
    const rows = this.client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey ne '${BY_SUBSCRIPTION_ID}'` },
    });
    for await (const row of rows) out.push(fromMainRow(row));
    return out;
  }

  /**
   * Deletes index rows whose main row no longer carries that subscription id (left by a crash between writes).
   * Rows younger than `minAgeMs` are skipped: a save may be between its index write and its main-row write.
   */
  async pruneIndex(minAgeMs = 10 * 60_000): Promise<number> {
    let pruned = 0;
    const cutoff = Date.now() - minAgeMs;
    const rows = this.client.listEntities<IndexRow>({
      queryOptions: { filter: `PartitionKey eq '${BY_SUBSCRIPTION_ID}'` },
    });
    for await (const row of rows) {
      if (row.timestamp && Date.parse(row.timestamp) > cutoff) continue;
      const main = await readEntity<MainRow>(this.client, row.user, row.kind);
      if (main && indexKey(main.subscriptionId) === row.rowKey) continue;
      await this.client.deleteEntity(BY_SUBSCRIPTION_ID, row.rowKey ?? "", { etag: row.etag }).catch((e: unknown) => {
        if (!isNotFound(e) && (e as { statusCode?: number }).statusCode !== 412) throw e;
      });
      pruned++;
    }
    return pruned;
  }

  private async writeIndex(subscriptionId: string, row: IndexRow): Promise<void> {
    await this.client.upsertEntity(
      { partitionKey: BY_SUBSCRIPTION_ID, rowKey: indexKey(subscriptionId), ...row },
      "Replace",
    );
  }

  /** Deletes an index row only if it still points at (user, kind). */
  private async removeIndex(subscriptionId: string, user: string, kind: ResourceKind): Promise<void> {
    const rk = indexKey(subscriptionId);
    const row = await readEntity<IndexRow>(this.client, BY_SUBSCRIPTION_ID, rk);
    if (!row || row.user !== user || row.kind !== kind) return;
    try {
      await this.client.deleteEntity(BY_SUBSCRIPTION_ID, rk, { etag: row.etag });
    } catch (e) {
      if (!isNotFound(e) && (e as { statusCode?: number }).statusCode !== 412) throw e;
    }
  }
}
