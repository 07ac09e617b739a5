// Graph client middleware: retries 429/503 after the server's Retry-After, within a bound; beyond it, lets the answer through.
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { parseRetryAfter } from "./retryAfter.js";

export interface RetryPolicy {
  /** Attempts in total, the first included (default 3). */
  maxTries: number;
  /** Longest single wait the adapter sleeps through (default 30 s); a longer Retry-After is surfaced to the caller. */
  maxWaitMs: number;
  /** Wait before the first retry when the server gives no Retry-After; doubles each time (default 1 s). */
  defaultDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxTries: 3, maxWaitMs: 30_000, defaultDelayMs: 1_000 };

const RETRYABLE = new Set([429, 503]);

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
  if (!RETRYABLE.has(status) || attempt >= policy.maxTries) return undefined;
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
    for (let attempt = 1; ; attempt++) {
      await this.next.execute(context);
      const response = context.response;
      if (!response) return;
      const delay = retryDelay(response.status, response.headers.get("Retry-After"), attempt, this.policy);
      if (delay === undefined) return;
      // The permit for the mailbox is not held while sleeping (the limiter sits below this handler).
      await this.wait(delay);
    }
  }
}
