// The one place Graph failures become the project's error kinds (transient / permanent / auth / resync required).
import { GraphClientError, GraphError } from "@microsoft/microsoft-graph-client";
import { AppError, AuthError, PermanentError, TransientError } from "../../domain/errors.js";
import { headerValue, type HeaderSource } from "./headers.js";
import { parseRetryAfter } from "./retryAfter.js";
import { graphErrorBodySchema } from "./schemas.js";

/** A delta cursor Graph no longer knows (410 Gone, syncStateNotFound, resyncRequired): start a full resync. */
export class ResyncRequiredError extends PermanentError {
  /** Graph may name a fresh delta URL in the 410's Location header. */
  readonly freshDeltaUrl: string | undefined;
  constructor(message: string, options?: { cause?: unknown; freshDeltaUrl?: string }) {
    super("resyncRequired", message, options);
    this.freshDeltaUrl = options?.freshDeltaUrl;
  }
}

/** The raw facts of a non-2xx Graph answer (also what a `$batch` item carries). */
export interface GraphHttpFailure {
  status: number;
  headers?: HeaderSource;
  body?: unknown;
}

/** Kept as `cause` of mapped errors: the details an operator needs, never a token. */
export class GraphHttpErrorDetails extends Error {
  constructor(
    readonly status: number,
    readonly graphCode: string | undefined,
    readonly requestId: string | undefined,
  ) {
    super(`Graph ${status}${graphCode ? ` ${graphCode}` : ""}${requestId ? ` (request-id ${requestId})` : ""}`);
    this.name = "GraphHttpErrorDetails";
  }
}

const RESYNC_CODES = new Set(["syncstatenotfound", "resyncrequired", "syncstateinvalid"]);
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

function parseBody(body: unknown): unknown {
  if (typeof body !== "string") return body;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function errorInfo(body: unknown): { code: string | undefined; message: string | undefined; requestId?: string } {
  const parsed = graphErrorBodySchema.safeParse(parseBody(body));
  if (!parsed.success) return { code: undefined, message: undefined };
  const { code, message, innerError, innererror } = parsed.data.error;
  const inner = innerError ?? innererror;
  return { code: code || undefined, message, requestId: inner?.["request-id"] ?? inner?.requestId };
}

/** Maps one non-2xx Graph answer. */
export function mapGraphHttpFailure(failure: GraphHttpFailure, now: number = Date.now()): AppError {
  const { status } = failure;
  const info = errorInfo(failure.body);
  const details = new GraphHttpErrorDetails(status, info.code, info.requestId);
  const text = `Graph ${status}${info.code ? ` ${info.code}` : ""}: ${info.message ?? "(no message)"}`;
  const retryAfterMs = parseRetryAfter(headerValue(failure.headers, "Retry-After"), now);

  if (status === 410 || (info.code !== undefined && RESYNC_CODES.has(info.code.toLowerCase()))) {
    const location = headerValue(failure.headers, "Location");
    return new ResyncRequiredError(text, { cause: details, ...(location ? { freshDeltaUrl: location } : {}) });
  }
  if (status === 429 || status === 408 || status === 509 || (status >= 500 && status !== 501 && status !== 505)) {
    const code = info.code ?? (status === 429 ? "TooManyRequests" : `http_${status}`);
    return new TransientError(code, text, { cause: details, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  }
  if (status === 401) return new AuthError(info.code ?? "unauthorized", text, { cause: details });
  if (status === 403) return new AuthError(info.code ?? "forbidden", text, { cause: details });
  if (status === 412) return new PermanentError("precondition_failed", text, { cause: details });
  if (status === 404) return new PermanentError("not_found", text, { cause: details });
  if (status === 409) return new PermanentError("conflict", text, { cause: details });
  if (status === 413) return new PermanentError("payload_too_large", text, { cause: details });
  return new PermanentError(info.code ?? `http_${status}`, text, { cause: details });
}

function isNetworkError(error: Error): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  }
  return error instanceof TypeError && /fetch failed|network|socket/i.test(error.message);
}

/**
 * Maps anything a Graph call threw: our own AppErrors pass through; SDK GraphErrors and GraphClientErrors are
 * unwrapped; lost connections and timeouts are transient; anything else falls back to toAppError semantics.
 */
export function mapGraphError(error: unknown, now: number = Date.now()): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof GraphClientError) {
    if (error.customError !== undefined && error.customError !== error) return mapGraphError(error.customError, now);
    return new PermanentError("graph_client", `Graph client: ${error.message}`, { cause: error });
  }
  if (error instanceof GraphError && error.statusCode > 0) {
    // The SDK keeps only the inner `error` object (as JSON text) and lifts code/message/request-id onto itself.
    const body = {
      error: {
        code: error.code ?? "",
        message: error.message,
        innerError: { requestId: error.requestId ?? undefined },
      },
    };
    return mapGraphHttpFailure({ status: error.statusCode, headers: error.headers, body }, now);
  }
  if (error instanceof Error) {
    if (error.name === "TimeoutError" || error.name === "AbortError") {
      return new TransientError("timeout", `Graph request timed out: ${error.message}`, { cause: error });
    }
    if (isNetworkError(error)) {
      return new TransientError("network", `Graph unreachable: ${error.message}`, { cause: error });
    }
    return new TransientError("unexpected", error.message, { cause: error });
  }
  return new TransientError("unexpected", String(error));
}
