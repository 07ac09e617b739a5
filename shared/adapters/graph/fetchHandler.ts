// Graph client middleware (last in the chain): fetch with a per-attempt timeout, body read in full, failures mapped.
import { GraphClientError, type Context, type Middleware } from "@microsoft/microsoft-graph-client";
import { mapGraphError } from "./mapGraphError.js";

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export class FetchHandler implements Middleware {
  constructor(private readonly timeoutMs: number = 60_000) {}

  async execute(context: Context): Promise<void> {
    const options = context.options ?? {};
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal as AbortSignal, timeout]) : timeout;
    try {
      const response = await fetch(context.request, { ...(options as RequestInit), signal });
      const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
      context.response = new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      // GraphClientError passes through the SDK untouched; the mapped error rides along as customError.
      const wrapped = new GraphClientError(error instanceof Error ? error.message : String(error));
      wrapped.customError = mapGraphError(error);
      throw wrapped;
    }
  }
}
