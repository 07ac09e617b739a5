// Bulk writes for one mailbox through $batch: ≤ 20 per call, writes to the same item chained with dependsOn (and only
// those), each item's status on its own — done, conflict (412, for the conflict rule), throttled or failed.
import { PermanentError, TransientError, type AppError } from "../../domain/errors.js";
import { runBatch, type BatchOptions, type BatchRequest, type BatchResult } from "./batch.js";
import type { GraphHttp, HttpMethod } from "./graphHttp.js";

export interface WriteRequest {
  /** The caller's id for this write (unique within one call), e.g. the ERP change it carries out. */
  id: string;
  method: Extract<HttpMethod, "POST" | "PATCH" | "PUT" | "DELETE">;
  /** Path under the version root, e.g. /users/x/events/AAMk… */
  url: string;
  body?: unknown;
  /** e.g. If-Match for an optimistic update (a stale one comes back as a conflict). */
  headers?: Record<string, string>;
  /**
   * Writes that share a key run in input order (each depends on the one before it); writes with different keys or
   * none run independently. Defaults to none.
   */
  orderKey?: string;
}

export type WriteOutcome =
  | { id: string; kind: "done"; status: number; body: unknown; headers: Record<string, string> }
  /** 412: the item changed since the caller read it (If-Match); the caller applies its conflict rule. */
  | { id: string; kind: "conflict"; status: 412; error: AppError }
  /** Still 429 after the retry bound: nothing happened; retryAfterMs on the error says when to try again. */
  | { id: string; kind: "throttled"; status: 429; error: TransientError }
  /** Any other status, not repeated (a 424 means an earlier write with the same orderKey failed). */
  | { id: string; kind: "failed"; status: number; error: AppError };

export type BatchWriterOptions = BatchOptions;

/** dependsOn from orderKey: each write depends on the previous write with the same key (pure). */
export function chainByOrderKey(requests: readonly WriteRequest[]): BatchRequest[] {
  const ids = new Set<string>();
  const last = new Map<string, string>();
  return requests.map((r, index) => {
    if (!r.id) throw new PermanentError("batch_invalid", `writes[${index}].id is empty`);
    if (ids.has(r.id)) throw new PermanentError("batch_invalid", `writes[${index}].id "${r.id}" is not unique`);
    ids.add(r.id);
    const previous = r.orderKey === undefined ? undefined : last.get(r.orderKey);
    if (r.orderKey !== undefined) last.set(r.orderKey, r.id);
    return {
      id: r.id,
      method: r.method,
      url: r.url,
      ...(r.body !== undefined ? { body: r.body } : {}),
      ...(r.headers ? { headers: r.headers } : {}),
      ...(previous ? { dependsOn: [previous] } : {}),
    };
  });
}

/** One $batch answer item → the caller's outcome (pure). */
export function outcomeOf(result: BatchResult): WriteOutcome {
  const { id, status } = result;
  if (status >= 200 && status < 300) return { id, kind: "done", status, body: result.body, headers: result.headers };
  const error = result.error ?? new TransientError("graph_unknown", `$batch item ${id}: status ${status}`);
  if (status === 412) return { id, kind: "conflict", status, error };
  if (status === 429 && error instanceof TransientError) return { id, kind: "throttled", status, error };
  return { id, kind: "failed", status, error };
}

export class BatchWriter {
  constructor(
    private readonly http: GraphHttp,
    private readonly options: BatchWriterOptions = {},
  ) {}

  /**
   * Carries out `writes` for `mailbox` in as few $batch calls as fit (≤ 20 each, one call in flight per mailbox,
   * holding the permits its items use). A 429 item is re-sent after its own Retry-After (with the writes chained
   * after it); every other item is answered once. Outcomes come back in input order.
   */
  async write(mailbox: string, writes: readonly WriteRequest[]): Promise<WriteOutcome[]> {
    if (writes.length === 0) return [];
    const results = await runBatch(this.http, mailbox, chainByOrderKey(writes), this.options);
    return results.map(outcomeOf);
  }
}
