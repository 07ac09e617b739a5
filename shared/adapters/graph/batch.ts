// JSON $batch helper: ≤ 20 requests per call (dependency chains kept together), results in input order,
// throttled items re-sent after their own Retry-After within a bound, the mailbox's permits held for the items.
import { PermanentError, type AppError } from "../../domain/errors.js";
import type { GraphHttp, HttpMethod } from "./graphHttp.js";
import { headerValue } from "./headers.js";
import { KeyedSemaphore } from "./keyedSemaphore.js";
import { mapGraphHttpFailure } from "./mapGraphError.js";
import { parseGraph } from "./parseGraph.js";
import { parseRetryAfter } from "./retryAfter.js";
import { RETRY_THROTTLED_ONLY, sleep as realSleep, type Sleep } from "./retryAfterHandler.js";
import { batchResponseSchema } from "./schemas.js";

/** Graph's documented maximum number of requests in one $batch. */
export const MAX_BATCH_SIZE = 20;

export interface BatchRequest {
  /** Unique within the call; defaults to the 1-based input position. */
  id?: string;
  method: HttpMethod;
  /** Path under the version root, e.g. /users/x/events. */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Ids of requests in this call that must succeed first. */
  dependsOn?: string[];
}

export interface BatchResult {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** The mapped error for a non-2xx item (a throttled item still throttled after the bound is a TransientError). */
  error?: AppError;
}

export interface BatchOptions {
  /** Rounds of re-sending throttled items (default 3). */
  maxRetryRounds?: number;
  /** Longest wait for throttled items (default 30 s); beyond it they are returned as TransientError. */
  maxWaitMs?: number;
  /** Wait when a throttled item names no Retry-After (default 1 s, doubling). */
  defaultDelayMs?: number;
  sleep?: Sleep;
}

interface Prepared extends BatchRequest {
  id: string;
  index: number;
}

/**
 * Only a 429 item is re-sent: Graph throttled it before acting on it. A 503 (or any other failure) may come after
 * Graph acted, so it is returned as it is, never repeated blindly.
 */
const THROTTLED = new Set([429]);

/** Graph dispatches up to 4 items of one $batch to Outlook at once (its per-mailbox concurrency). */
const ITEMS_IN_PARALLEL = 4;

/** Per limiter: one $batch per mailbox collects its extra permits at a time, so two batches never deadlock. */
const batchGates = new WeakMap<KeyedSemaphore, KeyedSemaphore>();

/**
 * Runs `send` (one $batch POST, which takes one permit itself in the client's middleware) while holding the permits
 * its items will use in Graph beyond that one: min(items, 4) in all, so the mailbox's limit counts what Graph runs.
 */
async function withItemPermits<T>(http: GraphHttp, mailbox: string, items: number, send: () => Promise<T>): Promise<T> {
  const limiter = http.limiter;
  let gate = batchGates.get(limiter);
  if (!gate) {
    gate = new KeyedSemaphore(1);
    batchGates.set(limiter, gate);
  }
  const extra = Math.max(0, Math.min(items, ITEMS_IN_PARALLEL, limiter.limit) - 1);
  return gate.run(mailbox, async () => {
    const releases: (() => void)[] = [];
    try {
      for (let i = 0; i < extra; i++) releases.push(await limiter.acquire(mailbox));
      return await send();
    } finally {
      for (const release of releases) release();
    }
  });
}

function prepare(requests: BatchRequest[]): Prepared[] {
  const prepared = requests.map((r, index) => ({ ...r, id: r.id ?? String(index + 1), index }));
  const ids = new Set<string>();
  for (const r of prepared) {
    if (ids.has(r.id)) throw new PermanentError("batch_invalid", `requests[${r.index}].id "${r.id}" is not unique`);
    ids.add(r.id);
  }
  for (const r of prepared) {
    for (const dep of r.dependsOn ?? []) {
      if (!ids.has(dep)) {
        throw new PermanentError("batch_invalid", `requests[${r.index}].dependsOn names unknown id "${dep}"`);
      }
    }
  }
  return prepared;
}

/** Splits into chunks of ≤ max, keeping every dependsOn-connected group in one chunk, in input order. */
export function chunkForBatch<T extends { id: string; dependsOn?: string[] }>(items: T[], max = MAX_BATCH_SIZE): T[][] {
  const parent = new Map<string, string>(items.map((i) => [i.id, i.id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(id, root);
    return root;
  };
  for (const item of items) {
    for (const dep of item.dependsOn ?? []) if (parent.has(dep)) parent.set(find(item.id), find(dep));
  }
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const root = find(item.id);
    const group = groups.get(root) ?? [];
    group.push(item);
    groups.set(root, group);
  }
  const chunks: T[][] = [];
  let current: T[] = [];
  for (const group of groups.values()) {
    if (group.length > max) {
      throw new PermanentError("batch_invalid", `a dependsOn chain of ${group.length} requests exceeds ${max}`);
    }
    if (current.length + group.length > max) {
      chunks.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length) chunks.push(current);
  return chunks;
}

async function sendChunk(http: GraphHttp, mailbox: string, chunk: Prepared[], results: Map<string, BatchResult>) {
  const inChunk = new Set(chunk.map((r) => r.id));
  const requests = chunk.map((r) => {
    const headers = { ...r.headers };
    if (r.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
      headers["Content-Type"] = "application/json";
    }
    const dependsOn = (r.dependsOn ?? []).filter((d) => inChunk.has(d));
    return {
      id: r.id,
      method: r.method,
      url: http.toPath(r.url),
      ...(r.body !== undefined ? { body: r.body } : {}),
      ...(Object.keys(headers).length ? { headers } : {}),
      ...(dependsOn.length ? { dependsOn } : {}),
    };
  });
  // The $batch POST itself is re-sent on a 429 only (nothing ran); a 503 may come after some items ran.
  const response = await withItemPermits(http, mailbox, chunk.length, () =>
    http.send(mailbox, { method: "POST", path: "/$batch", body: { requests }, retry: RETRY_THROTTLED_ONLY }),
  );
  const parsed = parseGraph(batchResponseSchema, response.body, "$batch response");
  for (const item of parsed.responses) {
    if (inChunk.has(item.id)) {
      results.set(item.id, { id: item.id, status: item.status, headers: item.headers ?? {}, body: item.body });
    }
  }
  for (const r of chunk) {
    if (!results.has(r.id)) {
      results.set(r.id, { id: r.id, status: 503, headers: {}, body: undefined });
    }
  }
}

/**
 * Runs `requests` as JSON batches for one mailbox, one batch at a time. Results come back in input order. Items
 * answered 429 (and their 424 dependents) are re-sent after the largest Retry-After among them, up to
 * `maxRetryRounds` times; every other status is returned as it is.
 */
export async function runBatch(
  http: GraphHttp,
  mailbox: string,
  requests: BatchRequest[],
  options: BatchOptions = {},
): Promise<BatchResult[]> {
  const maxRounds = options.maxRetryRounds ?? 3;
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  const defaultDelayMs = options.defaultDelayMs ?? 1_000;
  const wait = options.sleep ?? realSleep;
  const all = prepare(requests);
  const results = new Map<string, BatchResult>();
  let pending = all;
  for (let round = 0; ; round++) {
    for (const chunk of chunkForBatch(pending)) await sendChunk(http, mailbox, chunk, results);
    const throttled = new Set(pending.filter((r) => THROTTLED.has(results.get(r.id)?.status ?? 0)).map((r) => r.id));
    if (throttled.size === 0) break;
    // Dependents that failed only because a throttled request did not run go again too.
    let grew = true;
    while (grew) {
      grew = false;
      for (const r of pending) {
        if (throttled.has(r.id) || results.get(r.id)?.status !== 424) continue;
        if ((r.dependsOn ?? []).some((d) => throttled.has(d))) {
          throttled.add(r.id);
          grew = true;
        }
      }
    }
    const hints = [...throttled].map((id) => parseRetryAfter(headerValue(results.get(id)?.headers, "Retry-After")));
    const delay = Math.max(...hints.map((h) => h ?? defaultDelayMs * 2 ** round));
    if (round >= maxRounds || delay > maxWaitMs) break;
    await wait(delay);
    pending = all.filter((r) => throttled.has(r.id));
  }
  return all.map((r) => {
    const result = results.get(r.id) as BatchResult;
    if (result.status >= 200 && result.status < 300) return result;
    return {
      ...result,
      error: mapGraphHttpFailure({ status: result.status, headers: result.headers, body: result.body }),
    };
  });
}
