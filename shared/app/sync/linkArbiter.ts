// The link row (of any kind) as the arbiter between the push and pull workers of one item (different sessions: nothing
// else orders them): ETag-conditional writes of a tombstone (pending during the erp-wins grace, then committed: "DELETE
// sent to the ERP") and a "recreating" intent.
import { TransientError } from "../../domain/errors.js";
import { kindOfLink, type Link } from "../../domain/sync/link.js";
import type { AppDeps } from "../appDeps.js";
import { isLinkRace, linkOfErpKey, saveLink, toDomainLink } from "./links.js";

type ArbiterDeps = Pick<AppDeps, "links">;

const ATTEMPTS = 5;

/** The link of this Outlook item as stored now (undefined when the item is no longer linked). */
async function currentOf(deps: ArbiterDeps, link: Link): Promise<Link | undefined> {
  const row = await deps.links.getByOutlookId(link.user, link.outlookId);
  return row && row.kind === kindOfLink(link) ? toDomainLink(row) : undefined;
}

/**
 * Before a DELETE for a deleted Outlook item goes to the ERP: turn its link into a tombstone, conditionally on the
 * version read. With `deferUntil` (erp-wins grace) the tombstone is pending until then: the DELETE is not sent now,
 * and an ERP change arriving meanwhile may still re-create the item (see confirmTombstone). true = go on (send the
 * DELETE, or schedule its confirmation; a tombstone already standing gives the same again, which duplicate detection
 * drops). false = do not: the item is no longer linked (the push side re-created it) or is being re-created.
 */
export async function claimTombstone(deps: ArbiterDeps, link: Link, now: Date, deferUntil?: Date): Promise<boolean> {
  let current: Link | undefined = link;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (!current || current.outlookId !== link.outlookId) return false;
    if (current.state === "outlookDeleted") return true;
    if (current.state === "recreating") return false;
    try {
      const tombstone: Link = { ...current, state: "outlookDeleted", lastSyncedAt: now, erpDeleteDue: deferUntil };
      await saveLink(deps, tombstone, current.version);
      return true;
    } catch (error) {
      if (!isLinkRace(error)) throw error;
    }
    current = await currentOf(deps, link);
  }
  throw new TransientError(
    "etag_conflict",
    `link of ${kindOfLink(link)} ${link.outlookId} kept changing while tombstoning it`,
  );
}

/**
 * When a pending tombstone falls due: commit it (clear its due time, conditionally on the version read), so the
 * DELETE goes to the ERP and no later push re-creates the item. "send" also for a tombstone already committed (a
 * redelivery: the same DELETE again is dropped by duplicate detection); "revived" when the item is no longer linked
 * or no longer a tombstone (an ERP change re-created it during the grace, or the ERP deleted the record itself).
 */
export async function confirmTombstone(
  deps: ArbiterDeps,
  user: string,
  outlookId: string,
): Promise<{ outcome: "send"; link: Link } | { outcome: "revived"; link: Link | undefined }> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const row = await deps.links.getByOutlookId(user, outlookId);
    const current = row ? toDomainLink(row) : undefined;
    if (!current || current.state !== "outlookDeleted") return { outcome: "revived", link: current };
    if (!current.erpDeleteDue) return { outcome: "send", link: current };
    try {
      const committed = await saveLink(deps, { ...current, erpDeleteDue: undefined }, current.version);
      return { outcome: "send", link: committed };
    } catch (error) {
      if (!isLinkRace(error)) throw error;
    }
  }
  throw new TransientError(
    "etag_conflict",
    `link of Outlook item ${outlookId} kept changing while confirming its delete`,
  );
}

/**
 * Before the push side re-creates a deleted item (erp-wins): record the "recreating" intent, conditionally on the
 * version read (also over a pending tombstone: the ERP has not been sent DELETE yet, so its change still wins).
 * Returns the link as written, or "tombstoned" when a committed tombstone is there (read so, or committed first: the
 * ERP is being sent DELETE, back off). Any other change meanwhile → TransientError (redelivery decides again).
 */
export async function beginRecreate(deps: ArbiterDeps, link: Link, now: Date): Promise<Link | "tombstoned"> {
  if (link.state === "outlookDeleted" && !link.erpDeleteDue) return "tombstoned";
  try {
    const intent: Link = { ...link, state: "recreating", lastSyncedAt: now, erpDeleteDue: undefined };
    return await saveLink(deps, intent, link.version);
  } catch (error) {
    if (!isLinkRace(error)) throw error;
  }
  const fresh = link.hsaRef
    ? await linkOfErpKey(deps, kindOfLink(link), link.user, link.kco, link.hsaRef)
    : await currentOf(deps, link);
  if (fresh?.state === "outlookDeleted" && !fresh.erpDeleteDue) return "tombstoned";
  throw new TransientError("conflict_retry", `link of ${link.kco}/${link.hsaRef ?? "?"} changed before re-creating`);
}

/**
 * After the re-create: the link moves to the new item, conditionally on the intent's version. "done" (also when
 * someone else, e.g. the resync, linked the new item meanwhile), or "lost": the caller deletes the item it created.
 */
export async function finishRecreate(deps: ArbiterDeps, intent: Link, next: Link): Promise<"done" | "lost"> {
  try {
    await saveLink(deps, { ...next, state: undefined }, intent.version);
    return "done";
  } catch (error) {
    if (!isLinkRace(error)) throw error;
  }
  const fresh = intent.hsaRef
    ? await linkOfErpKey(deps, kindOfLink(intent), intent.user, intent.kco, intent.hsaRef)
    : undefined;
  return fresh && fresh.outlookId === next.outlookId && fresh.state === undefined ? "done" : "lost";
}
