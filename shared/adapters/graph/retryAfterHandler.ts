// Graph client middleware: retries 429/503 after Retry-After within a bound (set per request); else lets it through.
import type { Context, Middleware, MiddlewareOptions } from "@microsoft/microsoft-graph-client";
import { parseRetryAfter } from "./retryAfter.js";

export interface RetryPolicy {
  /** Attempts in total, the first included (default 3). */
  maxTries: number;
  /** Longest single wait the adapter sleeps through (default 30 s); a longer Retry-After is surfaced to the caller. */
  maxWaitMs: number;
  /** Wait before the first retry when the server gives no Retry-After; doubles each time (default 1 s). */
  defaultDelayMs: number;
  /** Statuses retried (default 429 and 503). */
  retryOn: readonly number[];
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxTries: 3,
  maxWaitMs: 30_000,
  defaultDelayMs: 1_000,
  retryOn: [429, 503],
};

/**
 * One try, no sleep: for POSTs Graph does not deduplicate where the caller has a safer retry of its own (sendMail,
 * /send, drafts, attachments: the email use case schedules a copy and searches the mailbox for the tagged mail first).
 * A 503 (or a timeout) may come after Graph acted, so a blind re-POST could send a mail twice.
 */
export const TRY_ONCE: Partial<RetryPolicy> = { maxTries: 1 };

/**
 * Retries a 429 only: Graph throttled the request before acting on it, so re-sending cannot duplicate; a 503 may
 * come after Graph acted, so it surfaces (TransientError). For non-idempotent POSTs outside the email path (a
 * subscription, an event without transactionId, a To Do task).
 */
export const RETRY_THROTTLED_ONLY: Partial<RetryPolicy> = { retryOn: [429] };

/** Per-request override of the client's policy, carried to the handler through the SDK's middleware options. */
export class RequestRetryOption implements MiddlewareOptions {
  constructor(readonly policy: Partial<RetryPolicy>) {}
}

export type Sleep = (ms: number) => Promise<void>;
export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long to wait before retrying `response` (attempt counts from 1), or undefined to give the answer back. */
export function retryDelay(
  status: number,
  retryAfter: string | null,
  attempt: number,
  policy: RetryPolicy,
  now: number = Date.now(),
): number | undefined {
  if (!policy.retryOn.includes(status) || attempt >= policy.maxTries) return undefined;
  const delay = parseRetryAfter(retryAfter, now) ?? policy.defaultDelayMs * 2 ** (attempt - 1);
  return delay > policy.maxWaitMs ? undefined : delay;
}

export class RetryAfterHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    private readonly wait: Sleep = sleep,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error("RetryAfterHandler needs a next middleware");
    const override = context.middlewareControl?.getMiddlewareOptions(RequestRetryOption) as
      RequestRetryOption | undefined;
    const policy = override ? { ...this.policy, ...override.policy } : this.policy;
    for (let attempt = 1; ; attempt++) {
      await this.next.execute(context);
      const response = context.response;
      if (!response) return;
      const delay = retryDelay(response.status, response.headers.get("Retry-After"), attempt, policy);
      if (delay === undefined) return;
      // The permit for the mailbox is not held while sleeping (the limiter sits below this handler).
      await this.wait(delay);
    }
  }
}
