// Injectable faults (429/503/410/…, delays, holds released by the test), the per-mailbox concurrency limit, and request counters.
import { errorBody, type SimResponse } from "./http.js";

export interface FaultSpec {
  method?: string;
  /** regex (or its source) matched against the path after /v1.0 (for identity routes: the full path) */
  path?: RegExp | string;
  /** mailbox id or UPN */
  mailbox?: string;
  /** HTTP status to answer with; a status below 400 with delayMs or hold means "wait, then serve normally" */
  status: number;
  code?: string;
  /** may be fractional; sent as Retry-After */
  retryAfterSeconds?: number;
  /** default 1; Infinity allowed */
  times?: number;
  delayMs?: number;
  /**
   * Holds each matching request (after it entered its mailbox's concurrency slot) until the test calls
   * `releaseHeld(name)`: explicit synchronisation for tests about requests that overlap, instead of a delay.
   */
  hold?: string;
  headers?: Record<string, string>;
}

interface ActiveFault extends FaultSpec {
  re?: RegExp;
  left: number;
}

export interface Counters {
  /** Graph calls, $batch items included. */
  total: number;
  /** HTTP requests received: a $batch counts once, its items not. */
  requests: number;
  byMailbox: Record<string, number>;
  byEndpoint: Record<string, number>;
  maxConcurrentByMailbox: Record<string, number>;
  throttled: number;
}

const DEFAULT_CODES: Record<number, [string, string]> = {
  400: ["BadRequest", "Bad request."],
  401: ["InvalidAuthenticationToken", "Access token has expired or is not yet valid."],
  403: ["ErrorAccessDenied", "Access is denied. Check credentials and try again."],
  404: ["ErrorItemNotFound", "The specified object was not found in the store."],
  409: ["ErrorIrreparableConflict", "Conflict."],
  410: ["syncStateNotFound", "The sync state generation is not found; the client must do a full resync."],
  412: [
    "ErrorIrresolvableConflict",
    "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.",
  ],
  429: ["TooManyRequests", "Please retry again later."],
  500: ["InternalServerError", "An internal server error occurred."],
  502: ["BadGateway", "Bad gateway."],
  503: ["ServiceUnavailable", "The service is temporarily unavailable. Please retry later."],
  504: ["GatewayTimeout", "Gateway timeout."],
};

export class Faults {
  private list: ActiveFault[] = [];
  concurrencyLimit = 4;
  private inflight = new Map<string, number>();
  c: Counters = { total: 0, requests: 0, byMailbox: {}, byEndpoint: {}, maxConcurrentByMailbox: {}, throttled: 0 };

  /** Requests held by a `hold` fault, per hold name, each waiting for its release. */
  private readonly held = new Map<string, (() => void)[]>();
  private heldWaiters: (() => void)[] = [];

  /** Applies a fault's waiting part: its delay (delayMs), then its hold until releaseHeld(hold). */
  async wait(f: FaultSpec): Promise<void> {
    if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
    if (f.hold === undefined) return;
    const name = f.hold;
    await new Promise<void>((release) => {
      this.held.set(name, [...(this.held.get(name) ?? []), release]);
      for (const w of this.heldWaiters.splice(0)) w();
    });
  }

  /** Requests waiting at the hold `name` now. */
  heldCount(name: string): number {
    return this.held.get(name)?.length ?? 0;
  }

  /** Resolves once at least `n` requests wait at the hold `name` (re-checked whenever a request gets held). */
  async waitForHeld(name: string, n: number): Promise<void> {
    while (this.heldCount(name) < n) await new Promise<void>((r) => this.heldWaiters.push(r));
  }

  /** Lets every request waiting at the hold `name` go on (later matching requests are held again); how many. */
  releaseHeld(name: string): number {
    const waiting = this.held.get(name) ?? [];
    this.held.delete(name);
    for (const release of waiting) release();
    return waiting.length;
  }

  inject(f: FaultSpec): void {
    const re = f.path === undefined ? undefined : f.path instanceof RegExp ? f.path : new RegExp(f.path);
    this.list.push({ ...f, ...(re ? { re } : {}), left: f.times ?? 1 });
  }

  /** Removes every fault; requests still held are released (nothing stays stuck behind a cleared fault). */
  clear(): void {
    this.list = [];
    for (const name of [...this.held.keys()]) this.releaseHeld(name);
  }

  resetCounters(): void {
    this.c = { total: 0, requests: 0, byMailbox: {}, byEndpoint: {}, maxConcurrentByMailbox: {}, throttled: 0 };
  }

  snapshot(): Counters {
    return structuredClone(this.c);
  }

  count(endpoint: string, mailboxId: string | undefined, inBatch = false): void {
    this.c.total++;
    if (!inBatch) this.c.requests++;
    this.c.byEndpoint[endpoint] = (this.c.byEndpoint[endpoint] ?? 0) + 1;
    if (mailboxId) this.c.byMailbox[mailboxId] = (this.c.byMailbox[mailboxId] ?? 0) + 1;
  }

  /** Enters a mailbox; false when over the limit (the caller answers 429 and must not call leave). */
  enter(mailboxId: string): boolean {
    const n = (this.inflight.get(mailboxId) ?? 0) + 1;
    this.c.maxConcurrentByMailbox[mailboxId] = Math.max(this.c.maxConcurrentByMailbox[mailboxId] ?? 0, n);
    if (n > this.concurrencyLimit) return false;
    this.inflight.set(mailboxId, n);
    return true;
  }

  leave(mailboxId: string): void {
    this.inflight.set(mailboxId, Math.max(0, (this.inflight.get(mailboxId) ?? 1) - 1));
  }

  /** The first live fault matching this request (consumes one use). */
  take(method: string, path: string, mailboxIds: string[]): FaultSpec | undefined {
    for (const f of this.list) {
      if (f.left <= 0) continue;
      if (f.method && f.method.toUpperCase() !== method.toUpperCase()) continue;
      if (f.re && !f.re.test(path)) continue;
      if (f.mailbox && !mailboxIds.some((m) => m.toLowerCase() === f.mailbox!.toLowerCase())) continue;
      f.left--;
      return f;
    }
    this.list = this.list.filter((f) => f.left > 0);
    return undefined;
  }

  /** The response a fault produces (Graph's error body; 429 shaped like Microsoft's throttling example). */
  response(f: FaultSpec, req: { requestId: string; clientRequestId: string }): SimResponse {
    const [defCode, defMsg] = DEFAULT_CODES[f.status] ?? ["UnknownError", "Injected fault."];
    const headers: Record<string, string> = { ...(f.headers ?? {}) };
    if (f.retryAfterSeconds !== undefined) headers["retry-after"] = String(f.retryAfterSeconds);
    else if (f.status === 429 || f.status === 503) headers["retry-after"] = "1";
    if (f.status === 429) {
      this.c.throttled++;
      return {
        status: 429,
        headers,
        body: {
          error: {
            code: f.code ?? defCode,
            innerError: {
              code: "429",
              date: new Date().toISOString().slice(0, 19),
              message: "Please retry after",
              "request-id": req.requestId,
              status: "429",
            },
            message: defMsg,
          },
        },
      };
    }
    return { status: f.status, headers, body: errorBody(f.code ?? defCode, defMsg, req) };
  }

  throttleResponse(req: { requestId: string; clientRequestId: string }, retryAfter = 1): SimResponse {
    this.c.throttled++;
    return {
      status: 429,
      headers: { "retry-after": String(retryAfter) },
      body: errorBody("ApplicationThrottled", "Application is over its MailboxConcurrency limit.", req),
    };
  }
}

const LITERALS = new Set([
  "me",
  "users",
  "events",
  "calendar",
  "calendars",
  "calendarView",
  "calendarview",
  "delta",
  "todo",
  "lists",
  "tasks",
  "linkedResources",
  "messages",
  "mailFolders",
  "mailfolders",
  "sentitems",
  "SentItems",
  "attachments",
  "createUploadSession",
  "send",
  "sendMail",
  "subscriptions",
  "reauthorize",
  "$batch",
  "instances",
  "oauth2",
  "v2.0",
  "token",
  "authorize",
  ".well-known",
  "openid-configuration",
  "discovery",
  "instance",
  "common",
]);

/** Templates a path for counters: ids become {id} (e.g. "/users/{id}/events/{id}"). */
export function endpointKey(method: string, path: string): string {
  const parts = path.split("/").map((s) => (s === "" || LITERALS.has(s) ? s : "{id}"));
  return `${method.toUpperCase()} ${parts.join("/")}`;
}
