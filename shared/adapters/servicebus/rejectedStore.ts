// The `Rejected` table: queue messages set aside (invalid or permanently failing) with their original body and the
// reason, because a Node v4 handler cannot dead-letter; an admin lists them and replays one to its queue
// (shared/app/admin/replayRejected.ts).
import { createHash } from "node:crypto";
import type { TableClient, TableEntityResult } from "@azure/data-tables";
import { TransientError } from "../../domain/errors.js";
import { encodeKeyPart } from "../tables/keys.js";
import type { TableStoreOptions } from "../tables/tableClients.js";

/**
 * Size limits. Azure Tables stores strings as UTF-16: a string property holds at most 64 KiB (32K code units) and a
 * whole entity at most 1 MiB (1,048,576 bytes, keys and property names included). The body is split into chunks of
 * 30,000 code units (60,000 bytes each) in `body`, `body1` … `body14`: 15 chunks ≈ 900 KB, which leaves ~148 KB for
 * the keys and the other columns (the reason is cut to REASON_MAX_CHARS so they stay small).
 */
export const REJECTED_BODY_CHUNK_CHARS = 30_000;
export const REJECTED_BODY_MAX_CHUNKS = 15;
/**
 * The largest storable body, in UTF-16 code units (JavaScript string length): 450,000. A chunk never splits a
 * surrogate pair, so a body with pairs straddling chunk boundaries holds up to 14 units less. A longer body is
 * refused with TransientError `rejected-too-large`: the dispatcher does not complete the message, the broker
 * redelivers it and finally dead-letters it, so the body stays in the DLQ — nothing is lost.
 */
export const REJECTED_BODY_MAX_CHARS = REJECTED_BODY_CHUNK_CHARS * REJECTED_BODY_MAX_CHUNKS;
/** A longer reason is cut (with "…") so the other columns stay far below the entity limit. */
export const REASON_MAX_CHARS = 8_000;

export interface RejectedInput {
  queue: string;
  /** The broker's MessageId; a redelivered copy of the same message overwrites its row (idempotent). */
  messageId: string | undefined;
  sessionId: string | undefined;
  deliveryCount: number | undefined;
  enqueuedTimeUtc: Date | undefined;
  /** Stable code: `invalid-message`, `unhandled-kind`, or the handler's PermanentError/AuthError code. */
  code: string;
  /** Names the field, e.g. `data.start: expected ISO 8601 date-time with offset`. */
  reason: string;
  /** The body as received: exact text for a string body, JSON text for a body the host had JSON-parsed. */
  body: string;
  bodyEncoding: "text" | "json";
  /** The message's application properties as received (primitive values); a replay sends them again. */
  applicationProperties?: Record<string, string | number | boolean | null>;
}

export interface RejectedRow extends RejectedInput {
  /** Row key: the (encoded) MessageId, or `sha256-…` of the body when there is none. */
  id: string;
  rejectedAt: Date;
}

export interface RejectedStore {
  save(entry: RejectedInput, now?: Date): Promise<RejectedRow>;
  list(options?: { queue?: string }): Promise<RejectedRow[]>;
  get(queue: string, id: string): Promise<RejectedRow | undefined>;
  /** Deletes the row (after a replay); false when it was already gone. */
  remove(queue: string, id: string): Promise<boolean>;
}

/** The Storage connection (either form) and the table prefix. */
export type RejectedStoreOptions = TableStoreOptions;

type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

const idFor = (e: RejectedInput) =>
  e.messageId ? encodeKeyPart(e.messageId) : `sha256-${createHash("sha256").update(e.body).digest("hex")}`;

/** Splits text into chunks of at most `size` code units, never between the two halves of a surrogate pair. */
export function chunkText(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length;) {
    let end = Math.min(i + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && end - i > 1 && last >= 0xd800 && last <= 0xdbff) end--;
    chunks.push(text.slice(i, end));
    i = end;
  }
  return chunks;
}

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function toEntity(row: RejectedRow): Entity {
  const chunks = chunkText(row.body, REJECTED_BODY_CHUNK_CHARS);
  if (chunks.length > REJECTED_BODY_MAX_CHUNKS) {
    // Not storable: let the broker redeliver and finally dead-letter it (the body stays in the DLQ, not lost).
    throw new TransientError(
      "rejected-too-large",
      `message ${row.messageId ?? row.id} is too large for the Rejected table ` +
        `(${row.body.length} characters; at most ${REJECTED_BODY_MAX_CHARS})`,
    );
  }
  const entity: Entity = {
    partitionKey: encodeKeyPart(row.queue),
    rowKey: row.id,
    queue: row.queue,
    messageId: row.messageId,
    sessionId: row.sessionId,
    deliveryCount: row.deliveryCount,
    enqueuedTimeUtc: row.enqueuedTimeUtc,
    rejectedAt: row.rejectedAt,
    code: row.code,
    reason: cut(row.reason, REASON_MAX_CHARS),
    bodyEncoding: row.bodyEncoding,
    bodyLength: row.body.length,
    bodyParts: Math.max(chunks.length, 1),
    body: chunks[0] ?? "",
    applicationProperties:
      row.applicationProperties && Object.keys(row.applicationProperties).length
        ? cut(JSON.stringify(row.applicationProperties), REASON_MAX_CHARS)
        : undefined,
  };
  chunks.slice(1).forEach((c, i) => (entity[`body${i + 1}`] = c));
  return Object.fromEntries(Object.entries(entity).filter(([, v]) => v !== undefined)) as Entity;
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const date = (v: unknown) => (v instanceof Date ? v : typeof v === "string" ? new Date(v) : undefined);

/** The stored JSON of the application properties; primitives only (anything else, or a cut text, is dropped). */
function propertiesFrom(v: unknown): Record<string, string | number | boolean | null> | undefined {
  if (typeof v !== "string" || v === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, x] of Object.entries(parsed))
    if (x === null || typeof x === "string" || typeof x === "number" || typeof x === "boolean") out[k] = x;
  return out;
}

function fromEntity(e: TableEntityResult<Record<string, unknown>>): RejectedRow {
  const parts = typeof e.bodyParts === "number" ? e.bodyParts : 1;
  let body = str(e.body) ?? "";
  for (let i = 1; i < parts; i++) body += str(e[`body${i}`]) ?? "";
  return {
    id: e.rowKey ?? "",
    queue: str(e.queue) ?? "",
    messageId: str(e.messageId),
    sessionId: str(e.sessionId),
    deliveryCount: typeof e.deliveryCount === "number" ? e.deliveryCount : undefined,
    enqueuedTimeUtc: date(e.enqueuedTimeUtc),
    rejectedAt: date(e.rejectedAt) ?? new Date(0),
    code: str(e.code) ?? "",
    reason: str(e.reason) ?? "",
    body,
    bodyEncoding: e.bodyEncoding === "json" ? "json" : "text",
    ...(propertiesFrom(e.applicationProperties)
      ? { applicationProperties: propertiesFrom(e.applicationProperties) }
      : {}),
  };
}

export function createRejectedStore(options: RejectedStoreOptions): RejectedStore {
  // The table client (and the SDK behind it) is built on first use: the triggers that import this module for its
  // types and the store factory do not load the SDK at import (cold start).
  let ready: Promise<TableClient> | undefined;
  const table = () =>
    (ready ??= import("../tables/createTableClient.js")
      .then(async ({ createTableClient }) => {
        const client = createTableClient(options, "Rejected");
        await client.createTable();
        return client;
      })
      .catch((error: unknown) => {
        ready = undefined;
        throw error;
      }));

  return {
    async save(entry, now = new Date()) {
      const row: RejectedRow = { ...entry, id: idFor(entry), rejectedAt: now };
      const t = await table();
      await t.upsertEntity(toEntity(row), "Replace");
      return row;
    },

    async list(opts = {}) {
      const t = await table();
      const filter = opts.queue ? `PartitionKey eq '${encodeKeyPart(opts.queue).replace(/'/g, "''")}'` : undefined;
      const rows: RejectedRow[] = [];
      for await (const e of t.listEntities<Record<string, unknown>>(filter ? { queryOptions: { filter } } : {})) {
        rows.push(fromEntity(e));
      }
      return rows.sort((a, b) => b.rejectedAt.getTime() - a.rejectedAt.getTime());
    },

    async get(queue, id) {
      const t = await table();
      try {
        return fromEntity(await t.getEntity<Record<string, unknown>>(encodeKeyPart(queue), id));
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return undefined;
        throw error;
      }
    },

    async remove(queue, id) {
      const t = await table();
      try {
        await t.deleteEntity(encodeKeyPart(queue), id);
        return true;
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return false;
        throw error;
      }
    },
  };
}
