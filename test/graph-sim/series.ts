// Recurring series as Outlook keeps them: a master, its occurrences (computed), exceptions (edited ones), cancellations.
import { formatDate, occurrenceDates, type Recurrence } from "./recurrence.js";
import type { EventRec, Mailbox } from "./store.js";
import { utcToWall, wallToUtc } from "./time.js";

/** What a seriesMaster carries besides its own event. */
export interface SeriesState {
  rule: Recurrence;
  /** original start (UTC ms, as a string key) → the edited occurrence */
  exceptions: Record<string, EventRec>;
  /** original starts of deleted (cancelled) occurrences */
  cancelled: number[];
  /** change key of the unedited occurrences: changes only when the master is edited */
  occurrenceChangeKey: string;
}

const PREFIX = "AAMkA";
const TAG = "occ|";

/** An occurrence's id: opaque to clients, but the simulator can read its master and original start back. */
export const occurrenceId = (masterId: string, originalStartMs: number): string =>
  `${PREFIX}${Buffer.from(`${TAG}${masterId}|${originalStartMs}`).toString("base64url")}=`;

export function parseOccurrenceId(id: string): { masterId: string; originalStartMs: number } | undefined {
  if (!id.startsWith(PREFIX) || !id.endsWith("=")) return undefined;
  const text = Buffer.from(id.slice(PREFIX.length, -1), "base64url").toString("utf8");
  const m = /^occ\|(.+)\|(-?\d+)$/.exec(text);
  return m ? { masterId: m[1]!, originalStartMs: Number(m[2]) } : undefined;
}

/** Graph's originalStart (Edm.DateTimeOffset): "2030-05-06T08:00:00Z". */
export const originalStartText = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, "Z");

const naive = (wall: string): number => Date.parse(`${wall.slice(0, 23)}Z`);
const wallText = (naiveMs: number): string => new Date(naiveMs).toISOString().slice(0, 19);

/** Start and end instants of the occurrence on wall-clock date `dateMs`: the master's local times on that date. */
function spanOn(master: EventRec, dateMs: number): { startMs: number; endMs: number } {
  const zone = master.ev.start.timeZone;
  const startWall = utcToWall(master.startMs, zone);
  const endWall = utcToWall(master.endMs, zone);
  const duration = naive(endWall) - naive(startWall);
  const startNaive = dateMs + (naive(startWall) % 86_400_000);
  return {
    startMs: wallToUtc(wallText(startNaive), zone, "start"),
    endMs: wallToUtc(wallText(startNaive + duration), zone, "end"),
  };
}

/** Original starts of the pattern's occurrences whose span overlaps [fromMs, toMs) (cancelled and edited included). */
export function patternStarts(master: EventRec, fromMs: number, toMs: number): { startMs: number; endMs: number }[] {
  const out: { startMs: number; endMs: number }[] = [];
  const rule = master.series!.rule;
  for (const d of occurrenceDates(rule, (date) => spanOn(master, date).startMs >= toMs)) {
    const span = spanOn(master, d);
    if (span.endMs > fromMs || (span.endMs === span.startMs && span.startMs >= fromMs)) out.push(span);
  }
  return out;
}

/** Whether `ms` is the original start of one of the series' occurrences. */
export function isPatternStart(master: EventRec, ms: number): boolean {
  return patternStarts(master, ms, ms + 1).some((s) => s.startMs === ms);
}

/** The unedited occurrence starting (originally) at `originalStartMs`, as a view record. */
export function occurrenceRec(master: EventRec, originalStartMs: number): EventRec {
  const s = master.series!;
  const span = patternStarts(master, originalStartMs, originalStartMs + 1).find((x) => x.startMs === originalStartMs)!;
  const ev = structuredClone(master.ev);
  const id = occurrenceId(ev.id, originalStartMs);
  ev.id = id;
  ev.type = "occurrence";
  ev.seriesMasterId = master.ev.id;
  ev.recurrence = null;
  ev.changeKey = s.occurrenceChangeKey;
  ev["@odata.etag"] = `W/"${s.occurrenceChangeKey}"`;
  ev.iCalUId = `${master.ev.iCalUId}${formatDate(originalStartMs - (originalStartMs % 86_400_000)).replace(/-/g, "")}`;
  ev.originalStart = originalStartText(originalStartMs);
  ev.start = { dateTime: utcToWall(span.startMs, master.ev.start.timeZone), timeZone: master.ev.start.timeZone };
  ev.end = { dateTime: utcToWall(span.endMs, master.ev.start.timeZone), timeZone: master.ev.start.timeZone };
  ev.webLink = master.ev.webLink.replace(encodeURIComponent(master.ev.id), encodeURIComponent(id));
  return { ev, startMs: span.startMs, endMs: span.endMs };
}

/** Occurrences and exceptions of a series overlapping [fromMs, toMs), by start; cancelled ones left out. */
export function expandSeries(master: EventRec, fromMs: number, toMs: number): EventRec[] {
  const s = master.series!;
  const out: EventRec[] = [];
  for (const span of patternStarts(master, fromMs, toMs)) {
    if (s.cancelled.includes(span.startMs) || s.exceptions[String(span.startMs)]) continue;
    out.push(occurrenceRec(master, span.startMs));
  }
  for (const ex of Object.values(s.exceptions)) {
    const inside =
      ex.startMs === ex.endMs ? ex.startMs >= fromMs && ex.startMs < toMs : ex.startMs < toMs && ex.endMs > fromMs;
    if (inside) out.push(ex);
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

/** Every event as calendarView shows it in [fromMs, toMs): single instances, occurrences, exceptions; never a master. */
export function viewOf(recs: Iterable<EventRec>, fromMs: number, toMs: number): EventRec[] {
  const out: EventRec[] = [];
  for (const r of recs) {
    if (r.series) out.push(...expandSeries(r, fromMs, toMs));
    else if (r.startMs === r.endMs ? r.startMs >= fromMs && r.startMs < toMs : r.startMs < toMs && r.endMs > fromMs)
      out.push(r);
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

/** An event by id: a stored one (single instance or master), an exception, or an unedited occurrence. */
export type Resolved =
  | { kind: "stored"; rec: EventRec }
  | { kind: "exception"; master: EventRec; originalStartMs: number; rec: EventRec }
  | { kind: "occurrence"; master: EventRec; originalStartMs: number; rec: EventRec };

export function resolveEvent(mb: Mailbox, id: string): Resolved | undefined {
  const stored = mb.events.current.get(id);
  if (stored) return { kind: "stored", rec: stored };
  const occ = parseOccurrenceId(id);
  if (!occ) return undefined;
  const master = mb.events.current.get(occ.masterId);
  if (!master?.series) return undefined;
  const ex = master.series.exceptions[String(occ.originalStartMs)];
  if (ex) return { kind: "exception", master, originalStartMs: occ.originalStartMs, rec: ex };
  if (master.series.cancelled.includes(occ.originalStartMs) || !isPatternStart(master, occ.originalStartMs))
    return undefined;
  return {
    kind: "occurrence",
    master,
    originalStartMs: occ.originalStartMs,
    rec: occurrenceRec(master, occ.originalStartMs),
  };
}
