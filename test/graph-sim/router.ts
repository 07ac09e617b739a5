// Graph request pipeline: bearer check, counters, concurrency limit, injected faults, then the resource routes.
import { createHash } from "node:crypto";
import { peekMailbox, requireOwnMailbox, requirePerm, requireProfileRead, scope, PERMS } from "./access.js";
import { batch } from "./batch.js";
import type { SimCore } from "./core.js";
import { eventRoutes, methodNotAllowed } from "./eventRoutes.js";
import { endpointKey } from "./faults.js";
import { errorBody, errorResponse, GraphError, type SimRequest, type SimResponse } from "./http.js";
import { mailRoutes } from "./mail.js";
import { mailboxSettingsRoutes } from "./mailboxSettings.js";
import type { Mailbox } from "./store.js";
import { todoRoutes } from "./todo.js";

export function userProfile(core: SimCore, mb: Mailbox): Record<string, unknown> {
  return {
    "@odata.context": `${core.graphUrl}/$metadata#users/$entity`,
    businessPhones: [],
    displayName: mb.displayName,
    givenName: null,
    jobTitle: null,
    mail: mb.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: "en-US",
    surname: null,
    userPrincipalName: mb.userPrincipalName,
    id: mb.id,
  };
}

async function route(core: SimCore, req: SimRequest): Promise<SimResponse> {
  const p = req.principal!;
  if (req.path === "/$batch") {
    if (req.method !== "POST") throw methodNotAllowed();
    return batch(core, req);
  }
  if (/^\/subscriptions(\/|$)/i.test(req.path)) {
    const r = await core.subs.route(req);
    if (r) return r;
    throw methodNotAllowed();
  }
  if (/^\/users\/?$/i.test(req.path) && req.method === "GET") {
    requirePerm(p, PERMS.userRead, true);
    return {
      status: 200,
      body: {
        "@odata.context": `${core.graphUrl}/$metadata#users`,
        value: [...core.store.mailboxes.values()].map((m) => {
          const { "@odata.context": _c, ...u } = userProfile(core, m);
          return u;
        }),
      },
    };
  }
  const s = scope(req, core.store);
  if (s) {
    if (s.rest === "" || s.rest === "/") {
      if (req.method !== "GET") throw methodNotAllowed();
      requireProfileRead(p, s.mb);
      return { status: 200, body: userProfile(core, s.mb) };
    }
    if (/^\/outlook\/masterCategories\/?$/i.test(s.rest) && req.method === "GET") {
      requireOwnMailbox(p, s.mb);
      requirePerm(p, PERMS.mailboxSettingsRead);
      const colors = ["preset0", "preset1", "preset2", "preset3", "preset4", "preset5"];
      return {
        status: 200,
        body: {
          "@odata.context": `${core.graphUrl}/$metadata#users('${s.mb.id}')/outlook/masterCategories`,
          value: s.mb.categories.map((displayName, i) => ({
            id: createHash("sha256")
              .update(`${s.mb.id}/${displayName}`)
              .digest("hex")
              .slice(0, 32)
              .replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-"),
            displayName,
            color: colors[i % colors.length],
          })),
        },
      };
    }
    const r =
      eventRoutes(core, req, s) ??
      mailboxSettingsRoutes(core, req, s) ??
      todoRoutes(core, req, s) ??
      (await mailRoutes(core, req, s));
    if (r) return r;
  }
  throw new GraphError(
    400,
    "BadRequest",
    `Resource not found for the segment '${req.path.split("/").filter(Boolean).pop() ?? ""}'.`,
  );
}

/** Runs one Graph request (direct or a $batch item) through counters, concurrency, faults and the routes. */
export async function handleGraph(core: SimCore, req: SimRequest): Promise<SimResponse> {
  const base = { "request-id": req.requestId, "client-request-id": req.clientRequestId };
  const withBase = (r: SimResponse): SimResponse => ({ ...r, headers: { ...base, ...(r.headers ?? {}) } });
  let mb: Mailbox | undefined;
  try {
    if (!req.principal) req.principal = core.identity.authenticate(req.headers["authorization"]);
    mb = peekMailbox(req.path, req.principal, core.store);
  } catch (e) {
    core.faults.count(endpointKey(req.method, req.path), undefined, req.inBatch);
    if (e instanceof GraphError) return withBase(errorResponse(req, e));
    throw e;
  }
  core.faults.count(endpointKey(req.method, req.path), mb?.id, req.inBatch);
  let entered = false;
  try {
    if (mb) {
      if (!core.faults.enter(mb.id)) return withBase(core.faults.throttleResponse(req));
      entered = true;
    }
    const f = core.faults.take(req.method, req.path, mb ? [mb.id, mb.userPrincipalName] : []);
    if (f) {
      await core.faults.wait(f);
      if (f.status >= 400) return withBase(core.faults.response(f, req));
    }
    return withBase(await route(core, req));
  } catch (e) {
    if (e instanceof GraphError) return withBase(errorResponse(req, e));
    console.error("graph-sim: handler crashed", e);
    return withBase({
      status: 500,
      body: errorBody("InternalServerError", `Simulator error: ${(e as Error).message}`, req),
    });
  } finally {
    if (entered && mb) core.faults.leave(mb.id);
  }
}
