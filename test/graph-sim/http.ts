// Request/response shapes the simulator's handlers share, Graph's error body, and small HTTP helpers.
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

export interface Principal {
  kind: "app" | "delegated";
  appId: string;
  /** application permissions (roles claim) */
  roles: Set<string>;
  /** delegated permissions (scp claim) */
  scopes: Set<string>;
  /** the signed-in user's object id (delegated only) */
  oid?: string;
}

export interface SimRequest {
  method: string;
  /** path after /v1.0, decoded, without query (e.g. /users/x/events) */
  path: string;
  query: URLSearchParams;
  /** lower-case header names */
  headers: Record<string, string>;
  body: Buffer;
  principal?: Principal;
  requestId: string;
  clientRequestId: string;
  /** true when executed as a $batch item */
  inBatch?: boolean;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON value, or raw text/binary */
  body?: unknown;
  raw?: Buffer | string;
}

/** A Graph error: thrown by handlers, turned into Graph's error body. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly innerExtra: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Graph's date format in innerError: no offset, no fraction. */
export const innerDate = (d = new Date()): string => d.toISOString().slice(0, 19);

export function errorBody(
  code: string,
  message: string,
  req: { requestId: string; clientRequestId: string },
  extra: Record<string, string> = {},
): { error: { code: string; message: string; innerError: Record<string, string> } } {
  return {
    error: {
      code,
      message,
      innerError: {
        ...extra,
        date: innerDate(),
        "request-id": req.requestId,
        "client-request-id": req.clientRequestId,
      },
    },
  };
}

export function errorResponse(req: { requestId: string; clientRequestId: string }, e: GraphError): SimResponse {
  return { status: e.status, headers: { ...e.headers }, body: errorBody(e.code, e.message, req, e.innerExtra) };
}

export function readBody(req: IncomingMessage, limit = 200 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new GraphError(413, "RequestEntityTooLarge", "The request body is too large."));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Parses a JSON request body; a body that is not a JSON object is Graph's 400. */
export function jsonBody(req: SimRequest): Record<string, unknown> {
  if (req.body.length === 0) throw new GraphError(400, "BadRequest", "Empty Payload. JSON content expected.");
  let v: unknown;
  try {
    v = JSON.parse(req.body.toString("utf8"));
  } catch {
    throw new GraphError(
      400,
      "BadRequest",
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    );
  }
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new GraphError(400, "BadRequest", "Unable to read JSON request payload: an object is expected.");
  return v as Record<string, unknown>;
}

export const newRequestId = (): string => randomUUID();

/** Parses `Prefer` into a map of preference name → value (e.g. odata.maxpagesize → "5", outlook.timezone → "…"). */
export function preferences(headers: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  const raw = headers["prefer"];
  if (!raw) return out;
  for (const part of raw.split(",")) {
    const [k, ...rest] = part.split("=");
    if (!k) continue;
    let v = rest.join("=").trim();
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    out.set(k.trim().toLowerCase(), v);
  }
  return out;
}
