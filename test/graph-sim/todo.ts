// Microsoft To Do: task lists, tasks CRUD with linkedResources, and tasks/delta; shared by routes and the test API.
import { PERMS, requireOwnMailbox, requirePerm, type Scoped } from "./access.js";
import type { SimCore } from "./core.js";
import { renderBody, storeBody } from "./events.js";
import { methodNotAllowed } from "./eventRoutes.js";
import { GraphError, jsonBody, preferences, type SimRequest, type SimResponse } from "./http.js";
import { etagOf, newChangeKey, newItemId } from "./ids.js";
import { decodeToken, encodeToken, pageSize } from "./odata.js";
import { changedBetween, newVersioned, stateAt, type ListRec, type Mailbox, type Store } from "./store.js";
import { graphTimestamp, utcToWall, wallToUtc } from "./time.js";
import type { DateTimeTimeZone, LinkedResource, TodoTask, TodoTaskList } from "./types.js";

const WRITABLE = new Set([
  "title",
  "body",
  "importance",
  "status",
  "dueDateTime",
  "reminderDateTime",
  "startDateTime",
  "completedDateTime",
  "isReminderOn",
  "categories",
  "linkedResources",
  "recurrence",
]);
const READONLY = new Set([
  "id",
  "createdDateTime",
  "lastModifiedDateTime",
  "bodyLastModifiedDateTime",
  "hasAttachments",
]);
const STATUSES = ["notStarted", "inProgress", "completed", "waitingOnOthers", "deferred"];

export function renderList(l: TodoTaskList): TodoTaskList {
  return {
    "@odata.type": "#microsoft.graph.todoTaskList",
    id: l.id,
    displayName: l.displayName,
    isOwner: l.isOwner,
    isShared: l.isShared,
    wellknownListName: l.wellknownListName,
  };
}

export function getList(mb: Mailbox, listId: string): ListRec {
  const l = mb.lists.get(listId);
  if (!l) throw new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
  return l;
}

function getTask(l: ListRec, id: string): TodoTask {
  const t = l.tasks.current.get(id);
  if (!t) throw new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
  return t;
}

function utcDtz(v: unknown, field: string): DateTimeTimeZone {
  const o = v as { dateTime?: unknown; timeZone?: unknown } | null;
  if (!o || typeof o.dateTime !== "string")
    throw new GraphError(400, "BadRequest", `'${field}' must be a dateTimeTimeZone with dateTime and timeZone.`);
  const ms = wallToUtc(o.dateTime, typeof o.timeZone === "string" && o.timeZone ? o.timeZone : "UTC", field);
  return { dateTime: utcToWall(ms, "UTC"), timeZone: "UTC" };
}

function linked(v: unknown): LinkedResource {
  const r = (v ?? {}) as Record<string, unknown>;
  const s = (k: string) => (typeof r[k] === "string" ? (r[k] as string) : null);
  return {
    id: newItemId().slice(0, 36),
    webUrl: s("webUrl"),
    applicationName: s("applicationName"),
    displayName: s("displayName"),
    externalId: s("externalId"),
  };
}

function apply(t: TodoTask, b: Record<string, unknown>): void {
  for (const k of Object.keys(b)) {
    if (k.startsWith("@odata.") || WRITABLE.has(k) || READONLY.has(k)) continue;
    throw new GraphError(
      400,
      "RequestBodyRead",
      `The property '${k}' does not exist on type 'microsoft.graph.todoTask'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
    );
  }
  if ("title" in b) t.title = String(b.title ?? "");
  if ("body" in b) {
    t.body = storeBody(b.body);
    t.bodyLastModifiedDateTime = graphTimestamp(Date.now());
  }
  if ("importance" in b) {
    if (!["low", "normal", "high"].includes(String(b.importance)))
      throw new GraphError(400, "BadRequest", `Invalid importance '${String(b.importance)}'.`);
    t.importance = b.importance as TodoTask["importance"];
  }
  if ("status" in b) {
    if (!STATUSES.includes(String(b.status)))
      throw new GraphError(400, "BadRequest", `Invalid status '${String(b.status)}'.`);
    t.status = b.status as TodoTask["status"];
    if (t.status === "completed" && !t.completedDateTime)
      t.completedDateTime = { dateTime: utcToWall(Date.now(), "UTC"), timeZone: "UTC" };
    if (t.status !== "completed") delete t.completedDateTime;
  }
  if ("isReminderOn" in b) t.isReminderOn = Boolean(b.isReminderOn);
  if ("categories" in b) {
    if (!Array.isArray(b.categories))
      throw new GraphError(400, "BadRequest", "categories must be an array of strings.");
    t.categories = (b.categories as unknown[]).map(String);
  }
  for (const k of ["dueDateTime", "reminderDateTime", "startDateTime", "completedDateTime"] as const) {
    if (!(k in b)) continue;
    if (b[k] === null) delete t[k];
    else t[k] = utcDtz(b[k], k);
  }
  if ("reminderDateTime" in b && b.reminderDateTime && !("isReminderOn" in b)) t.isReminderOn = true;
}

export function createTask(store: Store, mb: Mailbox, listId: string, b: Record<string, unknown>): TodoTask {
  const l = getList(mb, listId);
  const now = Date.now();
  const ck = newChangeKey();
  const t: TodoTask = {
    "@odata.etag": etagOf(ck),
    importance: "normal",
    isReminderOn: false,
    status: "notStarted",
    title: "",
    createdDateTime: graphTimestamp(now),
    lastModifiedDateTime: graphTimestamp(now),
    hasAttachments: false,
    categories: [],
    id: newItemId(),
    body: { content: "", contentType: "text" },
    bodyLastModifiedDateTime: graphTimestamp(now),
  };
  apply(t, b);
  if ("linkedResources" in b) {
    if (!Array.isArray(b.linkedResources)) throw new GraphError(400, "BadRequest", "linkedResources must be an array.");
    t.linkedResources = (b.linkedResources as unknown[]).map(linked);
  } else t.linkedResources = [];
  store.record(l.tasks, t.id, t);
  store.emit({ mailbox: mb, kind: "todoTask", changeType: "created", id: t.id, etag: t["@odata.etag"], listId });
  return t;
}

export function updateTask(
  store: Store,
  mb: Mailbox,
  listId: string,
  id: string,
  b: Record<string, unknown>,
  ifMatch?: string,
): TodoTask {
  const l = getList(mb, listId);
  const old = getTask(l, id);
  if (ifMatch && ifMatch !== "*" && ifMatch !== old["@odata.etag"])
    throw new GraphError(
      412,
      "PreconditionFailed",
      "The ETag in If-Match does not match the current version of the task.",
    );
  const t = structuredClone(old);
  if ("linkedResources" in b)
    throw new GraphError(
      400,
      "BadRequest",
      "linkedResources cannot be updated through the task; use /linkedResources.",
    );
  apply(t, b);
  t["@odata.etag"] = etagOf(newChangeKey());
  t.lastModifiedDateTime = graphTimestamp(Date.now());
  store.record(l.tasks, id, t);
  store.emit({ mailbox: mb, kind: "todoTask", changeType: "updated", id, etag: t["@odata.etag"], listId });
  return t;
}

export function deleteTask(store: Store, mb: Mailbox, listId: string, id: string): void {
  const l = getList(mb, listId);
  const t = getTask(l, id);
  store.record(l.tasks, id, null);
  store.emit({ mailbox: mb, kind: "todoTask", changeType: "deleted", id, etag: t["@odata.etag"], listId });
}

/**
 * The user moves a task to another list in the Outlook client (Graph has no move endpoint): it leaves `fromListId`
 * (that list's delta reports it @removed) and appears in `toListId` as a new task with a new id.
 */
export function moveTask(store: Store, mb: Mailbox, fromListId: string, toListId: string, id: string): TodoTask {
  const from = getList(mb, fromListId);
  const to = getList(mb, toListId);
  const t = getTask(from, id);
  store.record(from.tasks, id, null);
  store.emit({ mailbox: mb, kind: "todoTask", changeType: "deleted", id, etag: t["@odata.etag"], listId: fromListId });
  const moved: TodoTask = {
    ...structuredClone(t),
    id: newItemId(),
    "@odata.etag": etagOf(newChangeKey()),
    lastModifiedDateTime: graphTimestamp(Date.now()),
  };
  store.record(to.tasks, moved.id, moved);
  store.emit({
    mailbox: mb,
    kind: "todoTask",
    changeType: "created",
    id: moved.id,
    etag: moved["@odata.etag"],
    listId: toListId,
  });
  return moved;
}

/** PATCH /todo/lists/{id}: only displayName is writable; a well-known list (Tasks, Flagged email) cannot be renamed. */
export function renameList(mb: Mailbox, listId: string, displayName: unknown): TodoTaskList {
  const l = getList(mb, listId);
  if (typeof displayName !== "string" || !displayName)
    throw new GraphError(400, "BadRequest", "displayName must be a non-empty string.");
  if (l.list.wellknownListName !== "none")
    throw new GraphError(400, "BadRequest", "A well-known list cannot be renamed.");
  l.list = { ...l.list, displayName };
  return l.list;
}

/** DELETE /todo/lists/{id}: the list and its tasks are gone (its delta and tasks answer 404); well-known lists stay. */
export function deleteList(mb: Mailbox, listId: string): void {
  const l = getList(mb, listId);
  if (l.list.wellknownListName !== "none")
    throw new GraphError(400, "BadRequest", "A well-known list cannot be deleted.");
  mb.lists.delete(listId);
}

/**
 * Graph view of a task: dates in Prefer: outlook.timezone (else UTC); linkedResources with $expand, and in the answer
 * to the POST that created them (Microsoft's create example shows them; GET, list and delta do not without $expand).
 */
export function renderTask(t: TodoTask, req?: SimRequest, withLinked = false): Record<string, unknown> {
  const { linkedResources, ...rest } = structuredClone(t);
  const out: Record<string, unknown> = { ...rest };
  const pref = req ? preferences(req.headers) : new Map<string, string>();
  const tz = pref.get("outlook.timezone");
  if (tz)
    for (const k of ["dueDateTime", "reminderDateTime", "startDateTime", "completedDateTime"] as const) {
      const d = t[k];
      if (d) out[k] = { dateTime: utcToWall(Date.parse(`${d.dateTime.slice(0, 23)}Z`), tz), timeZone: tz };
    }
  out.body = pref.get("outlook.body-content-type") ? renderBody(t.body, pref.get("outlook.body-content-type")) : t.body;
  if (withLinked || (req && /linkedResources/i.test(req.query.get("$expand") ?? "")))
    out.linkedResources = linkedResources ?? [];
  return out;
}

export function todoRoutes(core: SimCore, req: SimRequest, s: Scoped): SimResponse | undefined {
  if (!/^\/todo\//i.test(s.rest)) return undefined;
  const p = req.principal!;
  const { mb } = s;
  requireOwnMailbox(p, mb);
  const write = req.method !== "GET";
  requirePerm(p, write ? PERMS.tasksWrite : PERMS.tasksRead);
  const ctx = `${core.graphUrl}/$metadata#users('${mb.id}')/todo/lists`;
  let m: RegExpExecArray | null;
  if (/^\/todo\/lists\/?$/i.test(s.rest)) {
    if (req.method === "GET")
      return {
        status: 200,
        body: { "@odata.context": ctx, value: [...mb.lists.values()].map((l) => renderList(l.list)) },
      };
    if (req.method === "POST") {
      const b = jsonBody(req);
      if (typeof b.displayName !== "string" || !b.displayName)
        throw new GraphError(400, "BadRequest", "displayName is required.");
      const id = newItemId();
      const list: TodoTaskList = {
        displayName: b.displayName,
        isOwner: true,
        isShared: false,
        wellknownListName: "none",
        id,
      };
      mb.lists.set(id, { list, tasks: newVersioned() });
      return { status: 201, body: { "@odata.context": `${ctx}/$entity`, ...renderList(list) } };
    }
    throw methodNotAllowed();
  }
  if ((m = /^\/todo\/lists\/([^/]+)\/?$/i.exec(s.rest))) {
    const listId = decodeURIComponent(m[1]!);
    const l = getList(mb, listId);
    if (req.method === "GET")
      return { status: 200, body: { "@odata.context": `${ctx}/$entity`, ...renderList(l.list) } };
    if (req.method === "PATCH") {
      const list = renameList(mb, listId, jsonBody(req).displayName);
      return { status: 200, body: { "@odata.context": `${ctx}/$entity`, ...renderList(list) } };
    }
    if (req.method === "DELETE") {
      deleteList(mb, listId);
      return { status: 204 };
    }
    throw methodNotAllowed();
  }
  if ((m = /^\/todo\/lists\/([^/]+)\/tasks\/delta\/?$/i.exec(s.rest))) {
    if (req.method !== "GET") throw methodNotAllowed();
    return taskDelta(core, req, s, decodeURIComponent(m[1]!));
  }
  if ((m = /^\/todo\/lists\/([^/]+)\/tasks\/?$/i.exec(s.rest))) {
    const listId = decodeURIComponent(m[1]!);
    const l = getList(mb, listId);
    const tctx = `${ctx}('${listId}')/tasks`;
    if (req.method === "POST")
      return {
        status: 201,
        body: {
          "@odata.context": `${tctx}/$entity`,
          ...renderTask(createTask(core.store, mb, listId, jsonBody(req)), req, true),
        },
      };
    if (req.method === "GET") {
      const all = [...l.tasks.current.values()];
      const { size } = pageSize(req, core.opts.defaultPageSize);
      const skip = Number(req.query.get("$skip") ?? "0") || 0;
      const body: Record<string, unknown> = {
        "@odata.context": tctx,
        value: all.slice(skip, skip + size).map((t) => renderTask(t, req)),
      };
      if (skip + size < all.length) {
        const q = new URLSearchParams(req.query);
        q.set("$skip", String(skip + size));
        body["@odata.nextLink"] = `${core.graphUrl}/${s.prefix}/todo/lists/${listId}/tasks?${q.toString()}`;
      }
      return { status: 200, body };
    }
    throw methodNotAllowed();
  }
  if ((m = /^\/todo\/lists\/([^/]+)\/tasks\/([^/]+)\/?$/i.exec(s.rest))) {
    const listId = decodeURIComponent(m[1]!);
    const id = decodeURIComponent(m[2]!);
    const l = getList(mb, listId);
    const tctx = `${ctx}('${listId}')/tasks/$entity`;
    if (req.method === "GET")
      return { status: 200, body: { "@odata.context": tctx, ...renderTask(getTask(l, id), req) } };
    if (req.method === "PATCH")
      return {
        status: 200,
        body: {
          "@odata.context": tctx,
          ...renderTask(updateTask(core.store, mb, listId, id, jsonBody(req), req.headers["if-match"]), req),
        },
      };
    if (req.method === "DELETE") {
      deleteTask(core.store, mb, listId, id);
      return { status: 204 };
    }
    throw methodNotAllowed();
  }
  if ((m = /^\/todo\/lists\/([^/]+)\/tasks\/([^/]+)\/linkedResources(?:\/([^/]+))?\/?$/i.exec(s.rest))) {
    const listId = decodeURIComponent(m[1]!);
    const id = decodeURIComponent(m[2]!);
    const l = getList(mb, listId);
    const t = getTask(l, id);
    const lrId = m[3] ? decodeURIComponent(m[3]) : undefined;
    if (!lrId && req.method === "GET") return { status: 200, body: { value: t.linkedResources ?? [] } };
    if (!lrId && req.method === "POST") {
      const copy = structuredClone(t);
      const lr = linked(jsonBody(req));
      copy.linkedResources = [...(copy.linkedResources ?? []), lr];
      copy["@odata.etag"] = etagOf(newChangeKey());
      copy.lastModifiedDateTime = graphTimestamp(Date.now());
      core.store.record(l.tasks, id, copy);
      core.store.emit({ mailbox: mb, kind: "todoTask", changeType: "updated", id, etag: copy["@odata.etag"], listId });
      return { status: 201, body: lr };
    }
    if (lrId) {
      const lr = (t.linkedResources ?? []).find((x) => x.id === lrId);
      if (!lr) throw new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
      if (req.method === "GET") return { status: 200, body: lr };
      if (req.method === "DELETE" || req.method === "PATCH") {
        const copy = structuredClone(t);
        const b = req.method === "PATCH" ? jsonBody(req) : undefined;
        copy.linkedResources = (copy.linkedResources ?? []).flatMap((x) =>
          x.id !== lrId ? [x] : b ? [{ ...x, ...linked({ ...x, ...b }), id: x.id }] : [],
        );
        copy["@odata.etag"] = etagOf(newChangeKey());
        core.store.record(l.tasks, id, copy);
        core.store.emit({
          mailbox: mb,
          kind: "todoTask",
          changeType: "updated",
          id,
          etag: copy["@odata.etag"],
          listId,
        });
        return b ? { status: 200, body: copy.linkedResources.find((x) => x.id === lrId) } : { status: 204 };
      }
    }
    throw methodNotAllowed();
  }
  return undefined;
}

interface TaskDeltaState {
  k: "todo";
  m: string;
  l: string;
  since: number;
  upto: number;
  off: number;
}

function taskDelta(core: SimCore, req: SimRequest, s: Scoped, listId: string): SimResponse {
  const { mb } = s;
  const l = getList(mb, listId);
  const skip = req.query.get("$skiptoken");
  const dtok = req.query.get("$deltatoken");
  let st: TaskDeltaState;
  if (skip || dtok) {
    const t = decodeToken((skip ?? dtok)!, "todo") as unknown as TaskDeltaState;
    if (t.m !== mb.id || t.l !== listId)
      throw new GraphError(400, "BadRequest", "The delta token belongs to another list.");
    st = skip ? t : { ...t, since: t.upto, upto: core.store.currentSeq, off: 0 };
  } else st = { k: "todo", m: mb.id, l: listId, since: 0, upto: core.store.currentSeq, off: 0 };
  const items: Record<string, unknown>[] = [];
  for (const id of changedBetween(l.tasks, st.since, st.upto)) {
    const before = st.since > 0 ? stateAt(l.tasks, id, st.since) : undefined;
    const after = stateAt(l.tasks, id, st.upto);
    if (after) {
      const full = renderTask(after, req);
      if (before && core.opts.deltaUpdates === "changedOnly") {
        const prev = renderTask(before, req);
        const partial: Record<string, unknown> = { "@odata.etag": full["@odata.etag"] };
        for (const [k, v] of Object.entries(full)) if (JSON.stringify(prev[k]) !== JSON.stringify(v)) partial[k] = v;
        partial.id = id;
        items.push(partial);
      } else items.push(full);
    } else if (before)
      items.push({ "@odata.type": "#microsoft.graph.todoTask", id, "@removed": { reason: "deleted" } });
  }
  const { size } = pageSize(req, core.opts.defaultPageSize);
  const page = items.slice(st.off, st.off + size);
  const link = `${core.graphUrl}/${s.prefix}/todo/lists/${listId}/tasks/delta`;
  const body: Record<string, unknown> = {};
  if (st.off + size < items.length)
    body["@odata.nextLink"] = `${link}?$skiptoken=${encodeToken({ ...st, off: st.off + size })}`;
  else body["@odata.deltaLink"] = `${link}?$deltatoken=${encodeToken({ ...st, off: 0 })}`;
  body.value = page;
  return { status: 200, body };
}
