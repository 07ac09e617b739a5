// The SentMail table (PK ERP user, RK messageKey): exactly-once state of each ERP email (sending → sent | failed).
import type { TableClient, TableEntityResult } from "@azure/data-tables";
import { checkKeyLength, encodeKeyPart, normalizeUserId } from "./keys.js";
import { openTable, type TableStoreOptions } from "./tableClients.js";
import { readEntity, stripSystem, updateWithEtag } from "./updateWithEtag.js";

export type SentMailState = "sending" | "sent" | "failed";

export interface SentMailRecord {
  messageKey: string;
  mailbox: string;
  state: SentMailState;
  /** "sendMail" (small) or "draft" (upload sessions). */
  mode?: string | undefined;
  draftId?: string | undefined;
  /** The Graph message id of the sent item, when known. */
  graphMessageId?: string | undefined;
  sentAt?: string | undefined;
  code?: string | undefined;
  reason?: string | undefined;
  /** Attempts that reached Graph. */
  attempts: number;
  /** Scheduled retries after a transient Graph failure (429/503…). */
  transientRetries: number;
  /** The SENT/FAILED outcome is on erp-inbound. */
  outcomePublished: boolean;
  updatedAt: string;
}

type Row = Record<string, unknown>;

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
const num = (v: unknown) => (typeof v === "number" ? v : Number(v ?? 0) || 0);

function fromRow(row: Row): SentMailRecord {
  const state = str(row.state);
  return {
    messageKey: str(row.messageKey) ?? "",
    mailbox: str(row.mailbox) ?? "",
    state: state === "sent" || state === "failed" ? state : "sending",
    mode: str(row.mode),
    draftId: str(row.draftId),
    graphMessageId: str(row.graphMessageId),
    sentAt: str(row.sentAt),
    code: str(row.code),
    reason: str(row.reason),
    attempts: num(row.attempts),
    transientRetries: num(row.transientRetries),
    outcomePublished: row.outcomePublished === true,
    updatedAt: str(row.updatedAt) ?? "",
  };
}

function toRow(r: SentMailRecord): Row {
  const row: Row = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined) row[k] = v;
  return row;
}

export class SentMailTable {
  constructor(readonly client: TableClient) {}

  static async open(options: TableStoreOptions): Promise<SentMailTable> {
    return new SentMailTable(await openTable(options, "SentMail"));
  }

  private keys(user: string, messageKey: string): [string, string] {
    return [normalizeUserId(user), checkKeyLength(encodeKeyPart(messageKey), "messageKey")];
  }

  async get(user: string, messageKey: string): Promise<SentMailRecord | undefined> {
    const [pk, rk] = this.keys(user, messageKey);
    const row = await readEntity<Row>(this.client, pk, rk);
    return row ? fromRow(stripSystem(row as TableEntityResult<Row>)) : undefined;
  }

  /**
   * Read → change → write under the row's ETag (retried on a race). `change` gets the current record (undefined when
   * none) and returns the new one, or undefined to leave the row as it is. Returns what is stored afterwards.
   */
  async update(
    user: string,
    messageKey: string,
    change: (current: SentMailRecord | undefined) => SentMailRecord | undefined,
  ): Promise<SentMailRecord | undefined> {
    const [pk, rk] = this.keys(user, messageKey);
    const result = await updateWithEtag<Row>(this.client, pk, rk, (current) => {
      const next = change(current ? fromRow(stripSystem(current)) : undefined);
      return next ? toRow(next) : undefined;
    });
    return result.entity ? fromRow(result.entity) : undefined;
  }
}
