// The MailSendLog table (PK mailbox, RK email key): when each mail of a mailbox was (or is reserved to be) sent,
// so sends can be spaced to Exchange's ~30 messages a minute per mailbox.
import type { TableClient } from "@azure/data-tables";
import { checkKeyLength, encodeKeyPart } from "./keys.js";
import { openTable, type TableStoreOptions } from "./tableClients.js";

export interface SendLogEntry {
  /** The email's key (one entry per email: a reservation is overwritten when the mail is finally sent). */
  key: string;
  /** Epoch ms of the send, or of the reserved slot when in the future. */
  at: number;
}

type Row = { at?: unknown; key?: unknown };

export class MailSendLogTable {
  constructor(readonly client: TableClient) {}

  static async open(options: TableStoreOptions): Promise<MailSendLogTable> {
    return new MailSendLogTable(await openTable(options, "MailSendLog"));
  }

  private pk(mailbox: string): string {
    return checkKeyLength(encodeKeyPart(mailbox.trim().toLowerCase()), "mailbox");
  }

  /** Every entry of the mailbox (the partition is kept small by prune). */
  async list(mailbox: string): Promise<SendLogEntry[]> {
    const out: SendLogEntry[] = [];
    const pk = this.pk(mailbox).replace(/'/g, "''");
    for await (const row of this.client.listEntities<Row>({ queryOptions: { filter: `PartitionKey eq '${pk}'` } })) {
      const at = Number(row.at);
      if (typeof row.key === "string" && Number.isFinite(at)) out.push({ key: row.key, at });
    }
    return out;
  }

  /** Records (or moves) the email's send time. */
  async set(mailbox: string, key: string, at: number): Promise<void> {
    await this.client.upsertEntity(
      { partitionKey: this.pk(mailbox), rowKey: checkKeyLength(encodeKeyPart(key), "email key"), key, at },
      "Replace",
    );
  }

  /** Deletes the given entries (best effort: one already gone is fine). */
  async prune(mailbox: string, keys: readonly string[]): Promise<void> {
    const pk = this.pk(mailbox);
    await Promise.allSettled(keys.map((k) => this.client.deleteEntity(pk, encodeKeyPart(k))));
  }
}
