// Links table rows ⇄ the domain's Link, for any kind (a pending Outlook-born link has hsaRef null), and loading them.
import type { Link as LinkRow, LinkInput } from "../../adapters/tables/linksTable.js";
import { AppError } from "../../domain/errors.js";
import { kindOfLink, type ItemKind, type Link, type LinkState } from "../../domain/sync/link.js";
import type { AppDeps } from "../appDeps.js";

/**
 * The Links table keys every row by its ERP key, which an Outlook-born item does not have until the ERP answers its
 * CREATE. Such a pending link is stored under this stand-in hsaRef (one per Outlook item, so they never collide).
 */
export const PENDING_HSAREF_PREFIX = "~pending~";

export const pendingHsaRef = (outlookId: string): string => `${PENDING_HSAREF_PREFIX}${outlookId}`;

const isPendingHsaRef = (hsaRef: string): boolean => hsaRef.startsWith(PENDING_HSAREF_PREFIX);

const toState = (state: string | undefined): LinkState | undefined =>
  state === "outlookDeleted" || state === "recreating" ? state : undefined;

const toDate = (iso: string | undefined): Date | undefined => {
  const d = iso ? new Date(iso) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
};

/** A stored link as the domain sees it (fingerprints and changeKey "" when never recorded; kind only when not appointment). */
export function toDomainLink(row: LinkRow): Link {
  const synced = row.lastSyncedAt ? new Date(row.lastSyncedAt) : new Date(0);
  const erpModifiedAt = toDate(row.erpModifiedAt);
  const state = toState(row.state);
  const erpDeleteDue = state === "outlookDeleted" ? toDate(row.erpDeleteDue) : undefined;
  return {
    ...(row.kind !== "appointment" ? { kind: row.kind } : {}),
    ...(erpModifiedAt ? { erpModifiedAt } : {}),
    ...(state ? { state } : {}),
    ...(erpDeleteDue ? { erpDeleteDue } : {}),
    version: row.version,
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
    kind: kindOfLink(link),
    kco: link.kco,
    hsaRef: link.hsaRef ?? pendingHsaRef(link.outlookId),
    outlookId: link.outlookId,
    erpFingerprint: link.erpFingerprint,
    outlookFingerprint: link.outlookFingerprint,
    outlookChangeKey: link.outlookChangeKey,
    lastSyncedAt: link.lastSyncedAt.toISOString(),
    ...(link.erpModifiedAt ? { erpModifiedAt: link.erpModifiedAt.toISOString() } : {}),
    ...(link.state ? { state: link.state } : {}),
    ...(link.state === "outlookDeleted" && link.erpDeleteDue ? { erpDeleteDue: link.erpDeleteDue.toISOString() } : {}),
  };
}

export type LinkDeps = Pick<AppDeps, "links">;

/** Saves a link; with `expectedVersion`, only over an unchanged row (else TransientError "etag_conflict"). */
export async function saveLink(deps: LinkDeps, link: Link, expectedVersion?: string): Promise<Link> {
  return toDomainLink(await deps.links.save(toLinkInput(link), expectedVersion));
}

/** A concurrent writer changed the link between our read and our conditional write. */
export const isLinkRace = (e: unknown): boolean => e instanceof AppError && e.code === "etag_conflict";

/** The link of an ERP key of `kind`, as stored now. */
export async function linkOfErpKey(deps: LinkDeps, kind: ItemKind, user: string, kco: string, hsaRef: string) {
  const row = await deps.links.getByErpKey(user, kind, kco, hsaRef);
  return row ? toDomainLink(row) : undefined;
}

/** The link of an Outlook item, when it is a link of `kind`. */
export async function linkOfOutlookId(deps: LinkDeps, kind: ItemKind, user: string, outlookId: string) {
  const row = await deps.links.getByOutlookId(user, outlookId);
  return row && row.kind === kind ? toDomainLink(row) : undefined;
}

/** Removes a link (both rows); a link already gone is fine. */
export async function removeLink(deps: LinkDeps, link: Link): Promise<void> {
  await deps.links.remove(link.user, kindOfLink(link), link.kco, link.hsaRef ?? pendingHsaRef(link.outlookId));
}

/** The links of `kind` of the given Outlook ids (one point read each), by Outlook id. */
export async function linksOfOutlookIds(
  deps: LinkDeps,
  kind: ItemKind,
  user: string,
  outlookIds: Iterable<string>,
): Promise<Map<string, Link>> {
  const ids = [...new Set(outlookIds)].filter((id) => id !== "");
  const out = new Map<string, Link>();
  const chunk = 16;
  for (let i = 0; i < ids.length; i += chunk) {
    const rows = await Promise.all(ids.slice(i, i + chunk).map((id) => deps.links.getByOutlookId(user, id)));
    for (const row of rows) if (row && row.kind === kind) out.set(row.outlookId, toDomainLink(row));
  }
  return out;
}

/** Every link of `kind` of a user, by Outlook id (one partition query). */
export async function allLinksOf(deps: LinkDeps, kind: ItemKind, user: string): Promise<Map<string, Link>> {
  const rows = await deps.links.listByUser(user, kind);
  return new Map(rows.map((row) => [row.outlookId, toDomainLink(row)]));
}
