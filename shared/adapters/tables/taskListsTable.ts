// TaskLists (PK user, RK "todo"): the user's TASK_LIST_NAME To Do list as last found by name, and its delta cursor.
import type { TableClient } from "@azure/data-tables";
import { normalizeUserId } from "./keys.js";
import { openTable, type TableStoreOptions } from "./tableClients.js";
import { isNotFound, readEntity } from "./updateWithEtag.js";

const ROW = "todo";

export interface TaskListRecord {
  user: string;
  /** The Graph id of the list named TASK_LIST_NAME when it was last looked up. */
  listId: string;
  /** Its displayName then (a later rename in Outlook is noticed by the next lookup by name). */
  listName: string;
  /** The list's tasks/delta cursor; absent → the next pull reads the list from scratch. */
  deltaUrl?: string;
  /** ISO 8601 of the last delta round saved. */
  lastSyncAt?: string;
}

export interface StoredTaskList extends TaskListRecord {
  etag: string;
}

type Row = { listId?: unknown; listName?: unknown; deltaUrl?: unknown; lastSyncAt?: unknown };

const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

export class TaskListsTable {
  constructor(readonly client: TableClient) {}

  static async open(options: TableStoreOptions): Promise<TaskListsTable> {
    return new TaskListsTable(await openTable(options, "TaskLists"));
  }

  async get(user: string): Promise<StoredTaskList | undefined> {
    const row = await readEntity<Row>(this.client, normalizeUserId(user), ROW);
    const listId = text(row?.listId);
    if (!row || !listId) return undefined;
    const deltaUrl = text(row.deltaUrl);
    const lastSyncAt = text(row.lastSyncAt);
    return {
      user: normalizeUserId(user),
      listId,
      listName: text(row.listName) ?? "",
      ...(deltaUrl ? { deltaUrl } : {}),
      ...(lastSyncAt ? { lastSyncAt } : {}),
      etag: row.etag,
    };
  }

  /**
   * Writes the record (Replace: a missing deltaUrl clears the cursor). With `etag` only if the row is unchanged since it
   * was read (else the SDK's 412 is thrown); without, unconditionally.
   */
  async save(record: TaskListRecord, etag?: string): Promise<string> {
    const entity = {
      partitionKey: normalizeUserId(record.user),
      rowKey: ROW,
      listId: record.listId,
      listName: record.listName,
      deltaUrl: record.deltaUrl ?? "",
      lastSyncAt: record.lastSyncAt ?? "",
    };
    const r =
      etag !== undefined
        ? await this.client.updateEntity(entity, "Replace", { etag })
        : await this.client.upsertEntity(entity, "Replace");
    return r.etag ?? "";
  }

  /** Removes the row (the list is gone, or the user no longer syncs tasks); absent is fine. */
  async remove(user: string): Promise<void> {
    try {
      await this.client.deleteEntity(normalizeUserId(user), ROW);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
