// Outgoing webhook POSTs: validation handshakes, change and lifecycle notifications with retries and test faults.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { rootCertificates } from "node:tls";
import type { DeliveredNotification } from "./types.js";

export interface PostResult {
  status: number;
  contentType: string;
  body: string;
  ms: number;
  timedOut: boolean;
  error?: string;
}

/** POSTs with a timeout; never throws (network errors come back as status 0). */
export function post(
  url: string,
  body: string,
  contentType: string,
  timeoutMs: number,
  ca: string,
): Promise<PostResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Omit<PostResult, "ms">) => {
      if (done) return;
      done = true;
      resolve({ ...r, ms: Date.now() - started });
    };
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      finish({ status: 0, contentType: "", body: "", timedOut: false, error: "invalid url" });
      return;
    }
    const fn = u.protocol === "https:" ? httpsRequest : httpRequest;
    const req = fn(
      u,
      {
        method: "POST",
        headers: {
          "content-type": contentType,
          "content-length": Buffer.byteLength(body),
          "user-agent": "graph-sim-notifier",
        },
        ...(u.protocol === "https:" ? { ca: [...rootCertificates, ca] } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          finish({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks).toString("utf8"),
            timedOut: false,
          }),
        );
        res.on("error", (e) => finish({ status: 0, contentType: "", body: "", timedOut: false, error: e.message }));
      },
    );
    req.setTimeout(timeoutMs, () => {
      finish({ status: 0, contentType: "", body: "", timedOut: true, error: "timed out" });
      req.destroy();
    });
    req.on("error", (e) => finish({ status: 0, contentType: "", body: "", timedOut: false, error: e.message }));
    req.end(body);
  });
}

export interface NotifierOptions {
  timeoutMs: () => number;
  retryBaseMs: () => number;
  maxAttempts: () => number;
  ca: string;
}

export class Notifier {
  readonly delivered: DeliveredNotification[] = [];
  private dup = 0;
  private drop = 0;
  private delayNext = 0;
  dropped = 0;
  private pending = 0;
  private timers = new Set<NodeJS.Timeout>();
  private waiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly o: NotifierOptions) {}

  readonly faults = {
    duplicateNext: (n = 1): void => void (this.dup += n),
    dropNext: (n = 1): void => void (this.drop += n),
    delayNextMs: (ms: number): void => void (this.delayNext = ms),
  };

  /** Queues one notification POST; `alive` is checked before each attempt (expired subscriptions send nothing). */
  send(url: string, body: unknown, kind: "change" | "lifecycle", alive: () => boolean, onGiveUp?: () => void): void {
    if (this.drop > 0) {
      // dropNext counts notifications: from a POST carrying several, the first ones are lost and the rest sent.
      const value = kind === "change" ? (body as { value?: unknown[] }).value : undefined;
      if (Array.isArray(value) && value.length > this.drop) {
        this.dropped += this.drop;
        body = { ...(body as object), value: value.slice(this.drop) };
        this.drop = 0;
      } else {
        const n = Array.isArray(value) ? value.length : 1;
        this.drop -= n;
        this.dropped += n;
        return;
      }
    }
    const copies = this.dup > 0 ? 2 : 1;
    if (this.dup > 0) this.dup--;
    const delay = this.delayNext;
    this.delayNext = 0;
    for (let i = 0; i < copies; i++) this.attempt(url, body, kind, alive, 1, delay, onGiveUp);
  }

  private attempt(
    url: string,
    body: unknown,
    kind: "change" | "lifecycle",
    alive: () => boolean,
    n: number,
    delay: number,
    onGiveUp?: () => void,
  ): void {
    this.pending++;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.stopped || !alive()) return this.settle();
      const json = JSON.stringify(body);
      void post(url, json, "application/json; charset=utf-8", this.o.timeoutMs(), this.o.ca).then((r) => {
        if (this.stopped) return this.settle();
        const ok = r.status >= 200 && r.status < 300 && !r.timedOut;
        this.delivered.push({ url, status: r.timedOut ? 0 : r.status, body, at: new Date(), attempt: n, kind });
        if (!ok && n < this.o.maxAttempts()) {
          this.attempt(url, body, kind, alive, n + 1, this.o.retryBaseMs() * 2 ** (n - 1), onGiveUp);
        } else if (!ok) onGiveUp?.();
        this.settle();
      });
    }, delay);
    this.timers.add(t);
  }

  /** Counts a notification that is queued but not yet sent (a batch being gathered) as pending, until `release`. */
  hold(): void {
    this.pending++;
  }

  release(): void {
    this.settle();
  }

  private settle(): void {
    this.pending--;
    for (const w of this.waiters.splice(0)) w();
  }

  private changed(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }

  successful(): DeliveredNotification[] {
    return this.delivered.filter((d) => d.status >= 200 && d.status < 300);
  }

  /**
   * Resolves once `done()` holds, re-checked whenever a notification settles (no polling, no idle window). The only
   * deadline is an optional hang guard (`hangGuardMs`); without one, the test runner's timeout is the guard.
   */
  private async until(done: () => boolean, what: () => string, hangGuardMs?: number): Promise<void> {
    if (done()) return;
    let guard: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      if (hangGuardMs === undefined) return;
      guard = setTimeout(() => reject(new Error(`graph-sim: ${what()} (hang guard ${hangGuardMs} ms)`)), hangGuardMs);
      guard.unref?.();
    });
    timedOut.catch(() => undefined);
    try {
      while (!done()) await Promise.race([this.changed(), timedOut]);
    } finally {
      clearTimeout(guard);
    }
  }

  /** Resolves once at least `n` notifications were answered 2xx (since start). */
  async waitForDeliveries(n: number, hangGuardMs?: number): Promise<DeliveredNotification[]> {
    await this.until(
      () => this.successful().length >= n,
      () =>
        `waiting for ${n} successful notification(s), have ${this.successful().length} (attempts: ${this.delivered.length})`,
      hangGuardMs,
    );
    return this.successful();
  }

  /**
   * Notifications not finished: queued (a batch being gathered), waiting for their (retry) timer, or in flight. Each
   * of them is sent without anything else happening, so "idle" is this counter at 0, not a quiet period.
   */
  pendingCount(): number {
    return this.pending;
  }

  /** Resolves when no notification is queued, waiting to be (re)sent or in flight (pendingCount() === 0). */
  async idle(hangGuardMs?: number): Promise<void> {
    await this.until(
      () => this.pending === 0,
      () => `${this.pending} notification(s) still pending`,
      hangGuardMs,
    );
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    // Cleared timers never settle: count them out, so a waiter sees the notifier idle rather than hang.
    this.pending -= this.timers.size;
    this.timers.clear();
    for (const w of this.waiters.splice(0)) w();
  }
}
