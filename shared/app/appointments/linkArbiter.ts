// The link row as the arbiter between the push and pull workers of one item (they run in different sessions, so nothing
// else orders them): ETag-conditional writes of a tombstone ("DELETE sent to the ERP") and a "recreating" intent.
import type { Link } from "../../domain/appointments/types.js";
import { TransientError } from "../../domain/errors.js";
import type { AppDeps } from "../appDeps.js";
import { isLinkRace, linkByErpKey, saveLink, toDomainLink } from "./appointmentLinks.js";

type ArbiterDeps = Pick<AppDeps, "links">;

const ATTEMPTS = 5;

/** The link of this Outlook event as stored now (undefined when the event is no longer linked). */
async function currentOf(deps: ArbiterDeps, link: Link): Promise<Link | undefined> {
  const row = await deps.links.getByOutlookId(link.user, link.outlookId);
  return row && row.kind === "appointment" ? toDomainLink(row) : undefined;
}

/**
 * Before a DELETE for a deleted Outlook event goes to the ERP: turn its link into a tombstone, conditionally on the
 * version read. true = send the DELETE (we wrote the tombstone, or one already stands: the same DELETE again is
 * dropped by duplicate detection). false = do not: the event is no longer linked (the push side re-created it) or
 * the push side is re-creating it (its intent committed first, so its ERP change wins).
 */
export async function claimTombstone(deps: ArbiterDeps, link: Link, now: Date): Promise<boolean> {
  let current: Link | undefined = link;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (!current || current.outlookId !== link.outlookId) return false;
    if (current.state === "outlookDeleted") return true;
    if (current.state === "recreating") return false;
    try {
      await saveLink(deps, { ...current, state: "outlookDeleted", lastSyncedAt: now }, current.version);
      return true;
    } catch (error) {
      if (!isLinkRace(error)) throw error;
    }
    current = await currentOf(deps, link);
  }
  throw new TransientError("etag_conflict", `link of event ${link.outlookId} kept changing while tombstoning it`);
}

/**
 * Before the push side re-creates a deleted event (erp-wins): record the "recreating" intent, conditionally on the
 * version read. Returns the link as written, or "tombstoned" when the pull side's tombstone committed first (the ERP
 * is being sent DELETE: back off). Any other change meanwhile → TransientError (redelivery decides again).
 */
export async function beginRecreate(deps: ArbiterDeps, link: Link, now: Date): Promise<Link | "tombstoned"> {
  try {
    return await saveLink(deps, { ...link, state: "recreating", lastSyncedAt: now }, link.version);
  } catch (error) {
    if (!isLinkRace(error)) throw error;
  }
  const fresh = link.hsaRef ? await linkByErpKey(deps, link.user, link.kco, link.hsaRef) : await currentOf(deps, link);
  if (fresh?.state === "outlookDeleted") return "tombstoned";
  throw new TransientError("conflict_retry", `link of ${link.kco}/${link.hsaRef ?? "?"} changed before re-creating`);
}

/**
 * After the re-create: the link moves to the new event, conditionally on the intent's version. "done" (also when
 * someone else, e.g. the resync, linked the new event meanwhile), or "lost": the caller deletes the event it created.
 */
export async function finishRecreate(deps: ArbiterDeps, intent: Link, next: Link): Promise<"done" | "lost"> {
  try {
    await saveLink(deps, { ...next, state: undefined }, intent.version);
    return "done";
  } catch (error) {
    if (!isLinkRace(error)) throw error;
  }
  const fresh = intent.hsaRef ? await linkByErpKey(deps, intent.user, intent.kco, intent.hsaRef) : undefined;
  return fresh && fresh.outlookId === next.outlookId && fresh.state === undefined ? "done" : "lost";
}
