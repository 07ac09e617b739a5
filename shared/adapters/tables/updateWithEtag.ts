// Optimistic concurrency for Table Storage: read → modify → write with If-Match; on 412/409 re-read and retry, bounded.
import type { TableClient, TableEntity, TableEntityResult } from "@azure/data-tables";
import { TransientError } from "../../domain/errors.js";

type Props = Record<string, unknown>;

export interface EtagRetryOptions {
  /** Attempts in all (first try included). Default 5. */
  maxAttempts?: number;
  /** Base of the jittered backoff between attempts, in ms. Default 20 (→ ~20, 40, 80… ms, each × 0.5..1.5). */
  backoffMs?: number;
}

export interface UpdateWithEtagOptions<T extends Props> extends EtagRetryOptions {
  /** "Replace" writes exactly what modify returns; "Merge" only touches the properties it returns. Default "Replace". */
  mode?: "Replace" | "Merge";
  /** An entity the caller has already read, used for the first attempt instead of reading again. */
  initial?: TableEntityResult<T>;
}

/** What modify decides: the properties to write, or `undefined` to leave the row as it is (no write). */
export type Modify<T extends Props> = (
  current: TableEntityResult<T> | undefined,
  attempt: number,
) => Promise<T | undefined> | T | undefined;

export interface UpdateResult<T extends Props> {
  /** The properties written (or the current ones when modify returned undefined; undefined when there is no row). */
  entity: T | undefined;
  /** The row's ETag after the operation (undefined when there is no row). */
  etag: string | undefined;
  written: boolean;
  attempts: number;
}

interface RestLike {
  statusCode?: number;
  code?: string;
}

const statusOf = (e: unknown): number | undefined => (e as RestLike | undefined)?.statusCode;

/** 412 (If-Match failed), 409 (create raced an insert) and 404 (row deleted between read and update) are races. */
export function isConcurrencyConflict(e: unknown): boolean {
  const s = statusOf(e);
  return s === 412 || s === 409 || s === 404;
}

export function isNotFound(e: unknown): boolean {
  return statusOf(e) === 404;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Reads an entity; undefined on 404. */
export async function readEntity<T extends Props>(
  client: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<TableEntityResult<T> | undefined> {
  try {
    return await client.getEntity<T>(partitionKey, rowKey);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * Runs `attempt` until it succeeds, retrying on concurrency conflicts with jittered backoff; after the last attempt
 * throws TransientError("etag_conflict") naming `what`. Other errors propagate at once.
 */
export async function retryOnConflict<R>(
  what: string,
  attempt: (n: number) => Promise<R>,
  options: EtagRetryOptions = {},
  isConflict: (e: unknown) => boolean = isConcurrencyConflict,
): Promise<R> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const base = options.backoffMs ?? 20;
  let last: unknown;
  for (let n = 1; n <= maxAttempts; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (!isConflict(e)) throw e;
      last = e;
      if (n < maxAttempts) await sleep(base * 2 ** (n - 1) * (0.5 + Math.random()));
    }
  }
  throw new TransientError(
    "etag_conflict",
    `${what}: concurrent updates kept changing the row (ETag mismatch ${maxAttempts} time${maxAttempts === 1 ? "" : "s"}); try again`,
    { cause: last },
  );
}

/**
 * Read → modify → write guarded by the row's ETag. An existing row is updated with If-Match (mode Replace or Merge);
 * a missing row is created (fails with 409 if someone else created it meanwhile). On a conflict the row is re-read and
 * modify runs again, up to maxAttempts; then TransientError "etag_conflict" naming the table and keys is thrown.
 */
export async function updateWithEtag<T extends Props>(
  client: TableClient,
  partitionKey: string,
  rowKey: string,
  modify: Modify<T>,
  options: UpdateWithEtagOptions<T> = {},
): Promise<UpdateResult<T>> {
  const mode = options.mode ?? "Replace";
  return retryOnConflict(
    `${client.tableName} ${JSON.stringify(partitionKey)}/${JSON.stringify(rowKey)}`,
    async (n) => {
      const current = n === 1 && options.initial ? options.initial : await readEntity<T>(client, partitionKey, rowKey);
      const next = await modify(current, n);
      if (next === undefined) {
        return { entity: current ? stripSystem(current) : undefined, etag: current?.etag, written: false, attempts: n };
      }
      const entity = { ...next, partitionKey, rowKey } as TableEntity<T>;
      const response = current
        ? await client.updateEntity(entity, mode, { etag: current.etag })
        : await client.createEntity(entity);
      return { entity: next, etag: response.etag, written: true, attempts: n };
    },
    options,
  );
}

/** Drops the service's bookkeeping properties (partitionKey, rowKey, etag, timestamp, odata.*) from an entity. */
export function stripSystem<T extends Props>(entity: TableEntityResult<T>): T {
  const out: Props = {};
  for (const [k, v] of Object.entries(entity)) {
    if (k === "partitionKey" || k === "rowKey" || k === "etag" || k === "timestamp" || k.startsWith("odata.")) continue;
    out[k] = v;
  }
  return out as T;
}
