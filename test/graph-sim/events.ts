// Event operations on the store (create / update / delete / render), shared by Graph routes and the test API.
import type {
  GeoCoordinates,
  GraphEvent,
  GraphLocation,
  PhysicalAddress,
  SingleValueExtendedProperty,
} from "./types.js";
import { GraphError } from "./http.js";
import { changeKeyFromEtag, etagOf, hex, newChangeKey, newItemId } from "./ids.js";
import { parseRecurrence } from "./recurrence.js";
import { resolveEvent, type Resolved } from "./series.js";
import type { EventRec, Mailbox, Store } from "./store.js";
import { graphTimestamp, requireZone, utcToWall, wallToUtc } from "./time.js";

/**
 * A meeting message Exchange sends on the organizer's behalf: creating an event with attendees sends them a request,
 * updating such an event sends an update, deleting it (or cancelling an occurrence) a cancellation
 * (user-post-events.md, event-update.md, event-delete.md). Drafts send nothing.
 */
export interface Invitation {
  kind: "request" | "update" | "cancellation";
  eventId: string;
  subject: string;
  to: string[];
  /** simulator wall clock (ms) */
  at: number;
}

const sentInvitations = new WeakMap<Mailbox, Invitation[]>();

/** The meeting messages the mailbox has sent so far. */
export function invitationsOf(mb: Mailbox): Invitation[] {
  return [...(sentInvitations.get(mb) ?? [])];
}

function invite(mb: Mailbox, kind: Invitation["kind"], ev: GraphEvent): void {
  const to = ev.attendees.map((a) => a.emailAddress.address).filter((a) => a !== "");
  if (to.length === 0 || ev.isDraft || !ev.isOrganizer) return;
  const list = sentInvitations.get(mb) ?? [];
  list.push({ kind, eventId: ev.id, subject: ev.subject, to, at: Date.now() });
  sentInvitations.set(mb, list);
}

const WRITABLE = new Set([
  "subject",
  "body",
  "start",
  "end",
  "location",
  "locations",
  "attendees",
  "categories",
  "isAllDay",
  "isReminderOn",
  "reminderMinutesBeforeStart",
  "importance",
  "sensitivity",
  "showAs",
  "allowNewTimeProposals",
  "hideAttendees",
  "isOnlineMeeting",
  "onlineMeetingProvider",
  "responseRequested",
  "transactionId",
  "recurrence",
  "singleValueExtendedProperties",
  "multiValueExtendedProperties",
  "originalStartTimeZone",
  "originalEndTimeZone",
  "isCancelled",
  "isDraft",
]);
/** Read-only properties a client may send back unchanged; Graph ignores them. */
const IGNORED = new Set([
  "id",
  "createdDateTime",
  "lastModifiedDateTime",
  "changeKey",
  "iCalUId",
  "hasAttachments",
  "bodyPreview",
  "isOrganizer",
  "seriesMasterId",
  "type",
  "webLink",
  "onlineMeetingUrl",
  "onlineMeeting",
  "responseStatus",
  "organizer",
]);

function checkKeys(body: Record<string, unknown>): void {
  for (const k of Object.keys(body)) {
    if (k.startsWith("@odata.") || WRITABLE.has(k) || IGNORED.has(k)) continue;
    throw new GraphError(
      400,
      "RequestBodyRead",
      `The property '${k}' does not exist on type 'microsoft.graph.event'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
    );
  }
}

function asDtz(v: unknown, field: string): { dateTime: string; timeZone: string } {
  const o = v as { dateTime?: unknown; timeZone?: unknown } | null;
  if (!o || typeof o !== "object" || typeof o.dateTime !== "string")
    throw new GraphError(
      400,
      "ErrorInvalidRequest",
      `'${field}' must be a dateTimeTimeZone with dateTime and timeZone.`,
    );
  const timeZone = typeof o.timeZone === "string" && o.timeZone ? o.timeZone : "UTC";
  requireZone(timeZone, `${field}.timeZone`);
  return { dateTime: o.dateTime, timeZone };
}

const normWall = (ms: number, tz: string): string => utcToWall(ms, tz);

function stripHtml(s: string): string {
  return s
    .replace(/<head[\s\S]*?<\/head>/gi, "")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .trim();
}
const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r?\n/g, "<br>\r\n");

/** Exchange stores bodies as HTML: text is converted, bare HTML fragments get a document around them. */
export function storeBody(v: unknown): { contentType: string; content: string } {
  const b = (v ?? {}) as { contentType?: unknown; content?: unknown };
  const ct = String(b.contentType ?? "text").toLowerCase();
  const content = typeof b.content === "string" ? b.content : "";
  if (ct === "html")
    return {
      contentType: "html",
      content: /^\s*<html/i.test(content) ? content : `<html><head></head><body>${content}</body></html>`,
    };
  return { contentType: "text", content };
}

/** Renders a body as Prefer: outlook.body-content-type asks (default html, as Graph). */
export function renderBody(
  b: { contentType: string; content: string },
  want: string | undefined,
): { contentType: string; content: string } {
  if (want?.toLowerCase() === "text")
    return { contentType: "text", content: b.contentType === "html" ? stripHtml(b.content) : b.content };
  if (b.contentType === "html") return b;
  return {
    contentType: "html",
    content: b.content ? `<html><head></head><body>${escapeHtml(b.content)}</body></html>` : "",
  };
}

function mergeSvep(existing: SingleValueExtendedProperty[] | undefined, v: unknown): SingleValueExtendedProperty[] {
  if (!Array.isArray(v)) throw new GraphError(400, "BadRequest", "singleValueExtendedProperties must be an array.");
  const out = [...(existing ?? [])];
  for (const p of v as { id?: unknown; value?: unknown }[]) {
    if (typeof p?.id !== "string" || typeof p.value !== "string")
      throw new GraphError(400, "BadRequest", "Each singleValueExtendedProperty needs string 'id' and 'value'.");
    const i = out.findIndex((x) => x.id.toLowerCase() === (p.id as string).toLowerCase());
    if (i >= 0) out[i] = { id: out[i]!.id, value: p.value };
    else out.push({ id: p.id, value: p.value });
  }
  return out;
}

const ADDRESS_KEYS = ["street", "city", "state", "countryOrRegion", "postalCode"] as const;
const COORD_KEYS = ["latitude", "longitude", "accuracy", "altitude", "altitudeAccuracy"] as const;

/** A location as Graph keeps it: displayName, type, and the physical address and coordinates when given. */
function readLocation(v: unknown, field: string): GraphLocation {
  const l = (v ?? {}) as { displayName?: unknown; locationType?: unknown; address?: unknown; coordinates?: unknown };
  const name = typeof l.displayName === "string" ? l.displayName : "";
  const out: GraphLocation = name
    ? { displayName: name, locationType: String(l.locationType ?? "default"), uniqueId: name, uniqueIdType: "private" }
    : { displayName: "", locationType: "default", uniqueIdType: "unknown" };
  if (l.address !== undefined && l.address !== null) {
    if (typeof l.address !== "object") throw new GraphError(400, "BadRequest", `${field}.address must be an object.`);
    const a = l.address as Record<string, unknown>;
    const address: PhysicalAddress = {};
    for (const k of ADDRESS_KEYS) {
      if (a[k] === undefined || a[k] === null) continue;
      if (typeof a[k] !== "string") throw new GraphError(400, "BadRequest", `${field}.address.${k} must be a string.`);
      address[k] = a[k];
    }
    out.address = address;
  }
  if (l.coordinates !== undefined && l.coordinates !== null) {
    if (typeof l.coordinates !== "object")
      throw new GraphError(400, "BadRequest", `${field}.coordinates must be an object.`);
    const c = l.coordinates as Record<string, unknown>;
    const coordinates: GeoCoordinates = {};
    for (const k of COORD_KEYS) {
      if (c[k] === undefined || c[k] === null) continue;
      if (typeof c[k] !== "number" || !Number.isFinite(c[k]))
        throw new GraphError(400, "BadRequest", `${field}.coordinates.${k} must be a number.`);
      coordinates[k] = c[k];
    }
    out.coordinates = coordinates;
  }
  return out;
}

/** Gives a stored event its series (or takes it away) after its recurrence, start or end changed. */
function applySeries(rec: EventRec, body: Record<string, unknown>, wasMaster: boolean): void {
  const ev = rec.ev;
  const timesChanged = "start" in body || "end" in body;
  if (!("recurrence" in body) && !(wasMaster && timesChanged)) return;
  const raw = "recurrence" in body ? body.recurrence : rec.series?.rule.echo;
  if (raw === null || raw === undefined) {
    delete rec.series;
    ev.recurrence = null;
    ev.type = "singleInstance";
    return;
  }
  const rule = parseRecurrence(raw, ev.start.dateTime.slice(0, 10));
  // Outlook discards a series' exceptions and cancellations when its pattern or times change.
  rec.series = { rule, exceptions: {}, cancelled: [], occurrenceChangeKey: newChangeKey() };
  ev.recurrence = rule.echo;
  ev.type = "seriesMaster";
}

function applyProps(rec: EventRec, body: Record<string, unknown>): void {
  const ev = rec.ev;
  if ("subject" in body) ev.subject = String(body.subject ?? "");
  if ("body" in body) {
    ev.body = storeBody(body.body);
    ev.bodyPreview = stripHtml(ev.body.content).slice(0, 255);
  }
  if ("categories" in body) {
    if (!Array.isArray(body.categories) || body.categories.some((c) => typeof c !== "string"))
      throw new GraphError(400, "BadRequest", "categories must be an array of strings.");
    ev.categories = [...(body.categories as string[])];
  }
  for (const k of [
    "isAllDay",
    "isReminderOn",
    "allowNewTimeProposals",
    "hideAttendees",
    "isOnlineMeeting",
    "responseRequested",
    "isCancelled",
  ] as const) {
    if (k in body) (ev as unknown as Record<string, unknown>)[k] = Boolean(body[k]);
  }
  for (const k of ["importance", "sensitivity", "showAs", "onlineMeetingProvider"] as const) {
    if (k in body && typeof body[k] === "string") (ev as unknown as Record<string, unknown>)[k] = body[k];
  }
  if ("reminderMinutesBeforeStart" in body) ev.reminderMinutesBeforeStart = Number(body.reminderMinutesBeforeStart);
  if ("recurrence" in body) ev.recurrence = body.recurrence ?? null;
  if ("location" in body) {
    ev.location = readLocation(body.location, "location");
    const { displayName, address, coordinates } = ev.location;
    ev.locations = displayName
      ? [
          {
            displayName,
            locationType: "default",
            uniqueIdType: "unknown",
            ...(address ? { address: structuredClone(address) } : {}),
            ...(coordinates ? { coordinates: structuredClone(coordinates) } : {}),
          },
        ]
      : [];
  }
  if ("attendees" in body) {
    if (!Array.isArray(body.attendees)) throw new GraphError(400, "BadRequest", "attendees must be an array.");
    ev.attendees = (body.attendees as { type?: string; emailAddress?: { name?: string; address?: string } }[]).map(
      (a) => ({
        type: a.type ?? "required",
        status: { response: "none", time: "0001-01-01T00:00:00Z" },
        emailAddress: {
          name: a.emailAddress?.name ?? a.emailAddress?.address ?? "",
          address: a.emailAddress?.address ?? "",
        },
      }),
    );
  }
  if ("singleValueExtendedProperties" in body)
    ev.singleValueExtendedProperties = mergeSvep(ev.singleValueExtendedProperties, body.singleValueExtendedProperties);
  if ("start" in body || "end" in body) {
    const start = "start" in body ? asDtz(body.start, "start") : ev.start;
    const end = "end" in body ? asDtz(body.end, "end") : ev.end;
    const startMs = wallToUtc(start.dateTime, start.timeZone, "start");
    const endMs = wallToUtc(end.dateTime, end.timeZone, "end");
    if (endMs < startMs)
      throw new GraphError(400, "ErrorInvalidRequest", "The start time of the event must be before the end time.");
    rec.startMs = startMs;
    rec.endMs = endMs;
    ev.start = { dateTime: normWall(startMs, start.timeZone), timeZone: start.timeZone };
    ev.end = { dateTime: normWall(endMs, end.timeZone), timeZone: end.timeZone };
    ev.originalStartTimeZone = start.timeZone;
    ev.originalEndTimeZone = end.timeZone;
  }
  if (ev.isAllDay) {
    const s = wallToUtc(ev.start.dateTime, ev.start.timeZone, "start");
    const e = wallToUtc(ev.end.dateTime, ev.end.timeZone, "end");
    const midnight = (x: string) => /T00:00:00(\.0+)?$/.test(x);
    if (!midnight(ev.start.dateTime) || !midnight(ev.end.dateTime) || e <= s)
      throw new GraphError(
        400,
        "ErrorInvalidRequest",
        "Your request can't be completed. If an event is marked as all-day, its start and end times must be set to midnight in the same time zone.",
      );
  }
}

export interface WriteResult {
  rec: EventRec;
  /** false when transactionId matched an earlier create */
  created: boolean;
}

export function createEvent(store: Store, mb: Mailbox, body: Record<string, unknown>): WriteResult {
  checkKeys(body);
  const tx = typeof body.transactionId === "string" && body.transactionId ? body.transactionId : null;
  if (tx) {
    const existingId = mb.transactions.get(tx);
    const existing = existingId ? mb.events.current.get(existingId) : undefined;
    if (existing) return { rec: existing, created: false };
  }
  if (!("start" in body) || !("end" in body))
    throw new GraphError(
      400,
      "ErrorInvalidRequest",
      "Your request can't be completed. An event needs a start and an end.",
    );
  const now = Date.now();
  const id = newItemId();
  const changeKey = newChangeKey();
  const ev: GraphEvent = {
    "@odata.etag": etagOf(changeKey),
    id,
    createdDateTime: graphTimestamp(now),
    lastModifiedDateTime: graphTimestamp(now),
    changeKey,
    categories: [],
    originalStartTimeZone: "UTC",
    originalEndTimeZone: "UTC",
    iCalUId: `040000008200E00074C5B7101A82E008000000${hex(20)}`,
    reminderMinutesBeforeStart: 15,
    isReminderOn: true,
    hasAttachments: false,
    hideAttendees: false,
    subject: "",
    bodyPreview: "",
    importance: "normal",
    sensitivity: "normal",
    isAllDay: false,
    isCancelled: false,
    isDraft: false,
    isOrganizer: true,
    responseRequested: true,
    seriesMasterId: null,
    transactionId: tx,
    showAs: "busy",
    type: "singleInstance",
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: false,
    onlineMeetingProvider: "unknown",
    onlineMeeting: null,
    allowNewTimeProposals: true,
    responseStatus: { response: "organizer", time: "0001-01-01T00:00:00Z" },
    body: { contentType: "html", content: "" },
    start: { dateTime: "", timeZone: "UTC" },
    end: { dateTime: "", timeZone: "UTC" },
    location: { displayName: "", locationType: "default", uniqueIdType: "unknown" },
    locations: [],
    recurrence: null,
    attendees: [],
    organizer: { emailAddress: { name: mb.displayName, address: mb.mail } },
  };
  const rec: EventRec = { ev, startMs: 0, endMs: 0 };
  applyProps(rec, body);
  applySeries(rec, body, false);
  store.record(mb.events, id, rec);
  if (tx) mb.transactions.set(tx, id);
  store.emit({ mailbox: mb, kind: "event", changeType: "created", id, etag: ev["@odata.etag"] });
  invite(mb, "request", ev);
  return { rec, created: true };
}

const notFound = (): GraphError =>
  new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");

/** An event by id: stored (single instance, master), an exception, or an occurrence computed from its series. */
export function resolveOrThrow(mb: Mailbox, id: string): Resolved {
  const r = resolveEvent(mb, id);
  if (!r) throw notFound();
  return r;
}

export function getEventRec(mb: Mailbox, id: string): EventRec {
  return resolveOrThrow(mb, id).rec;
}

function checkIfMatch(rec: EventRec, ifMatch: string | undefined): void {
  if (!ifMatch || ifMatch.trim() === "*") return;
  if (changeKeyFromEtag(ifMatch) !== rec.ev.changeKey)
    throw new GraphError(
      412,
      "ErrorIrresolvableConflict",
      "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.",
    );
}

export function updateEvent(
  store: Store,
  mb: Mailbox,
  id: string,
  body: Record<string, unknown>,
  ifMatch?: string,
): EventRec {
  checkKeys(body);
  const found = resolveOrThrow(mb, id);
  checkIfMatch(found.rec, ifMatch);
  const rec = structuredClone(found.rec);
  if (found.kind !== "stored") {
    // An edited occurrence becomes an exception, kept by the master under its original start.
    if ("recurrence" in body && body.recurrence !== null)
      throw new GraphError(400, "ErrorInvalidRequest", "recurrence: an occurrence of a series cannot have its own.");
    const { recurrence: _r, ...rest } = body;
    applyProps(rec, rest);
    rec.ev.type = "exception";
    stamp(rec);
    const master = structuredClone(found.master);
    master.series!.exceptions[String(found.originalStartMs)] = rec;
    store.record(mb.events, master.ev.id, master);
    store.emit({ mailbox: mb, kind: "event", changeType: "updated", id, etag: rec.ev["@odata.etag"] });
    invite(mb, "update", rec.ev);
    return rec;
  }
  const wasMaster = !!rec.series;
  applyProps(rec, body);
  applySeries(rec, body, wasMaster);
  if (rec.series && wasMaster && !("recurrence" in body) && !("start" in body) && !("end" in body))
    rec.series.occurrenceChangeKey = newChangeKey(); // the master's edit reaches every unedited occurrence
  stamp(rec);
  store.record(mb.events, id, rec);
  store.emit({ mailbox: mb, kind: "event", changeType: "updated", id, etag: rec.ev["@odata.etag"] });
  invite(mb, "update", rec.ev);
  return rec;
}

function stamp(rec: EventRec): void {
  rec.ev.changeKey = newChangeKey();
  rec.ev["@odata.etag"] = etagOf(rec.ev.changeKey);
  rec.ev.lastModifiedDateTime = graphTimestamp(Date.now());
}

export function deleteEvent(store: Store, mb: Mailbox, id: string, ifMatch?: string): void {
  const found = resolveOrThrow(mb, id);
  checkIfMatch(found.rec, ifMatch);
  if (found.kind !== "stored") {
    // A deleted occurrence is cancelled: it leaves the view; the series keeps the others.
    const master = structuredClone(found.master);
    delete master.series!.exceptions[String(found.originalStartMs)];
    master.series!.cancelled.push(found.originalStartMs);
    store.record(mb.events, master.ev.id, master);
    store.emit({ mailbox: mb, kind: "event", changeType: "deleted", id, etag: found.rec.ev["@odata.etag"] });
    invite(mb, "cancellation", found.rec.ev);
    return;
  }
  store.record(mb.events, id, null);
  for (const [tx, eid] of mb.transactions) if (eid === id) mb.transactions.delete(tx);
  store.emit({ mailbox: mb, kind: "event", changeType: "deleted", id, etag: found.rec.ev["@odata.etag"] });
  invite(mb, "cancellation", found.rec.ev);
}

export interface RenderOptions {
  /** Prefer: outlook.timezone; undefined = keep the event's own zone */
  timeZone?: string;
  bodyType?: string;
  /** ids of extended properties to expand (case-insensitive), or undefined for none */
  expandSvep?: string[];
  select?: string[];
}

/** A Graph view of an event: start/end in the requested zone, extended properties only when expanded. */
export function renderEvent(rec: EventRec, o: RenderOptions): Record<string, unknown> {
  const { singleValueExtendedProperties, ...ev } = structuredClone(rec.ev);
  const out: Record<string, unknown> = { ...ev };
  if (o.timeZone && ev.isAllDay) {
    // All-day events float: Graph returns them midnight to midnight of their dates whatever zone is asked for.
    out.start = { dateTime: ev.start.dateTime, timeZone: o.timeZone };
    out.end = { dateTime: ev.end.dateTime, timeZone: o.timeZone };
  } else if (o.timeZone) {
    out.start = { dateTime: utcToWall(rec.startMs, o.timeZone), timeZone: o.timeZone };
    out.end = { dateTime: utcToWall(rec.endMs, o.timeZone), timeZone: o.timeZone };
  }
  out.body = renderBody(ev.body, o.bodyType);
  if (o.select) {
    for (const k of Object.keys(out)) if (k !== "id" && k !== "@odata.etag" && !o.select.includes(k)) delete out[k];
  }
  if (o.expandSvep) {
    const want = o.expandSvep.map((x) => x.toLowerCase());
    const props = (singleValueExtendedProperties ?? []).filter(
      (p) => want.length === 0 || want.includes(p.id.toLowerCase()),
    );
    if (props.length) out.singleValueExtendedProperties = props;
  }
  return out;
}

/** Parses `$expand=singleValueExtendedProperties($filter=id eq '…' [or id eq '…'])`. */
export function parseSvepExpand(expand: string | null): string[] | undefined {
  if (!expand) return undefined;
  const m = /singleValueExtendedProperties(?:\((.*)\))?/i.exec(expand);
  if (!m) return undefined;
  const ids = [...(m[1] ?? "").matchAll(/id\s+eq\s+'((?:[^']|'')*)'/gi)].map((x) => x[1]!.replace(/''/g, "'"));
  return ids;
}

/** Does the event interval overlap [s, e)? */
export const overlaps = (rec: EventRec, s: number, e: number): boolean =>
  rec.startMs === rec.endMs ? rec.startMs >= s && rec.startMs < e : rec.startMs < e && rec.endMs > s;
