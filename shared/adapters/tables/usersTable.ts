// The admin-edited Users table (PK "users", RK ERP user id): reads rows, keeps their status column in step with the parse.
import type { TableClient, TableEntityResult } from "@azure/data-tables";
import { PermanentError } from "../../domain/errors.js";
import {
  parseUserRow,
  type InvalidUser,
  type MisplacedRow,
  type StatusUpdate,
  type UserInput,
  type UserLookup,
  type UserSettings,
} from "../../domain/users/userSettings.js";
import { normalizeUserId } from "./keys.js";
import { openTable, type TableStoreOptions } from "./tableClients.js";
import { isNotFound, readEntity, updateWithEtag, type EtagRetryOptions } from "./updateWithEtag.js";

// The settings, their parsing and rules live in the domain; re-exported for the table's callers.
export * from "../../domain/users/userSettings.js";

export const USERS_PARTITION = "users";

type Row = Record<string, unknown>;

export class UsersTable {
  constructor(
    readonly client: TableClient,
    private readonly retry: EtagRetryOptions = {},
  ) {}

  static async open(options: TableStoreOptions, retry?: EtagRetryOptions): Promise<UsersTable> {
    return new UsersTable(await openTable(options, "Users"), retry);
  }

  /**
   * Every row, parsed; invalid rows get status "invalid" + lastError written (once) and are returned apart. Rows
   * under another PartitionKey (`Users`, blank…) are never synchronised: they are returned as `misplaced`
   * (partition + RowKey) for the nightly run to report, and left untouched.
   */
  async listUsers(): Promise<{ valid: UserSettings[]; invalid: InvalidUser[]; misplaced: MisplacedRow[] }> {
    const valid: UserSettings[] = [];
    const invalid: InvalidUser[] = [];
    const misplaced: MisplacedRow[] = [];
    // One scan of the whole (small) table: the users partition and whatever an admin put beside it.
    for await (const row of this.client.listEntities<Row>()) {
      if (row.partitionKey !== USERS_PARTITION) {
        misplaced.push({ partitionKey: row.partitionKey ?? "", rowKey: row.rowKey ?? "" });
        continue;
      }
      const result = await this.reconcile(row);
      if (result.valid) valid.push(result.user);
      else invalid.push(result.invalid);
    }
    return { valid, invalid, misplaced };
  }

  /** Rows with this user's RowKey under another PartitionKey than the Users partition (an admin's misplaced row). */
  async findMisplaced(userId: string): Promise<MisplacedRow[]> {
    const id = normalizeUserId(userId).replace(/'/g, "''");
    const filter = `RowKey eq '${id}' and PartitionKey ne '${USERS_PARTITION}'`;
    const found: MisplacedRow[] = [];
    for await (const row of this.client.listEntities<Row>({ queryOptions: { filter, select: ["PartitionKey"] } }))
      found.push({ partitionKey: row.partitionKey ?? "", rowKey: row.rowKey ?? "" });
    return found;
  }

  /** One user by ERP id (case-insensitive); undefined when there is no row. Invalid rows are marked as in listUsers. */
  async getUser(userId: string): Promise<UserLookup | undefined> {
    const row = await readEntity<Row>(this.client, USERS_PARTITION, normalizeUserId(userId));
    return row ? this.reconcile(row) : undefined;
  }

  /** Writes the system's status columns (Merge): the admin's columns are never touched. */
  async recordStatus(userId: string, update: StatusUpdate): Promise<void> {
    const id = normalizeUserId(userId);
    const props: Row = {
      partitionKey: USERS_PARTITION,
      rowKey: id,
      status: update.status,
      lastError: update.lastError ?? "",
    };
    if (update.lastSyncAt !== undefined) props.lastSyncAt = update.lastSyncAt;
    if (update.signedInAt !== undefined) props.signedInAt = update.signedInAt;
    if (update.grantedScopes !== undefined)
      props.grantedScopes =
        typeof update.grantedScopes === "string" ? update.grantedScopes : update.grantedScopes.join(" ");
    try {
      // If-Match: * — only updates an existing row, so a status write never creates a phantom user.
      await this.client.updateEntity(props as Row & { partitionKey: string; rowKey: string }, "Merge");
    } catch (e) {
      if (isNotFound(e)) throw new PermanentError("user_not_found", `No Users row for ${id}`, { cause: e });
      throw e;
    }
  }

  /**
   * Caches the user's mailbox time zone (system columns, Merge): `mailboxTimeZone` as Graph named it ("" when it could
   * not be read) and `mailboxTimeZoneNote` ("" when the zone is used as is). Status and admin columns are untouched.
   */
  async recordMailboxTimeZone(userId: string, cached: { timeZone: string; note: string }): Promise<void> {
    const id = normalizeUserId(userId);
    const props = {
      partitionKey: USERS_PARTITION,
      rowKey: id,
      mailboxTimeZone: cached.timeZone,
      mailboxTimeZoneNote: cached.note.slice(0, 2000),
    };
    try {
      await this.client.updateEntity(props, "Merge");
    } catch (e) {
      if (isNotFound(e)) throw new PermanentError("user_not_found", `No Users row for ${id}`, { cause: e });
      throw e;
    }
  }

  /** Creates or replaces a user's admin columns (tests, seeding); status columns are kept. */
  async upsertUser(input: UserInput): Promise<void> {
    const id = normalizeUserId(input.userId);
    await updateWithEtag<Row>(
      this.client,
      USERS_PARTITION,
      id,
      () => {
        const row: Row = {
          mailbox: input.mailbox,
          emails: input.emails ?? false,
          syncAppointments: input.syncAppointments ?? false,
          appointmentsFromOutlook: input.appointmentsFromOutlook ?? false,
          syncTasks: input.syncTasks ?? false,
          tasksFromOutlook: input.tasksFromOutlook ?? false,
        };
        if (input.defaultCompany !== undefined) row.defaultCompany = input.defaultCompany;
        return row;
      },
      { ...this.retry, mode: "Merge" },
    );
  }

  /** Parses a row and, when its status column disagrees with the parse, corrects it (etag-checked, re-parsed on race). */
  private async reconcile(row: TableEntityResult<Row>): Promise<UserLookup> {
    let result = parseUserRow(row);
    const needsWrite = (r: UserLookup, current: TableEntityResult<Row>): Row | undefined => {
      if (!r.valid)
        return current.status === "invalid" && current.lastError === r.invalid.lastError
          ? undefined
          : { status: "invalid", lastError: r.invalid.lastError };
      // A row the admin fixed: leave "invalid" behind until the next sync records its own status.
      return current.status === "invalid" ? { status: "pending", lastError: "" } : undefined;
    };
    if (!needsWrite(result, row)) return result;
    const written = await updateWithEtag<Row>(
      this.client,
      USERS_PARTITION,
      row.rowKey ?? "",
      (current) => {
        if (!current) return undefined; // deleted meanwhile
        result = parseUserRow(current);
        return needsWrite(result, current);
      },
      { ...this.retry, mode: "Merge", initial: row },
    );
    if (result.valid && written.written) {
      const patch = written.entity ?? {};
      result = {
        valid: true,
        user: {
          ...result.user,
          status: patch.status as string,
          lastError: undefined,
          etag: written.etag ?? result.user.etag,
        },
      };
    }
    return result;
  }
}
