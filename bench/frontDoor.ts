// The bench's HTTP front door for the app's HTTP handlers on loopback, like test/harness/httpHost.ts. A copy is needed
// because that file imports HttpRequest/HttpResponse/InvocationContext as named ESM exports of the CommonJS
// @azure/functions bundle, which only vitest's interop provides; plain Node (the bench) must load it with require.
import { createRequire } from "node:module";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

const functions = createRequire(import.meta.url)("@azure/functions") as typeof import("@azure/functions");

export type FrontDoorHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export interface FrontDoorRoute {
  name: string;
  method: string;
  /** Path under /api, e.g. "graph/notifications" (no parameters: the bench needs none). */
  route: string;
  handler: FrontDoorHandler;
}

export interface FrontDoor {
  /** e.g. http://127.0.0.1:12345/api */
  baseUrl: string;
  /** Requests a handler threw on (answered 500). */
  unhandled(): number;
  /** Requests received and not answered yet (a client that gave up still leaves its request here until answered). */
  inFlight(): number;
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startFrontDoor(routes: FrontDoorRoute[]): Promise<FrontDoor> {
  let unhandled = 0;
  let inFlight = 0;
  const server: Server = createServer((req, res) => {
    inFlight++;
    res.once("close", () => inFlight--);
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const path = url.pathname.replace(/^\/api\//, "").replace(/\/$/, "");
      const method = (req.method ?? "GET").toUpperCase();
      const route = routes.find((r) => r.route.toLowerCase() === path.toLowerCase() && r.method === method);
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      const request = new functions.HttpRequest({
        method,
        url: `http://127.0.0.1${req.url ?? "/"}`,
        headers,
        params: {},
        query: Object.fromEntries(url.searchParams),
        ...(body.length > 0 ? { body: { bytes: body } } : {}),
      });
      const context = new functions.InvocationContext({
        functionName: route.name,
        invocationId: crypto.randomUUID(),
        logHandler: (level, ...args) => {
          if (level === "error" || level === "critical") console.error(`${route.name}:`, ...args);
        },
      });
      try {
        const response = new functions.HttpResponse(await route.handler(request, context));
        const outHeaders: Record<string, string> = {};
        response.headers.forEach((v, k) => (outHeaders[k] = v));
        const bytes = Buffer.from(await response.arrayBuffer());
        res.writeHead(response.status, outHeaders).end(bytes);
      } catch (error) {
        unhandled++;
        console.error(`${route.name}: unhandled: ${error instanceof Error ? error.message : String(error)}`);
        res.writeHead(500).end();
      }
    })();
  });
  // A client's idle keep-alive socket is not closed under it while it sends (ECONNRESET, a POST lost in transit).
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/api`,
    unhandled: () => unhandled,
    inFlight: () => inFlight,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
