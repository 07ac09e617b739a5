// Links table rows ⇄ the domain's appointment Link (a pending Outlook-born link has hsaRef null), and loading them.
import type { Link as LinkRow, LinkInput } from "../../adapters/tables/linksTable.js";
import type { Link } from "../../domain/appointments/types.js";
import type { AppDeps } from "../appDeps.js";

/**
 * The Links table keys every row by its ERP key, which an Outlook-born item does not have until the ERP answers its
 * CREATE. Such a pending link is stored under this stand-in hsaRef (one per event, so pending links never collide).
 */
export const PENDING_HSAREF_PREFIX = "~pending~";

export const pendingHsaRef = (outlookId: string): string => `${PENDING_HSAREF_PREFIX}${outlookId}`;

const isPendingHsaRef = (hsaRef: string): boolean => hsaRef.startsWith(PENDING_HSAREF_PREFIX);

/** A stored link as the domain sees it (fingerprints and changeKey "" when never recorded). */
export function toDomainLink(row: LinkRow): Link {
  const synced = row.lastSyncedAt ? new Date(row.lastSyncedAt) : new Date(0);
  return {
    user: row.user,
    kco: row.kco,
    hsaRef: isPendingHsaRef(row.hsaRef) ? null : row.hsaRef,
    outlookId: row.outlookId,
    erpFingerprint: row.erpFingerprint ?? "",
    outlookFingerprint: row.outlookFingerprint ?? "",
    outlookChangeKey: row.outlookChangeKey ?? "",
    lastSyncedAt: Number.isNaN(synced.getTime()) ? new Date(0) : synced,
  };
}

/** The table row for a domain link (a null hsaRef becomes the pending stand-in). */
export function toLinkInput(link: Link): LinkInput {
  return {
    user: link.user,
    kind: "appointment",
    kco: link.kco,
    hsaRef: link.hsaRef ?? pendingHsaRef(link.outlookId),
    outlookId: link.outlookId,
    erpFingerprint: link.erpFingerprint,
    outlookFingerprint: link.outlookFingerprint,
    outlookChangeKey: link.outlookChangeKey,
    lastSyncedAt: link.lastSyncedAt.toISOString(),
  };
}

type LinkDeps = Pick<AppDeps, "links">;

export async function saveLink(deps: LinkDeps, link: Link): Promise<void> {
  await deps.links.save(toLinkInput(link));
}

/** Removes a link (both rows); a link already gone is fine. */
export async function removeLink(deps: LinkDeps, link: Link): Promise<void> {
  await deps.links.remove(link.user, "appointment", link.kco, link.hsaRef ?? pendingHsaRef(link.outlookId));
}

/** The appointment links of the given Outlook ids (one point read each), by Outlook id. */
export async function linksByOutlookIds(
  deps: LinkDeps,
  user: string,
  outlookIds: Iterable<string>,
): Promise<Map<string, Link>> {
  const ids = [...new Set(outlookIds)].filter((id) => id !== "");
  const out = new Map<string, Link>();
  const chunk = 16;
  for (let i = 0; i < ids.length; i += chunk) {
    const rows = await Promise.all(ids.slice(i, i + chunk).map((id) => deps.links.getByOutlookId(user, id)));
    for (const row of rows) if (row && row.kind === "appointment") out.set(row.outlookId, toDomainLink(row));
  }
  return out;
}

/** Every appointment link of a user, by Outlook id (one partition query). */
export async function allAppointmentLinks(deps: LinkDeps, user: string): Promise<Map<string, Link>> {
  const rows = await deps.links.listByUser(user, "appointment");
  return new Map(rows.map((row) => [row.outlookId, toDomainLink(row)]));
}
