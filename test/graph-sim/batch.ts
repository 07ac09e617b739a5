// JSON batching ($batch): at most 20 requests, dependsOn ordering with 424 for dependents of a failure.
import type { SimCore } from "./core.js";
import { errorBody, GraphError, jsonBody, newRequestId, type SimRequest, type SimResponse } from "./http.js";
import { handleGraph } from "./router.js";

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

export const MAX_BATCH = 20;

export async function batch(core: SimCore, req: SimRequest): Promise<SimResponse> {
  const b = jsonBody(req);
  if (!Array.isArray(b.requests))
    throw new GraphError(400, "BadRequest", "Invalid batch payload format: 'requests' must be an array.");
  const items = b.requests as BatchItem[];
  if (items.length === 0)
    throw new GraphError(400, "BadRequest", "Invalid batch payload format: at least one request is required.");
  if (items.length > MAX_BATCH)
    throw new GraphError(
      400,
      "BadRequest",
      `The number of requests in the batch (${items.length}) exceeds the maximum of ${MAX_BATCH}.`,
    );
  const ids = new Set<string>();
  for (const [i, it] of items.entries()) {
    if (!it || typeof it.id !== "string" || !it.id)
      throw new GraphError(400, "BadRequest", `Invalid batch payload format: requests[${i}].id is required.`);
    if (ids.has(it.id))
      throw new GraphError(400, "BadRequest", `Invalid batch payload format: duplicate request id '${it.id}'.`);
    ids.add(it.id);
    if (typeof it.method !== "string" || typeof it.url !== "string")
      throw new GraphError(400, "BadRequest", `Invalid batch payload format: requests[${i}] needs method and url.`);
    for (const d of it.dependsOn ?? [])
      if (!items.some((x) => x.id === d))
        throw new GraphError(
          400,
          "BadRequest",
          `Invalid batch payload format: requests[${i}].dependsOn refers to unknown id '${d}'.`,
        );
  }
  const results = new Map<string, { id: string; status: number; headers: Record<string, string>; body?: unknown }>();
  const run = async (it: BatchItem, chain: Set<string>): Promise<void> => {
    if (results.has(it.id)) return;
    if (chain.has(it.id))
      throw new GraphError(400, "BadRequest", `Invalid batch payload format: dependsOn cycle at '${it.id}'.`);
    chain.add(it.id);
    for (const d of it.dependsOn ?? [])
      await run(
        items.find((x) => x.id === d)!,
        chain,
      );
    const failedDep = (it.dependsOn ?? []).find((d) => (results.get(d)?.status ?? 0) >= 400);
    if (failedDep) {
      results.set(it.id, {
        id: it.id,
        status: 424,
        headers: { "content-type": "application/json" },
        body: errorBody("FailedDependency", `The request depends on request '${failedDep}', which failed.`, {
          requestId: newRequestId(),
          clientRequestId: req.clientRequestId,
        }),
      });
      return;
    }
    results.set(it.id, await runItem(core, req, it));
  };
  for (const it of items) await run(it, new Set());
  return {
    status: 200,
    headers: { "content-type": "application/json; charset=utf-8" },
    body: { responses: items.map((it) => results.get(it.id)!) },
  };
}

async function runItem(core: SimCore, outer: SimRequest, it: BatchItem) {
  const requestId = newRequestId();
  const err = (status: number, code: string, msg: string) => ({
    id: it.id,
    status,
    headers: { "content-type": "application/json" },
    body: errorBody(code, msg, { requestId, clientRequestId: outer.clientRequestId }),
  });
  if (/^https?:/i.test(it.url))
    return err(400, "BadRequest", "Batch request URLs must be relative to the version (e.g. /me/events).");
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(it.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (it.body !== undefined && !headers["content-type"])
    return err(400, "BadRequest", "A Content-Type header is required when the request has a body.");
  const u = new URL(`https://batch.invalid/${it.url.replace(/^\//, "")}`);
  const body =
    it.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(
          typeof it.body === "string" && !/json/i.test(headers["content-type"] ?? "")
            ? it.body
            : JSON.stringify(it.body),
        );
  const r = await handleGraph(core, {
    method: it.method.toUpperCase(),
    path: decodeURIComponent(u.pathname),
    query: u.searchParams,
    headers: {
      ...headers,
      ...(outer.headers["authorization"] ? { authorization: outer.headers["authorization"] } : {}),
    },
    body,
    principal: outer.principal!,
    requestId,
    clientRequestId: outer.clientRequestId,
    inBatch: true,
  });
  const out: { id: string; status: number; headers: Record<string, string>; body?: unknown } = {
    id: it.id,
    status: r.status,
    headers: {},
  };
  for (const [k, v] of Object.entries(r.headers ?? {}))
    if (k !== "request-id" && k !== "client-request-id")
      out.headers[k === "retry-after" ? "Retry-After" : k === "location" ? "Location" : k] = v;
  if (r.body !== undefined) {
    out.headers["Content-Type"] = "application/json";
    out.body = r.body;
  }
  return out;
}
