// Links between ERP items (kind, kco, hsaRef) and Outlook items (Graph id), findable both ways with one point read each.
import type { TableClient, TableEntityResult, TransactionAction } from "@azure/data-tables";
import { randomUUID } from "node:crypto";
import { PermanentError } from "../../domain/errors.js";
import { checkKeyLength, encodeKeyPart, normalizeUserId } from "./keys.js";
import { openTable, type TableStoreOptions } from "./tableClients.js";
import { readEntity, retryOnConflict, type EtagRetryOptions } from "./updateWithEtag.js";

export type LinkKind = "appointment" | "task";

export interface LinkInput {
  user: string;
  kind: LinkKind;
  kco: string;
  hsaRef: string;
  outlookId: string;
  erpFingerprint?: string;
  outlookFingerprint?: string;
  outlookChangeKey?: string;
  lastSyncedAt?: string;
  /** Newest ERP modifiedAt applied (ISO 8601); a push older than it is stale. */
  erpModifiedAt?: string;
  /** "" / absent = live; "outlookDeleted" = tombstone; "recreating" = the push side is re-creating the event. */
  state?: string;
  /** ISO 8601: a tombstone whose DELETE to the ERP is deferred until then (erp-wins grace); absent = committed. */
  erpDeleteDue?: string;
}

export interface Link extends LinkInput {
  /** Opaque concurrency token, the same in both rows; pass it to save() to update only an unchanged link. */
  version: string;
}

type LinkRow = Omit<LinkInput, "user"> & { version: string; role: "erp" | "outlook" };

const OPTIONAL = [
  "erpFingerprint",
  "outlookFingerprint",
  "outlookChangeKey",
  "lastSyncedAt",
  "erpModifiedAt",
  "state",
  "erpDeleteDue",
] as const;

function checkKind(kind: string): LinkKind {
  if (kind !== "appointment" && kind !== "task")
    throw new PermanentError(
      "invalid_link_kind",
      `link kind must be "appointment" or "task", got ${JSON.stringify(kind)}`,
    );
  return kind;
}

/** RowKey of the ERP-side row: `${kind}:${kco}:${hsaRef}`, each part escaped. */
export function erpRowKey(kind: LinkKind, kco: string, hsaRef: string): string {
  return checkKeyLength(
    `${checkKind(kind)}:${encodeKeyPart(kco.trim())}:${encodeKeyPart(hsaRef.trim())}`,
    "link ERP key",
  );
}

/** RowKey of the Outlook-side row: `outlook:${outlookId}`, escaped (Graph ids contain / + =). */
export function outlookRowKey(outlookId: string): string {
  if (!outlookId) throw new PermanentError("invalid_link", "outlookId is required");
  return checkKeyLength(`outlook:${encodeKeyPart(outlookId)}`, "link Outlook id");
}

function toRow(link: LinkInput, version: string, role: "erp" | "outlook"): LinkRow {
  const row: LinkRow = {
    role,
    kind: link.kind,
    kco: link.kco.trim(),
    hsaRef: link.hsaRef.trim(),
    outlookId: link.outlookId,
    version,
  };
  for (const k of OPTIONAL) if (link[k] !== undefined) row[k] = link[k];
  return row;
}

function fromRow(e: TableEntityResult<LinkRow>): Link {
  const link: Link = {
    user: e.partitionKey ?? "",
    kind: checkKind(e.kind),
    kco: e.kco,
    hsaRef: e.hsaRef,
    outlookId: e.outlookId,
    version: e.version,
  };
  for (const k of OPTIONAL) if (typeof e[k] === "string" && e[k] !== "") link[k] = e[k];
  return link;
}

const conflict = (message: string) => Object.assign(new Error(message), { statusCode: 412 });

/** A failed transaction reports the failing action's status; 412/409/404 there means someone else wrote first. */
const isTransactionRace = (e: unknown): boolean => {
  const s = (e as { statusCode?: number }).statusCode;
  return s === 412 || s === 409 || s === 404;
};

export class LinksTable {
  constructor(
    readonly client: TableClient,
    private readonly retry: EtagRetryOptions = {},
  ) {}

  static async open(options: TableStoreOptions, retry?: EtagRetryOptions): Promise<LinksTable> {
    return new LinksTable(await openTable(options, "Links"), retry);
  }

  async getByErpKey(user: string, kind: LinkKind, kco: string, hsaRef: string): Promise<Link | undefined> {
    const row = await readEntity<LinkRow>(this.client, normalizeUserId(user), erpRowKey(kind, kco, hsaRef));
    return row ? fromRow(row) : undefined;
  }

  /** One point read of the Outlook-side row (it carries a full copy of the link). */
  async getByOutlookId(user: string, outlookId: string): Promise<Link | undefined> {
    const row = await readEntity<LinkRow>(this.client, normalizeUserId(user), outlookRowKey(outlookId));
    return row ? fromRow(row) : undefined;
  }

  /** Every link of a user of one kind, from one partition query of the Outlook-side rows (each holds a full copy). */
  async listByUser(user: string, kind: LinkKind): Promise<Link[]> {
    const pk = normalizeUserId(user).replace(/'/g, "''");
    const rows = this.client.listEntities<LinkRow>({
      queryOptions: { filter: `PartitionKey eq '${pk}' and role eq 'outlook' and kind eq '${checkKind(kind)}'` },
    });
    const links: Link[] = [];
    for await (const row of rows) links.push(fromRow(row));
    return links;
  }

  /**
   * Creates or updates a link: both rows in one transaction (same partition), guarded by the ERP row's ETag.
   * `expectedVersion`: only update if the link is unchanged since read (undefined: create or overwrite, retrying on
   * races). An Outlook id already linked to another ERP item is refused (PermanentError "outlook_id_already_linked").
   */
  async save(link: LinkInput, expectedVersion?: string): Promise<Link> {
    const user = normalizeUserId(link.user);
    const erpKey = erpRowKey(link.kind, link.kco, link.hsaRef);
    const outKey = outlookRowKey(link.outlookId);
    return retryOnConflict(
      `${this.client.tableName} ${JSON.stringify(user)}/${JSON.stringify(erpKey)}`,
      async () => {
        const [current, outRow] = await Promise.all([
          readEntity<LinkRow>(this.client, user, erpKey),
          readEntity<LinkRow>(this.client, user, outKey),
        ]);
        if (expectedVersion !== undefined && current?.version !== expectedVersion)
          throw conflict(`link changed since version ${expectedVersion}`);
        if (outRow && erpRowKey(checkKind(outRow.kind), outRow.kco, outRow.hsaRef) !== erpKey)
          throw new PermanentError(
            "outlook_id_already_linked",
            `Outlook item is already linked to ${outRow.kind} ${outRow.kco}/${outRow.hsaRef} of ${user}`,
          );
        const version = randomUUID();
        const actions: TransactionAction[] = [];
        const erpEntity = { partitionKey: user, rowKey: erpKey, ...toRow(link, version, "erp") };
        const outEntity = { partitionKey: user, rowKey: outKey, ...toRow(link, version, "outlook") };
        if (current) actions.push(["update", erpEntity, "Replace", { etag: current.etag }]);
        else actions.push(["create", erpEntity]);
        if (outRow) actions.push(["update", outEntity, "Replace", { etag: outRow.etag }]);
        else actions.push(["create", outEntity]);
        if (current && current.outlookId !== link.outlookId) {
          // The ERP item now points at another Outlook item: drop the old reverse row in the same transaction.
          const oldKey = outlookRowKey(current.outlookId);
          const oldRow = await readEntity<LinkRow>(this.client, user, oldKey);
          if (oldRow && oldRow.rowKey !== outKey) actions.push(["delete", { partitionKey: user, rowKey: oldKey }]);
        }
        await this.client.submitTransaction(actions);
        return fromRow({ ...outEntity, etag: "" });
      },
      expectedVersion !== undefined ? { ...this.retry, maxAttempts: 1 } : this.retry,
      isTransactionRace,
    );
  }

  /** Removes both rows of a link; returns the removed link (undefined if none). */
  async remove(
    user: string,
    kind: LinkKind,
    kco: string,
    hsaRef: string,
    expectedVersion?: string,
  ): Promise<Link | undefined> {
    const pk = normalizeUserId(user);
    const erpKey = erpRowKey(kind, kco, hsaRef);
    return retryOnConflict(
      `${this.client.tableName} ${JSON.stringify(pk)}/${JSON.stringify(erpKey)}`,
      async () => {
        const current = await readEntity<LinkRow>(this.client, pk, erpKey);
        if (!current) return undefined;
        if (expectedVersion !== undefined && current.version !== expectedVersion)
          throw conflict(`link changed since version ${expectedVersion}`);
        const outKey = outlookRowKey(current.outlookId);
        const outRow = await readEntity<LinkRow>(this.client, pk, outKey);
        // Transactional deletes are unconditional (the SDK sends If-Match: *); the version check above guards them.
        const actions: TransactionAction[] = [["delete", { partitionKey: pk, rowKey: erpKey }]];
        if (outRow && outRow.version === current.version)
          actions.push(["delete", { partitionKey: pk, rowKey: outKey }]);
        await this.client.submitTransaction(actions);
        return fromRow(current);
      },
      expectedVersion !== undefined ? { ...this.retry, maxAttempts: 1 } : this.retry,
      isTransactionRace,
    );
  }
}
