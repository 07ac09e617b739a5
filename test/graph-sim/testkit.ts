// Helpers for the simulator's own tests: tokens, a Graph fetch wrapper, and a loopback webhook receiver.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphSim } from "./index.js";

export async function appToken(
  sim: GraphSim,
  clientId = sim.defaultApp.clientId,
  secret = sim.defaultApp.clientSecret,
): Promise<string> {
  const r = await fetch(sim.tokenEndpoint, {
    method: "POST",
    body: new URLSearchParams({
      client_id: clientId,
      client_secret: secret,
      grant_type: "client_credentials",
      scope: "https://graph.microsoft.com/.default",
    }),
  });
  if (r.status !== 200) throw new Error(`token: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { access_token: string }).access_token;
}

export interface GraphResult {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** fetch against the simulator's Graph URL (path relative to /v1.0, or an absolute link). */
export function graph(sim: GraphSim, token: string | undefined) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<GraphResult> => {
    const url = /^https:/.test(path) ? path : `${sim.graphUrl}${path}`;
    const h: Record<string, string> = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (body !== undefined) h["content-type"] = "application/json";
    const r = await fetch(url, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await r.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: r.status, headers: r.headers, body: parsed };
  };
}

export type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A plain-http webhook on loopback; answers the handshake correctly unless `handler` is replaced. */
export class Webhook {
  static correct: Handler = (req, body, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    const token = u.searchParams.get("validationToken");
    if (token !== null) {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(token);
      return;
    }
    void body;
    res.writeHead(202);
    res.end();
  };

  received: { url: string; body: unknown; at: number }[] = [];
  handler: Handler = Webhook.correct;
  private server!: Server;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const u = new URL(req.url ?? "/", "http://x");
        if (!u.searchParams.has("validationToken"))
          this.received.push({ url: req.url ?? "", body: body ? JSON.parse(body) : undefined, at: Date.now() });
        this.handler(req, body, res);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

export const inMinutes = (m: number): string => new Date(Date.now() + m * 60_000).toISOString();
