// A stand-in for the Functions host's HTTP front door: serves registered HTTP handlers on loopback, so that other
// processes (the Graph simulator's notification delivery, a person with curl) reach them over real HTTP.
import type * as functions from "@azure/functions";
import type { HttpResponseInit } from "@azure/functions";
import { functionsModule } from "./functionsModule.js";
import { createServer, type IncomingMessage, type Server } from "node:http";

const { HttpRequest, HttpResponse, InvocationContext } = functionsModule;

export type HttpHandler = (
  request: functions.HttpRequest,
  context: functions.InvocationContext,
) => Promise<HttpResponseInit | functions.HttpResponse>;

export interface HttpRoute {
  /** Function name, used for the InvocationContext. */
  name: string;
  methods: string[];
  /** Route template as in app.http's `route`, e.g. "graph/notifications" or "admin/users/{user}/status". */
  route: string;
  handler: HttpHandler;
}

export interface HttpHost {
  /** e.g. http://127.0.0.1:12345/api */
  baseUrl: string;
  /** Every request answered, newest last: for assertions. */
  calls: { name: string; method: string; url: string; status: number }[];
  /** Messages handlers logged, for checks that secrets never reach the log. */
  logs: string[];
  stop(): Promise<void>;
}

/** Like the host, a segment whose escapes are not valid UTF-8 reaches the handler with U+FFFD, never as a crash. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return new TextDecoder().decode(
      Buffer.from(
        segment.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        "latin1",
      ),
    );
  }
}

function matchRoute(template: string, path: string): Record<string, string> | undefined {
  const t = template.split("/").filter(Boolean);
  const p = path.split("/").filter(Boolean);
  // A last segment {*name} takes the rest of the path (possibly empty), as in ASP.NET routing.
  const rest = /^\{\*(\w+)\}$/.exec(t[t.length - 1] ?? "");
  if (rest?.[1]) {
    const head = matchRoute(t.slice(0, -1).join("/"), p.slice(0, t.length - 1).join("/"));
    if (!head || p.length < t.length - 1) return undefined;
    return {
      ...head,
      [rest[1]]: p
        .slice(t.length - 1)
        .map(decodeSegment)
        .join("/"),
    };
  }
  if (t.length !== p.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const seg = t[i] ?? "";
    const actual = decodeSegment(p[i] ?? "");
    const m = /^\{(\w+)(?::\w+)?\??\}$/.exec(seg);
    if (m?.[1]) params[m[1]] = actual;
    else if (seg.toLowerCase() !== actual.toLowerCase()) return undefined;
  }
  return params;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export interface HttpHostOptions {
  port?: number;
  /** Routes outside /api (the local Functions host's own /admin API); matched against the path without prefix. */
  hostRoutes?: HttpRoute[];
}

export async function startHttpHost(routes: HttpRoute[], opts: HttpHostOptions = {}): Promise<HttpHost> {
  const calls: HttpHost["calls"] = [];
  const logs: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const onApi = url.pathname.startsWith("/api/");
      const path = onApi ? url.pathname.slice("/api/".length) : url.pathname;
      const table = onApi ? routes : (opts.hostRoutes ?? routes);
      const method = (req.method ?? "GET").toUpperCase();
      let matched: { route: HttpRoute; params: Record<string, string> } | undefined;
      for (const route of table) {
        const params = matchRoute(route.route, path);
        if (params && route.methods.includes(method)) matched = { route, params };
      }
      if (!matched) {
        res.writeHead(404).end();
        return;
      }
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      const request = new HttpRequest({
        method,
        url: `http://127.0.0.1${req.url ?? "/"}`,
        headers,
        params: matched.params,
        query: Object.fromEntries(url.searchParams),
        ...(body.length > 0 ? { body: { bytes: body } } : {}),
      });
      const record = (...args: unknown[]) =>
        logs.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      const context = new InvocationContext({
        functionName: matched.route.name,
        invocationId: crypto.randomUUID(),
        logHandler: (_level, ...args) => record(...args),
      });
      let status = 500;
      try {
        const out = await matched.route.handler(request, context);
        const response = out instanceof HttpResponse ? out : new HttpResponse(out);
        status = response.status;
        const outHeaders: Record<string, string> = {};
        response.headers.forEach((v, k) => (outHeaders[k] = v));
        const bytes = Buffer.from(await response.arrayBuffer());
        res.writeHead(status, outHeaders).end(bytes);
      } catch (error) {
        record("unhandled", error instanceof Error ? error.message : String(error));
        res.writeHead(500).end();
      }
      calls.push({ name: matched.route.name, method, url: req.url ?? "", status });
    })();
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/api`,
    calls,
    logs,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
