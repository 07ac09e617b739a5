// Graph routes for events: CRUD, list, calendarView, and calendarView/delta (paging, deltaLink, @removed).
import { requireOwnMailbox, requirePerm, PERMS, type Scoped } from "./access.js";
import type { SimCore } from "./core.js";
import {
  createEvent,
  deleteEvent,
  getEventRec,
  parseSvepExpand,
  renderEvent,
  resolveOrThrow,
  updateEvent,
  type RenderOptions,
} from "./events.js";
import { GraphError, jsonBody, preferences, type SimRequest, type SimResponse } from "./http.js";
import { decodeToken, encodeToken, pageSize, selectList, svepFilter } from "./odata.js";
import { expandSeries, viewOf } from "./series.js";
import { changedBetween, stateAt, type EventRec } from "./store.js";
import { parseQueryInstant, requireZone } from "./time.js";

function renderOpts(req: SimRequest, defaultTz: string | undefined): RenderOptions {
  const pref = preferences(req.headers);
  const tz = pref.get("outlook.timezone");
  if (tz) requireZone(tz, "Prefer: outlook.timezone");
  const o: RenderOptions = {};
  const zone = tz ?? defaultTz;
  if (zone) o.timeZone = zone;
  const bt = pref.get("outlook.body-content-type");
  if (bt) o.bodyType = bt;
  const svep = parseSvepExpand(req.query.get("$expand"));
  if (svep) o.expandSvep = svep;
  const sel = selectList(req);
  if (sel) o.select = sel;
  return o;
}

function preferApplied(req: SimRequest, extra?: string): Record<string, string> {
  const pref = preferences(req.headers);
  const parts: string[] = [];
  const tz = pref.get("outlook.timezone");
  if (tz) parts.push(`outlook.timezone="${tz}"`);
  if (extra) parts.push(extra);
  return parts.length ? { "preference-applied": parts.join(", ") } : {};
}

export function eventRoutes(core: SimCore, req: SimRequest, s: Scoped): SimResponse | undefined {
  const p = req.principal!;
  const { mb } = s;
  const rest = s.rest.replace(/^\/calendar\/events/i, "/events");
  const ctxBase = `${core.graphUrl}/$metadata#users('${mb.id}')/events`;
  let m: RegExpExecArray | null;

  if (/^\/events\/?$/i.test(rest)) {
    requireOwnMailbox(p, mb);
    if (req.method === "POST") {
      requirePerm(p, PERMS.calWrite);
      const { rec } = createEvent(core.store, mb, jsonBody(req));
      return {
        status: 201,
        headers: preferApplied(req),
        body: { "@odata.context": `${ctxBase}/$entity`, ...renderEvent(rec, renderOpts(req, undefined)) },
      };
    }
    if (req.method === "GET") {
      requirePerm(p, PERMS.calRead);
      const filter = req.query.get("$filter");
      const f = svepFilter(filter);
      if (filter && !f)
        throw new GraphError(
          400,
          "ErrorInvalidUrlQueryFilter",
          `The sim supports only singleValueExtendedProperties/any(ep: ep/id eq '…' and ep/value eq '…') in $filter, got: ${filter}`,
        );
      const all = [...mb.events.current.values()].filter((r) => !f || f(r.ev.singleValueExtendedProperties));
      return listPage(core, req, s, all, "events", renderOpts(req, "UTC"), `${ctxBase}`);
    }
    throw methodNotAllowed();
  }
  if ((m = /^\/events\/([^/]+)$/i.exec(rest))) {
    requireOwnMailbox(p, mb);
    const id = decodeURIComponent(m[1]!);
    if (req.method === "GET") {
      requirePerm(p, PERMS.calRead);
      return {
        status: 200,
        headers: preferApplied(req),
        body: { "@odata.context": `${ctxBase}/$entity`, ...renderEvent(getEventRec(mb, id), renderOpts(req, "UTC")) },
      };
    }
    if (req.method === "PATCH") {
      requirePerm(p, PERMS.calWrite);
      const rec = updateEvent(core.store, mb, id, jsonBody(req), req.headers["if-match"]);
      return {
        status: 200,
        headers: preferApplied(req),
        body: { "@odata.context": `${ctxBase}/$entity`, ...renderEvent(rec, renderOpts(req, undefined)) },
      };
    }
    if (req.method === "DELETE") {
      requirePerm(p, PERMS.calWrite);
      deleteEvent(core.store, mb, id, req.headers["if-match"]);
      return { status: 204 };
    }
    throw methodNotAllowed();
  }
  if ((m = /^\/events\/([^/]+)\/instances\/?$/i.exec(rest)) && req.method === "GET") {
    requireOwnMailbox(p, mb);
    requirePerm(p, PERMS.calRead);
    const start = parseQueryInstant(req.query.get("startDateTime"), "startDateTime");
    const end = parseQueryInstant(req.query.get("endDateTime"), "endDateTime");
    const found = resolveOrThrow(mb, decodeURIComponent(m[1]!));
    // The occurrences and exceptions of a seriesMaster in the range (cancelled ones left out); nothing for others.
    const all = found.kind === "stored" && found.rec.series ? expandSeries(found.rec, start, end) : [];
    return listPage(core, req, s, all, `events/${m[1]!}/instances`, renderOpts(req, "UTC"), `${ctxBase}`);
  }
  if (/^\/calendar[vV]iew\/?$/.test(rest) && req.method === "GET") {
    requireOwnMailbox(p, mb);
    requirePerm(p, PERMS.calRead);
    const start = parseQueryInstant(req.query.get("startDateTime"), "startDateTime");
    const end = parseQueryInstant(req.query.get("endDateTime"), "endDateTime");
    const all = viewOf(mb.events.current.values(), start, end);
    return listPage(core, req, s, all, "calendarView", renderOpts(req, "UTC"), `${ctxBase}`);
  }
  if (/^\/calendar[vV]iew\/delta\/?$/.test(rest) && req.method === "GET") {
    requireOwnMailbox(p, mb);
    requirePerm(p, PERMS.calRead);
    return delta(core, req, s);
  }
  return undefined;
}

export const methodNotAllowed = (): GraphError =>
  new GraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");

function listPage(
  core: SimCore,
  req: SimRequest,
  s: Scoped,
  all: EventRec[],
  seg: string,
  o: RenderOptions,
  ctx: string,
): SimResponse {
  const { size, applied } = pageSize(req, core.opts.defaultPageSize);
  const skip = Number(req.query.get("$skip") ?? "0") || 0;
  const page = all.slice(skip, skip + size);
  const body: Record<string, unknown> = { "@odata.context": ctx, value: page.map((r) => renderEvent(r, o)) };
  if (skip + size < all.length) {
    const q = new URLSearchParams(req.query);
    q.set("$skip", String(skip + size));
    body["@odata.nextLink"] = `${core.graphUrl}/${s.prefix}/${seg}?${q.toString()}`;
  }
  return { status: 200, headers: preferApplied(req, applied), body };
}

interface DeltaState {
  k: "cv";
  m: string;
  s: number;
  e: number;
  since: number;
  upto: number;
  off: number;
  /** when the token was issued (simulator clock), for expiry by age */
  iat: number;
}

const REMOVED = (id: string) => ({ "@odata.type": "#microsoft.graph.event", id, "@removed": { reason: "deleted" } });

function delta(core: SimCore, req: SimRequest, sc: Scoped): SimResponse {
  const { mb } = sc;
  let st: DeltaState;
  const skip = req.query.get("$skiptoken");
  const dtok = req.query.get("$deltatoken");
  const link = `${core.graphUrl}/${sc.prefix}/calendarView/delta`;
  const now = core.now();
  if (skip || dtok) {
    const t = decodeToken((skip ?? dtok)!, "cv") as unknown as DeltaState;
    if (t.m !== mb.id) throw new GraphError(400, "BadRequest", "The delta token belongs to another mailbox.");
    if (now - t.iat > core.opts.deltaTokenMaxAgeMs) {
      // The sync state is gone: 410 with the code Graph uses and, in Location, a fresh delta URL for the same window.
      const fresh = `${link}?startDateTime=${new Date(t.s).toISOString()}&endDateTime=${new Date(t.e).toISOString()}`;
      throw new GraphError(410, "syncStateNotFound", "The sync state generation is too old. Restart the sync.", {
        location: fresh,
      });
    }
    st = skip ? t : { ...t, since: t.upto, upto: core.store.currentSeq, off: 0, iat: now };
  } else {
    const s = parseQueryInstant(req.query.get("startDateTime"), "startDateTime");
    const e = parseQueryInstant(req.query.get("endDateTime"), "endDateTime");
    st = { k: "cv", m: mb.id, s, e, since: 0, upto: core.store.currentSeq, off: 0, iat: now };
  }
  const o = renderOpts(req, "UTC");
  const items: Record<string, unknown>[] = [];
  const view = (r: EventRec | undefined) => new Map((r ? viewOf([r], st.s, st.e) : []).map((x) => [x.ev.id, x]));
  for (const id of changedBetween(mb.events, st.since, st.upto)) {
    const before = st.since > 0 ? stateAt(mb.events, id, st.since) : undefined;
    const after = stateAt(mb.events, id, st.upto);
    // A series is compared occurrence by occurrence; the master itself never appears (calendarView delta).
    const was = view(before);
    const is = view(after);
    for (const [oid, a] of is) {
      const b = was.get(oid);
      if (b && b.ev.changeKey === a.ev.changeKey) continue;
      const full: Record<string, unknown> = { "@odata.type": "#microsoft.graph.event", ...renderEvent(a, o) };
      if (b && core.opts.deltaUpdates === "changedOnly") {
        const prev = renderEvent(b, o);
        const partial: Record<string, unknown> = {
          "@odata.type": full["@odata.type"],
          "@odata.etag": full["@odata.etag"],
        };
        for (const [k, v] of Object.entries(full)) if (JSON.stringify(prev[k]) !== JSON.stringify(v)) partial[k] = v;
        partial.id = oid;
        items.push(partial);
      } else items.push(full);
    }
    if (st.since === 0) continue;
    for (const oid of was.keys()) if (!is.has(oid)) items.push(REMOVED(oid));
    // event-delta.md: after the first round, @removed (reason deleted) also covers events *outside* the window that
    // were added, updated or deleted. (Occurrences of a series outside the window are not enumerated.)
    if (!before?.series && !after?.series && was.size === 0 && is.size === 0) items.push(REMOVED(id));
  }
  const { size, applied } = pageSize(req, core.opts.defaultPageSize);
  const page = items.slice(st.off, st.off + size);
  const body: Record<string, unknown> = { "@odata.context": `${core.graphUrl}/$metadata#Collection(event)` };
  if (st.off + size < items.length)
    body["@odata.nextLink"] = `${link}?$skiptoken=${encodeToken({ ...st, off: st.off + size })}`;
  else
    body["@odata.deltaLink"] =
      `${link}?$deltatoken=${encodeToken({ k: "cv", m: st.m, s: st.s, e: st.e, since: st.since, upto: st.upto, off: 0, iat: now })}`;
  body.value = page;
  return { status: 200, headers: preferApplied(req, applied), body };
}
