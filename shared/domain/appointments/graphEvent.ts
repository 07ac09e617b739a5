// Reads a Graph event or calendarView delta item (JSON as Graph sends it) into an OutlookEvent, field by field.
import { PermanentError } from "../errors.js";
import { addDays, graphDateTimeDate, graphDateTimeToInstant, type DateTimeTimeZone } from "../graphDateTime.js";
import { readErpKey } from "./erpKey.js";
import { EVENT_TYPES, type EventType, type OutlookEvent } from "./types.js";

/** Fields a delta item must carry before it can be decided on (a delta update may carry only changed ones). */
export const DECISION_FIELDS = ["subject", "start", "end", "isAllDay", "categories", "body", "location"] as const;

/** The fields that were present in a (possibly partial) item, already normalised. */
export interface PartialEvent {
  id: string;
  subject?: string;
  start?: Date;
  end?: Date;
  isAllDay?: boolean;
  categories?: string[];
  isCancelled?: boolean;
}

export type ParsedDeltaItem =
  | { kind: "removed"; id: string; reason: string }
  | {
      kind: "event";
      id: string;
      /** Set when every decision field is present (or `fillDefaults` was asked for). */
      event: OutlookEvent | undefined;
      /** Decision fields absent from the item. */
      missing: string[];
      partial: PartialEvent;
    };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function fail(id: string, field: string, what: string): never {
  throw new PermanentError("invalidGraphEvent", `event ${id}: ${field}: ${what}`);
}

function readDtz(id: string, raw: Record<string, unknown>, field: "start" | "end"): DateTimeTimeZone {
  const v = raw[field];
  if (!isObject(v) || typeof v.dateTime !== "string") fail(id, field, "expected {dateTime, timeZone}");
  return { dateTime: v.dateTime, timeZone: typeof v.timeZone === "string" ? v.timeZone : "UTC" };
}

function withId<T>(id: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof PermanentError && !error.message.startsWith(`event ${id}:`)) {
      throw new PermanentError(error.code, `event ${id}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * Parses one item of a Graph event collection or delta page. `@removed` items become {kind: "removed"}.
 * `fillDefaults` (for an event read whole with GET) treats absent optional fields as empty instead of unknown, and an
 * absent extended property as "not ours" (erpKey null). Malformed fields → PermanentError naming event and field.
 */
export function parseDeltaItem(raw: unknown, fillDefaults = false): ParsedDeltaItem {
  if (!isObject(raw)) throw new PermanentError("invalidGraphEvent", "event: expected a JSON object");
  const id = raw.id;
  if (typeof id !== "string" || id === "")
    throw new PermanentError("invalidGraphEvent", "event: id: expected a string");
  if ("@removed" in raw) {
    const removed = raw["@removed"];
    const reason = isObject(removed) && typeof removed.reason === "string" ? removed.reason : "deleted";
    return { kind: "removed", id, reason };
  }
  return withId(id, () => parseEvent(id, raw, fillDefaults));
}

function parseEvent(id: string, raw: Record<string, unknown>, fillDefaults: boolean): ParsedDeltaItem {
  const has = (f: string) => raw[f] !== undefined;
  const partial: PartialEvent = { id };

  if (has("subject")) {
    if (raw.subject !== null && typeof raw.subject !== "string") fail(id, "subject", "expected a string");
    partial.subject = (raw.subject as string | null) ?? "";
  }
  if (has("isAllDay")) {
    if (typeof raw.isAllDay !== "boolean") fail(id, "isAllDay", "expected true or false");
    partial.isAllDay = raw.isAllDay;
  }
  if (has("isCancelled")) {
    if (typeof raw.isCancelled !== "boolean") fail(id, "isCancelled", "expected true or false");
    partial.isCancelled = raw.isCancelled;
  }
  if (has("categories")) {
    const c = raw.categories;
    if (!Array.isArray(c) || c.some((x) => typeof x !== "string")) fail(id, "categories", "expected strings");
    partial.categories = c as string[];
  }
  if (has("start") && has("end")) {
    const startDtz = readDtz(id, raw, "start");
    const endDtz = readDtz(id, raw, "end");
    if (partial.isAllDay) {
      // All-day events float: take the written dates as UTC midnights; end is the (exclusive) day after the last.
      const startDate = graphDateTimeDate(startDtz, "start");
      let endDate = graphDateTimeDate(endDtz, "end");
      if (endDate <= startDate) endDate = addDays(startDate, 1);
      partial.start = new Date(`${startDate}T00:00:00Z`);
      partial.end = new Date(`${endDate}T00:00:00Z`);
    } else {
      partial.start = graphDateTimeToInstant(startDtz, "start");
      partial.end = graphDateTimeToInstant(endDtz, "end");
    }
  }

  let body: OutlookEvent["body"];
  if (has("body")) {
    const b = raw.body;
    if (!isObject(b) || (b.content !== null && b.content !== undefined && typeof b.content !== "string")) {
      fail(id, "body", "expected {contentType, content}");
    }
    const type = String(b.contentType ?? "text").toLowerCase();
    body = { contentType: type === "html" ? "html" : "text", content: (b.content as string | null) ?? "" };
  }
  let location: string | undefined;
  if (has("location")) {
    const l = raw.location;
    if (l !== null && !isObject(l)) fail(id, "location", "expected {displayName}");
    location = l && typeof l.displayName === "string" ? l.displayName : "";
  }

  const missing = DECISION_FIELDS.filter((f) => {
    if (f === "start" || f === "end") return partial.start === undefined;
    return !has(f);
  });
  const required = fillDefaults ? missing.filter((f) => f === "start" || f === "end" || f === "subject") : missing;
  if (required.length > 0) return { kind: "event", id, event: undefined, missing, partial };

  const changeKey = typeof raw.changeKey === "string" ? raw.changeKey : undefined;
  const lastModified = typeof raw.lastModifiedDateTime === "string" ? raw.lastModifiedDateTime : undefined;
  const erpKey = readErpKey(raw);
  const series = readSeries(id, raw);
  const event: OutlookEvent = {
    id,
    changeKey,
    subject: partial.subject ?? "",
    body,
    bodyPreview: typeof raw.bodyPreview === "string" ? raw.bodyPreview : undefined,
    start: partial.start!,
    end: partial.end!,
    isAllDay: partial.isAllDay ?? false,
    location: location ?? "",
    categories: partial.categories ?? [],
    isCancelled: partial.isCancelled ?? false,
    erpKey: erpKey === undefined && fillDefaults ? null : erpKey,
    lastModifiedDateTime: lastModified
      ? graphDateTimeToInstant({ dateTime: lastModified, timeZone: "UTC" }, "lastModifiedDateTime")
      : undefined,
    ...series,
  };
  return { kind: "event", id, event, missing: fillDefaults ? [] : missing, partial };
}

/** type, seriesMasterId and originalStart (Edm.DateTimeOffset) when present; a type Graph may add later is ignored. */
function readSeries(
  id: string,
  raw: Record<string, unknown>,
): Pick<OutlookEvent, "type" | "seriesMasterId" | "originalStart"> {
  const out: Pick<OutlookEvent, "type" | "seriesMasterId" | "originalStart"> = {};
  if (typeof raw.type === "string" && (EVENT_TYPES as readonly string[]).includes(raw.type))
    out.type = raw.type as EventType;
  if (raw.seriesMasterId !== undefined && raw.seriesMasterId !== null) {
    if (typeof raw.seriesMasterId !== "string") fail(id, "seriesMasterId", "expected a string");
    out.seriesMasterId = raw.seriesMasterId;
  }
  if (raw.originalStart !== undefined && raw.originalStart !== null) {
    if (typeof raw.originalStart !== "string") fail(id, "originalStart", "expected an ISO 8601 date-time");
    out.originalStart = graphDateTimeToInstant({ dateTime: raw.originalStart, timeZone: "UTC" }, "originalStart");
  }
  return out;
}

/** A whole event (e.g. a GET answer, with our extended property expanded) → OutlookEvent; PermanentError if unusable. */
export function parseGraphEvent(raw: unknown): OutlookEvent {
  const item = parseDeltaItem(raw, true);
  if (item.kind === "removed") throw new PermanentError("invalidGraphEvent", `event ${item.id}: is a @removed entry`);
  if (!item.event) fail(item.id, item.missing.join(", "), "missing");
  return item.event;
}
