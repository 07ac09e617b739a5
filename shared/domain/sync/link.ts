// The link between an ERP item and its Outlook item (one per kind), with each side's last-synced fingerprint.

/** The synced kinds: their links, erp-inbound messages and push messages carry this name. */
export type ItemKind = "appointment" | "task";

export type LinkState = "outlookDeleted" | "recreating";

/** One link of the Links table: an ERP item ⇄ an Outlook item, with each side's last-synced fingerprint. */
export interface Link {
  /** The kind of item linked; undefined = "appointment" (the first kind, whose links predate the field). */
  kind?: ItemKind | undefined;
  user: string;
  kco: string;
  /** null while a CREATE sent to the ERP awaits its answer (the ERP pushes the new record back with outlookId). */
  hsaRef: string | null;
  outlookId: string;
  erpFingerprint: string;
  outlookFingerprint: string;
  /** Last known changeKey (events) or ETag value (tasks) of the Outlook item ("" when unknown). */
  outlookChangeKey: string;
  lastSyncedAt: Date;
  /** The newest ERP `modifiedAt` applied through this link (a push older than it is stale). */
  erpModifiedAt?: Date | undefined;
  /**
   * undefined = live. "outlookDeleted": a tombstone — the item was deleted in Outlook and the ERP is (being) sent
   * DELETE; nothing re-creates it. "recreating": the push side is re-creating the deleted item (erp-wins).
   */
  state?: LinkState | undefined;
  /**
   * With state "outlookDeleted" under erp-wins: the tombstone is pending until this instant (the ERP has not been sent
   * DELETE yet, and an ERP change arriving meanwhile re-creates the item). Absent on a tombstone = DELETE committed.
   */
  erpDeleteDue?: Date | undefined;
  /** The row's concurrency token when read from the table (ETag-conditional writes pass it back). */
  version?: string | undefined;
}

/** The kind of a link (undefined = appointment). */
export const kindOfLink = (link: Pick<Link, "kind">): ItemKind => link.kind ?? "appointment";

/** The `kind` field of a new link of `kind` (none for appointments, as their links always had it). */
export const kindField = (kind: ItemKind): Pick<Link, "kind"> => (kind === "appointment" ? {} : { kind });

/** The later of the link's ERP modifiedAt and `pushed` (what the link holds after applying that change). */
export function newestOf(link: Pick<Link, "erpModifiedAt"> | undefined, pushed: Date | undefined): Date | undefined {
  const held = link?.erpModifiedAt;
  if (!pushed) return held;
  return held && held.getTime() > pushed.getTime() ? held : pushed;
}
