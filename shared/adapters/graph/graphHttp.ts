// Builds the real Graph client (per mailbox: token, retry, limiter, fetch) and sends requests with one error mapping.
import {
  AuthenticationHandler,
  Client,
  GraphClientError,
  ResponseType,
  type AuthenticationProvider,
} from "@microsoft/microsoft-graph-client";
import { PermanentError } from "../../domain/errors.js";
import type { TokenProvider } from "../auth/tokenProvider.js";
import { FetchHandler } from "./fetchHandler.js";
import { defaultMailboxLimiter, type KeyedSemaphore } from "./keyedSemaphore.js";
import { MailboxLimitHandler } from "./mailboxLimitHandler.js";
import { mapGraphError, mapGraphHttpFailure } from "./mapGraphError.js";
import {
  DEFAULT_RETRY_POLICY,
  RequestRetryOption,
  RetryAfterHandler,
  sleep,
  type RetryPolicy,
  type Sleep,
} from "./retryAfterHandler.js";

export interface GraphHttpOptions {
  /** GRAPH_BASE_URL, e.g. https://graph.microsoft.com/v1.0 (the last path segment is the version). Must be https. */
  baseUrl: string;
  tokenProvider: TokenProvider;
  /** Per-mailbox limiter; defaults to the process-wide one (4 per mailbox). */
  limiter?: KeyedSemaphore;
  retry?: Partial<RetryPolicy>;
  /** Per-attempt timeout (default 60 s). */
  timeoutMs?: number;
  /** For tests of the retry bound. */
  sleep?: Sleep;
}

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface GraphRequestSpec {
  method: HttpMethod;
  /** Path under the version root ("/users/x/events?$top=5", values already encoded) or an absolute link Graph gave. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * This request's retry policy over the client's. Unset: 429/503 are retried within the bound, which is right for
   * GET/PATCH/DELETE/PUT and deduplicated POSTs (an event with transactionId). A POST Graph does not deduplicate must
   * say TRY_ONCE or RETRY_THROTTLED_ONLY (retryAfterHandler.ts): a 503 or a timeout may come after Graph acted.
   */
  retry?: Partial<RetryPolicy>;
}

export interface GraphResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, text, or undefined for an empty body. */
  body: unknown;
}

interface ParsedBase {
  /** Normalised base without trailing slash, e.g. https://host:1234/v1.0 */
  base: string;
  root: string;
  version: string;
  host: string;
}

export function parseGraphBaseUrl(baseUrl: string): ParsedBase {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new PermanentError("config", `GRAPH_BASE_URL is not a URL: ${baseUrl}`);
  }
  // Over http the SDK silently drops the bearer token: refuse instead of failing obscurely later.
  if (url.protocol !== "https:") throw new PermanentError("config", `GRAPH_BASE_URL must be https: ${baseUrl}`);
  const segments = url.pathname.split("/").filter((s) => s !== "");
  const version = segments.pop();
  if (!version) throw new PermanentError("config", `GRAPH_BASE_URL needs a version segment (…/v1.0): ${baseUrl}`);
  const root = `${url.origin}${segments.length ? `/${segments.join("/")}` : ""}`;
  return { base: `${root}/${version}`, root, version, host: url.hostname };
}

/** Encodes one path segment (a mailbox, an id); `@` stays readable, as Graph shows it. */
export function seg(value: string): string {
  return encodeURIComponent(value).replace(/%40/g, "@");
}

/** Builds a query string from already-chosen values, encoding each value. */
export function query(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

export class GraphHttp {
  readonly base: ParsedBase;
  /** The per-mailbox permits every request of this client takes. */
  readonly limiter: KeyedSemaphore;
  private readonly policy: RetryPolicy;
  private readonly clients = new Map<string, Client>();
  /** Mailboxes whose next token must come from the authority, not the cache (Graph refused the cached one). */
  private readonly refreshNext = new Set<string>();

  constructor(private readonly options: GraphHttpOptions) {
    this.base = parseGraphBaseUrl(options.baseUrl);
    this.limiter = options.limiter ?? defaultMailboxLimiter;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  /** The SDK client for one mailbox: its token, the retry bound, the mailbox's permits, fetch. */
  clientFor(mailbox: string): Client {
    const key = mailbox.toLowerCase();
    const existing = this.clients.get(key);
    if (existing) return existing;
    const tokens = this.options.tokenProvider;
    const refreshNext = this.refreshNext;
    const authProvider: AuthenticationProvider = {
      async getAccessToken() {
        const forceRefresh = refreshNext.delete(key);
        try {
          return await tokens.getToken(mailbox, forceRefresh ? { forceRefresh } : undefined);
        } catch (error) {
          const wrapped = new GraphClientError("token acquisition failed");
          wrapped.customError = mapGraphError(error);
          throw wrapped;
        }
      },
    };
    const client = Client.initWithMiddleware({
      baseUrl: this.base.root,
      defaultVersion: this.base.version,
      customHosts: new Set([this.base.host]),
      middleware: [
        new AuthenticationHandler(authProvider),
        new RetryAfterHandler(this.policy, this.options.sleep ?? sleep),
        new MailboxLimitHandler(this.limiter, mailbox),
        new FetchHandler(this.options.timeoutMs),
      ],
    });
    this.clients.set(key, client);
    return client;
  }

  /** Turns an absolute nextLink/deltaLink into a path under our base; a link to any other host is refused. */
  toPath(link: string): string {
    if (!/^https?:\/\//i.test(link)) return link.startsWith("/") ? link : `/${link}`;
    const prefix = `${this.base.base}/`;
    if (link.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) {
      throw new PermanentError("foreign_link", `Graph link is not under ${this.base.base}: ${link.slice(0, 80)}`);
    }
    return `/${link.slice(prefix.length)}`;
  }

  /** Sends one request for `mailbox`; non-2xx answers and failures throw the mapped AppError. */
  async send(mailbox: string, spec: GraphRequestSpec): Promise<GraphResponse> {
    const response = await this.sendRaw(mailbox, spec);
    if (response.status < 200 || response.status >= 300) throw mapGraphHttpFailure(response);
    return response;
  }

  /**
   * Like send, but returns non-2xx answers instead of throwing (network and token failures still throw). A 401 is
   * answered once with a token fresh from the authority and the request sent again: Graph rejected the token before
   * acting on the request, so even a POST is safe to repeat. A second 401 is returned (mapped to AuthError by send).
   */
  async sendRaw(mailbox: string, spec: GraphRequestSpec): Promise<GraphResponse> {
    const first = await this.sendOnce(mailbox, spec);
    if (first.status !== 401) return first;
    this.refreshNext.add(mailbox.toLowerCase());
    return this.sendOnce(mailbox, spec);
  }

  private async sendOnce(mailbox: string, spec: GraphRequestSpec): Promise<GraphResponse> {
    const request = this.clientFor(mailbox)
      .api(this.toPath(spec.path))
      .responseType(ResponseType.RAW)
      .headers(spec.headers ?? {});
    if (spec.retry) request.middlewareOptions([new RequestRetryOption(spec.retry)]);
    let raw: Response;
    try {
      switch (spec.method) {
        case "GET":
          raw = (await request.get()) as Response;
          break;
        case "POST":
          raw = (await request.post(spec.body ?? {})) as Response;
          break;
        case "PATCH":
          raw = (await request.patch(spec.body ?? {})) as Response;
          break;
        case "PUT":
          raw = (await request.put(spec.body ?? {})) as Response;
          break;
        case "DELETE":
          raw = (await request.delete()) as Response;
          break;
      }
    } catch (error) {
      throw mapGraphError(error);
    }
    const text = await raw.text();
    let body: unknown = undefined;
    if (text !== "") {
      const type = raw.headers.get("Content-Type") ?? "";
      if (/json/i.test(type)) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      } else {
        body = text;
      }
    }
    return { status: raw.status, headers: raw.headers, body };
  }
}
