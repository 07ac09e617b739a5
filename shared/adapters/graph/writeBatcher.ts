// Per-invocation Graph write batcher (DataLoader-like, no timers): the writes of concurrently running handlers are
// queued and sent as one $batch once every running handler waits on a write (or 20 are queued); a lone write goes direct.
import { MAX_BATCH_SIZE } from "./batch.js";
import { BatchWriter, type BatchWriterOptions, type WriteOutcome, type WriteRequest } from "./batchWriter.js";
import { GraphGateway } from "./graphGateway.js";
import type { GraphHttp, GraphRequestSpec, GraphResponse } from "./graphHttp.js";

/** What the flush rule looks at (pure). */
export interface FlushState {
  /** Writes queued, not sent yet. */
  queued: number;
  /** Writes sent and not answered yet (their handlers wait too). */
  inFlight: number;
  /** Handlers running inside `run` (each waits on at most one write at a time). */
  running: number;
  /** Most writes in one $batch. */
  max: number;
}

/**
 * How many queued writes to send now (0: wait). A full batch goes at once; otherwise the queue goes when no running
 * handler could add a write to it any more: every one of them waits on a write (queued or in flight).
 */
export function writesToFlush(s: FlushState): number {
  if (s.queued === 0) return 0;
  if (s.queued >= s.max) return s.max;
  return s.queued + s.inFlight >= s.running ? s.queued : 0;
}

const WRITE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);

interface Queued {
  mailbox: string;
  spec: GraphRequestSpec & { method: WriteRequest["method"] };
  resolve: (response: GraphResponse) => void;
  reject: (error: unknown) => void;
}

/** The answer a direct call would have given for a $batch item: the response, or the same mapped error thrown. */
export function responseOf(outcome: WriteOutcome): GraphResponse {
  if (outcome.kind !== "done") throw outcome.error;
  return { status: outcome.status, headers: new Headers(outcome.headers), body: outcome.body };
}

/** Writes with a URL (an existing item) are ordered per item; creates need no order among themselves. */
export function writeRequestsOf(items: readonly Pick<Queued, "spec">[]): WriteRequest[] {
  return items.map(({ spec }, i) => ({
    id: String(i + 1),
    method: spec.method,
    url: spec.path,
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    ...(spec.headers ? { headers: spec.headers } : {}),
    ...(spec.method === "POST" ? {} : { orderKey: spec.path }),
  }));
}

/**
 * `read` once per batch invocation for `key` when there is a batcher (every handler of the batch shares the answer),
 * else once per call.
 */
export function readOnce<T>(writes: WriteBatcher | undefined, key: string, read: () => Promise<T>): Promise<T> {
  return writes ? writes.once(key, read) : read();
}

export class WriteBatcher {
  private running = 0;
  private inFlight = 0;
  private queue: Queued[] = [];
  private readonly max: number;
  private readonly writer: BatchWriter;
  private batched: GraphGateway | undefined;
  private readonly shared = new Map<string, Promise<unknown>>();
  /** $batch calls sent and writes they carried (for logs and tests). */
  readonly stats = { batches: 0, batchedWrites: 0, directWrites: 0 };

  constructor(
    private readonly http: GraphHttp,
    options: BatchWriterOptions & { maxBatch?: number } = {},
  ) {
    const { maxBatch, ...writerOptions } = options;
    this.max = Math.min(maxBatch ?? MAX_BATCH_SIZE, MAX_BATCH_SIZE);
    this.writer = new BatchWriter(http, writerOptions);
  }

  /**
   * Runs handlers (or chains of them) side by side as participants: all are counted before the first starts, so no
   * write leaves alone while the others have not reached theirs; while one runs, a flush waits for its next write.
   */
  runAll<T>(tasks: readonly (() => Promise<T>)[]): Promise<T[]> {
    this.running += tasks.length;
    return Promise.all(
      tasks.map(async (task) => {
        try {
          return await task();
        } finally {
          this.running--;
          this.check();
        }
      }),
    );
  }

  /**
   * The Graph gateway whose writes (POST, PATCH, PUT, DELETE) go through this batcher; reads and every parse and
   * error mapping are the gateway's own, so a batched write returns or throws exactly what the direct call would.
   */
  gateway(): GraphGateway {
    if (!this.batched) {
      // A view of the client whose send is ours: the limiter, token, toPath and the client's state stay shared.
      const view = Object.create(this.http) as GraphHttp;
      Object.defineProperty(view, "send", {
        value: (mailbox: string, spec: GraphRequestSpec) => this.send(mailbox, spec),
      });
      this.batched = new GraphGateway(view);
    }
    return this.batched;
  }

  /**
   * One read for the whole invocation of what every handler of the batch asks alike (the mailbox's zone, the task
   * list): the first caller runs `read`, the others share its answer; a failed read is not kept.
   */
  once<T>(key: string, read: () => Promise<T>): Promise<T> {
    const known = this.shared.get(key) as Promise<T> | undefined;
    if (known) return known;
    const p = read();
    this.shared.set(key, p);
    p.catch(() => this.shared.delete(key));
    return p;
  }

  /** A write is queued for the next flush; anything else is sent at once. */
  send(mailbox: string, spec: GraphRequestSpec): Promise<GraphResponse> {
    if (!WRITE_METHODS.has(spec.method)) return this.http.send(mailbox, spec);
    return new Promise<GraphResponse>((resolve, reject) => {
      this.queue.push({ mailbox, spec: spec as Queued["spec"], resolve, reject });
      this.check();
    });
  }

  private check(): void {
    for (;;) {
      const n = writesToFlush({
        queued: this.queue.length,
        inFlight: this.inFlight,
        running: this.running,
        max: this.max,
      });
      if (n === 0) return;
      const taken = this.queue.splice(0, n);
      this.inFlight += taken.length;
      void this.flush(taken);
    }
  }

  private async flush(taken: Queued[]): Promise<void> {
    const byMailbox = new Map<string, Queued[]>();
    for (const q of taken) byMailbox.set(q.mailbox, [...(byMailbox.get(q.mailbox) ?? []), q]);
    await Promise.all([...byMailbox].map(([mailbox, items]) => this.flushMailbox(mailbox, items)));
  }

  private async flushMailbox(mailbox: string, items: Queued[]): Promise<void> {
    const settle = (each: (q: Queued, i: number) => void) => {
      this.inFlight -= items.length;
      items.forEach(each);
      this.check();
    };
    const [only] = items;
    if (items.length === 1 && only) {
      // A $batch of one would cost the same request and lose the client's own retry: send it as it is.
      this.stats.directWrites++;
      try {
        const response = await this.http.send(mailbox, only.spec);
        settle((q) => q.resolve(response));
      } catch (error) {
        settle((q) => q.reject(error));
      }
      return;
    }
    this.stats.batches++;
    this.stats.batchedWrites += items.length;
    let outcomes: WriteOutcome[];
    try {
      outcomes = await this.writer.write(mailbox, writeRequestsOf(items));
    } catch (error) {
      settle((q) => q.reject(error));
      return;
    }
    settle((q, i) => {
      const outcome = outcomes[i];
      try {
        if (!outcome) throw new Error(`$batch answered no item ${i + 1}`);
        q.resolve(responseOf(outcome));
      } catch (error) {
        q.reject(error);
      }
    });
  }
}
