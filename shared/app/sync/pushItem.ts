// PUSH for any synced kind (msgraph-push appointment / task): create / update / delete the user's Outlook item and
// record the link with both sides' fingerprints, so the notification our write causes comes back as an echo.
import type { UserSettings } from "../../domain/users/userSettings.js";
import { decideItemDrift } from "../../domain/sync/drift.js";
import { decideItemPush, etagOf, newestModifiedAt, type PushDecisionOf } from "../../domain/sync/pushPlan.js";
import { kindField, type ItemKind, type Link } from "../../domain/sync/link.js";
import type { ErpItem, OutlookItem, Switches, SyncKind } from "../../domain/sync/syncKind.js";
import { AppError, TransientError } from "../../domain/errors.js";
import type { InboundMessage } from "../../domain/messages/inboundMessage.js";
import type { SyncWindow } from "../../domain/window.js";
import type { AppDeps } from "../appDeps.js";
import type { Logger } from "../dispatchMessage.js";
import { sendInbound } from "../sendInbound.js";
import { checkInbound } from "./checkInbound.js";
import { linkOfErpKey, linkOfOutlookId, removeLink, saveLink } from "./links.js";
import { beginRecreate, claimTombstone, finishRecreate } from "./linkArbiter.js";

/** The Graph calls of one kind for one user (bound to the mailbox, and for tasks to the list). `G`: Graph's item. */
export interface ItemGateway<G, B> {
  create(body: B): Promise<G>;
  update(id: string, body: B, ifMatch: string | undefined): Promise<G>;
  /** The item as it is now (undefined for 404). */
  get(id: string): Promise<G | undefined>;
  remove(id: string): Promise<{ deleted: boolean }>;
  /**
   * For a resource without a create key (To Do has no transactionId): the item an earlier attempt already wrote for
   * this ERP key (found by what we write into it), so a crash between create and link never makes a second one.
   */
  findWritten?(kco: string, hsaRef: string): Promise<G | undefined>;
}

/** What the push pipeline needs of a kind besides its domain contract. */
export interface PushKindOf<E extends ErpItem, O extends OutlookItem, G, B> {
  kind: SyncKind<E, O, B>;
  /** A Graph item as the domain's Outlook item. */
  parse(raw: G): O;
  /** The If-Match value for a Graph item just read (its @odata.etag, else W/"changeKey"). */
  ifMatchOf(raw: G): string | undefined;
  /** The create key of a re-create of a deleted Outlook item (events: a transactionId of hsaRef#oldId). */
  recreateKeyOf(user: string, item: E, oldOutlookId: string): string | undefined;
  /** The erp-inbound UPDATE carrying Outlook's version of a linked item (outlook-wins). */
  inboundUpdate(deps: AppDeps, user: string, kco: string, hsaRef: string | null, outlook: O): Promise<InboundMessage>;
}

export interface ItemPush<E extends ErpItem> {
  op: "CREATE" | "UPDATE" | "DELETE";
  kco: string;
  hsaRef: string;
  /** Set when the ERP record was created from an Outlook item. */
  outlookId?: string | undefined;
  /** Present for CREATE/UPDATE. */
  item: E | undefined;
}

interface PushRun<E extends ErpItem, O extends OutlookItem, G, B> {
  deps: AppDeps;
  user: UserSettings;
  log: Logger;
  now: Date;
  window: SyncWindow;
  push: ItemPush<E>;
  kindApp: PushKindOf<E, O, G, B>;
  graph: ItemGateway<G, B>;
  /** The link found for the ERP key (or a pending link of `outlookId`). */
  link: Link | undefined;
}

const codeOf = (e: unknown) => (e instanceof AppError ? e.code : undefined);

/** The user's switches as the domain reads them. */
export const switchesOf = (u: UserSettings): Switches => ({
  syncAppointments: u.syncAppointments,
  appointmentsFromOutlook: u.appointmentsFromOutlook,
  syncTasks: u.syncTasks,
  tasksFromOutlook: u.tasksFromOutlook,
});

/**
 * The link for the message's ERP key; else, when `outlookId` is given, a PENDING link of that item (an Outlook-born
 * item the ERP is answering). An outlookId linked to another ERP item is ignored (never act on someone else's item).
 */
async function findLink(
  deps: AppDeps,
  kind: ItemKind,
  user: string,
  p: ItemPush<ErpItem>,
  log: Logger,
): Promise<{ link: Link | undefined; outlookId: string | undefined }> {
  const byKey = await linkOfErpKey(deps, kind, user, p.kco, p.hsaRef);
  if (byKey) return { link: byKey, outlookId: p.outlookId };
  if (!p.outlookId) return { link: undefined, outlookId: undefined };
  const link = await linkOfOutlookId(deps, kind, user, p.outlookId);
  if (!link) return { link: undefined, outlookId: p.outlookId };
  if (link.hsaRef === null) return { link, outlookId: p.outlookId };
  log.warn(
    `push ${kind} ${p.kco}/${p.hsaRef}: outlookId ${p.outlookId} is linked to ${link.kco}/${link.hsaRef}; ignored`,
  );
  return { link: undefined, outlookId: undefined };
}

/**
 * The shared push: decide (decideItemPush) and act: create (with the kind's create key; without one, the item an
 * earlier attempt wrote is found first), update (If-Match on the last version; 412/404 → read fresh → drift with
 * CONFLICT_RULE), delete (404 = already gone), link. Every write records the link.
 */
export async function pushItem<E extends ErpItem, O extends OutlookItem, G, B>(
  deps: AppDeps,
  user: UserSettings,
  log: Logger,
  window: SyncWindow,
  kindApp: PushKindOf<E, O, G, B>,
  graph: ItemGateway<G, B>,
  push: ItemPush<E>,
): Promise<void> {
  const now = deps.now();
  const kind = kindApp.kind;
  const { link, outlookId } = await findLink(deps, kind.name, user.userId, push, log);
  const run: PushRun<E, O, G, B> = { deps, user, log, now, window, push, kindApp, graph, link };
  const decision = decideItemPush(kind, {
    op: push.op,
    user: user.userId,
    item: push.item,
    ...(outlookId ? { outlookId } : {}),
    ...(link ? { link } : {}),
    switches: switchesOf(user),
    window,
    now,
  });
  const item = push.item;
  if (decision.type === "skip" && decision.reason === "unchanged" && link?.hsaRef === null && item) {
    // The ERP answered an Outlook-born CREATE with an UPDATE of identical content: the pending link gets its key.
    await replaceLink(run, { ...link, kco: item.kco, hsaRef: item.hsaRef, lastSyncedAt: now });
    log.log(`${where(run)}: linked to ${kind.noun} ${link.outlookId} (content already in step)`);
    return;
  }
  if (decision.type === "skip" && decision.reason === "unchanged" && link && item) {
    // Same content, later modifiedAt: the link remembers it, so an older push delivered after this one is stale.
    const newest = newestModifiedAt(link, item);
    if (newest && newest.getTime() !== link.erpModifiedAt?.getTime()) {
      await saveLink(deps, { ...link, erpModifiedAt: newest });
    }
  }
  if (decision.type === "skip" && decision.reason === "tombstonePending" && link && item) {
    await crossedOutlookDelete(run, link, item);
    return;
  }
  await act(run, decision);
}

/**
 * An ERP CREATE/UPDATE that crossed an Outlook delete whose DELETE to the ERP is still deferred: the conflict rule
 * decides as for a PATCH answered 404. erp-wins re-creates the item (the pending tombstone is overwritten by the
 * "recreating" intent, so the DELETE is never sent); otherwise the tombstone stands and its DELETE goes out when due.
 */
async function crossedOutlookDelete<E extends ErpItem, O extends OutlookItem, G, B>(
  run: PushRun<E, O, G, B>,
  link: Link,
  item: E,
): Promise<void> {
  const { deps, user, log, kindApp } = run;
  const kind = kindApp.kind;
  const drift = decideItemDrift(kind, {
    link,
    erp: item,
    outlook: undefined,
    rule: deps.config.conflictRule,
    switches: switchesOf(user),
    window: run.window,
  });
  log.log(
    `${where(run)}: ${kind.noun} ${link.outlookId} deleted in Outlook, DELETE deferred: ${drift.action} (${drift.reason})`,
  );
  if (drift.action === "recreateInOutlook") await recreate(run, link, item, kind.erpFingerprint(item));
  else if (drift.action === "dropLink") await removeLink(deps, link);
}

const where = (r: PushRun<ErpItem, OutlookItem, unknown, unknown>) =>
  `push ${r.kindApp.kind.name} ${r.push.op} ${r.user.userId} ${r.push.kco}/${r.push.hsaRef}`;

async function act<E extends ErpItem, O extends OutlookItem, G, B>(
  run: PushRun<E, O, G, B>,
  d: PushDecisionOf<B>,
): Promise<void> {
  const { deps, log, graph } = run;
  const noun = run.kindApp.kind.noun;
  switch (d.type) {
    case "skip":
      log.log(`${where(run)}: nothing written (${d.reason}${d.detail ? `: ${d.detail}` : ""})`);
      return;
    case "create": {
      const found = d.createKey === undefined ? await graph.findWritten?.(run.push.kco, run.push.hsaRef) : undefined;
      if (found) {
        const id = run.kindApp.parse(found).id;
        log.warn(`${where(run)}: ${noun} ${id} was already written for this key (an earlier attempt); linked`);
        await update(run, {
          type: "update",
          outlookId: id,
          ifMatch: undefined,
          changeKey: undefined,
          body: d.body,
          erpFingerprint: d.erpFingerprint,
        });
        return;
      }
      const created = await graph.create(d.body);
      await recordWrite(run, created, d.erpFingerprint);
      log.log(`${where(run)}: ${noun} ${run.kindApp.parse(created).id} created`);
      return;
    }
    case "link":
      await replaceLink(run, d.link);
      log.log(`${where(run)}: linked to ${noun} ${d.outlookId}`);
      return;
    case "delete": {
      const { deleted } = await graph.remove(d.outlookId);
      if (run.link) await removeLink(deps, run.link);
      log.log(`${where(run)}: ${noun} ${d.outlookId} ${deleted ? "deleted" : "was already gone"}`);
      return;
    }
    case "update":
      await update(run, d);
      return;
  }
}

type Update<B> = Extract<PushDecisionOf<B>, { type: "update" }>;

async function update<E extends ErpItem, O extends OutlookItem, G, B>(
  run: PushRun<E, O, G, B>,
  d: Update<B>,
): Promise<void> {
  const { log, graph } = run;
  const noun = run.kindApp.kind.noun;
  let updated: G;
  try {
    updated = await graph.update(d.outlookId, d.body, d.ifMatch);
  } catch (error) {
    const code = codeOf(error);
    if (code !== "precondition_failed" && code !== "not_found") throw error;
    log.warn(`${where(run)}: PATCH of ${noun} ${d.outlookId} answered ${code}; reading it fresh`);
    await resolveFailedPatch(run, d);
    return;
  }
  await recordWrite(run, updated, d.erpFingerprint);
  log.log(`${where(run)}: ${noun} ${d.outlookId} updated`);
}

/** After a 412 (changed in Outlook since our last sync) or 404: decide with the item as it is now. */
async function resolveFailedPatch<E extends ErpItem, O extends OutlookItem, G, B>(
  run: PushRun<E, O, G, B>,
  d: Update<B>,
): Promise<void> {
  const { deps, user, log, kindApp, graph } = run;
  const kind = kindApp.kind;
  const item = run.push.item;
  const fresh = await graph.get(d.outlookId);
  const link = run.link;
  if (!link || !item) {
    if (fresh) throw new TransientError("precondition_failed", `${kind.noun} ${d.outlookId} changed during the update`);
    // The ERP named an item that no longer exists and there is no link: treat it as not in Outlook yet.
    log.warn(`${where(run)}: ${kind.noun} ${d.outlookId} is gone; deciding as an unlinked ${kind.name}`);
    const again = decideItemPush(kind, {
      op: run.push.op,
      user: user.userId,
      item,
      switches: switchesOf(user),
      window: run.window,
      now: run.now,
    });
    await act({ ...run, link: undefined }, again);
    return;
  }
  const outlook = fresh ? kindApp.parse(fresh) : undefined;
  const drift = decideItemDrift(kind, {
    link,
    erp: item,
    outlook,
    rule: deps.config.conflictRule,
    switches: switchesOf(user),
    window: run.window,
  });
  log.log(`${where(run)}: conflict on ${kind.noun} ${d.outlookId}: ${drift.action} (${drift.reason})`);
  const erpFingerprint = kind.erpFingerprint(item);
  switch (drift.action) {
    case "pushErp": {
      const ifMatch = fresh ? kindApp.ifMatchOf(fresh) : undefined;
      let updated: G;
      try {
        updated = await graph.update(d.outlookId, d.body, ifMatch);
      } catch (error) {
        if (codeOf(error) === "precondition_failed" || codeOf(error) === "not_found") {
          throw new TransientError(
            "conflict_retry",
            `${kind.noun} ${d.outlookId} changed again during conflict resolution`,
            { cause: error },
          );
        }
        throw error;
      }
      await recordWrite(run, updated, erpFingerprint);
      return;
    }
    case "pullOutlook":
      if (outlook) await sendOutlookVersion(run, link, outlook);
      return;
    case "refreshLink":
      if (outlook) {
        await replaceLink(run, {
          ...link,
          kco: item.kco,
          hsaRef: item.hsaRef,
          erpFingerprint,
          outlookFingerprint: kind.outlookFingerprint(outlook),
          outlookChangeKey: outlook.changeKey ?? link.outlookChangeKey,
          lastSyncedAt: run.now,
          erpModifiedAt: newestModifiedAt(link, item),
        });
      }
      return;
    case "recreateInOutlook":
      await recreate(run, link, item, erpFingerprint);
      return;
    case "deleteInErp": {
      // outlook-wins: the tombstone makes this DELETE the only one (the pull side sends the same one at most).
      if (!(await claimTombstone(deps, link, run.now))) {
        log.log(`${where(run)}: ${kind.noun} ${link.outlookId} is no longer linked or is being re-created; no DELETE`);
        return;
      }
      const message = checkInbound({
        kind: kind.name,
        op: "DELETE",
        user: user.userId,
        kco: link.kco,
        hsaRef: link.hsaRef,
        outlookId: link.outlookId,
        actionType: null,
      });
      await sendInbound(deps, [{ message }]);
      return;
    }
    case "dropLink":
    case "deleteInOutlook":
      await removeLink(deps, link);
      return;
    case "recreateInErp":
    case "none":
      return;
  }
}

/**
 * erp-wins after the item was deleted in Outlook: record the "recreating" intent on the link (ETag-conditional),
 * create the item (its own create key, so a redelivery finds the same one), move the link to it (conditional on the
 * intent). The pull side's tombstone committed first → back off (the ERP is being sent DELETE). Lost the final write
 * → delete the item just created (no orphan) and let redelivery decide again.
 */
async function recreate<E extends ErpItem, O extends OutlookItem, G, B>(
  run: PushRun<E, O, G, B>,
  link: Link,
  item: E,
  erpFingerprint: string,
): Promise<void> {
  const { deps, user, log, kindApp, graph } = run;
  const noun = kindApp.kind.noun;
  const intent = await beginRecreate(deps, link, run.now);
  if (intent === "tombstoned") {
    log.log(
      `${where(run)}: ${noun} ${link.outlookId} was deleted in Outlook and the ERP was sent DELETE; not re-created`,
    );
    return;
  }
  const createKey = kindApp.recreateKeyOf(user.userId, item, link.outlookId);
  const created = await graph.create(kindApp.kind.bodyOf(item, { key: createKey }));
  const next: Link = {
    ...linkAfterWrite(run, created, erpFingerprint, item),
    erpModifiedAt: newestModifiedAt(link, item),
  };
  if ((await finishRecreate(deps, intent, next)) === "done") {
    log.log(`${where(run)}: ${noun} ${link.outlookId} deleted in Outlook; re-created as ${next.outlookId}`);
    return;
  }
  await graph.remove(next.outlookId);
  throw new TransientError(
    "conflict_retry",
    `${where(run)}: the link changed while re-creating; ${noun} ${next.outlookId} removed`,
  );
}

/** outlook-wins: the ERP gets Outlook's version (erp-inbound UPDATE); the link expects the ERP to store it. */
async function sendOutlookVersion<E extends ErpItem, O extends OutlookItem, G, B>(
  run: PushRun<E, O, G, B>,
  link: Link,
  outlook: O,
): Promise<void> {
  const { deps, user, kindApp } = run;
  const kco = run.push.item?.kco ?? link.kco;
  const hsaRef = run.push.item?.hsaRef ?? link.hsaRef;
  const message = checkInbound(await kindApp.inboundUpdate(deps, user.userId, kco, hsaRef, outlook));
  await sendInbound(deps, [{ message }]);
  const fingerprint = kindApp.kind.outlookFingerprint(outlook);
  await replaceLink(run, {
    ...link,
    kco,
    hsaRef,
    erpFingerprint: fingerprint,
    outlookFingerprint: fingerprint,
    outlookChangeKey: outlook.changeKey ?? link.outlookChangeKey,
    lastSyncedAt: run.now,
  });
}

/** The link after a Graph write: ERP fingerprint as pushed, Outlook fingerprint of what Graph returned. */
function linkAfterWrite<E extends ErpItem, O extends OutlookItem, G, B>(
  run: PushRun<E, O, G, B>,
  raw: G,
  erpFingerprint: string,
  item: E,
): Link {
  const written = run.kindApp.parse(raw);
  const kind = run.kindApp.kind.name;
  return {
    ...kindField(kind),
    user: run.user.userId,
    kco: item.kco,
    hsaRef: item.hsaRef,
    outlookId: written.id,
    erpFingerprint,
    outlookFingerprint: run.kindApp.kind.outlookFingerprint(written),
    outlookChangeKey: written.changeKey ?? "",
    lastSyncedAt: run.now,
    erpModifiedAt: newestModifiedAt(run.link, item),
  };
}

/** Records the link after a Graph write. */
async function recordWrite<E extends ErpItem, O extends OutlookItem, G, B>(
  run: PushRun<E, O, G, B>,
  raw: G,
  erpFingerprint: string,
): Promise<void> {
  if (run.push.item) await replaceLink(run, linkAfterWrite(run, raw, erpFingerprint, run.push.item));
}

/** Saves `next`; a pending link of the same item (hsaRef null) is removed first, since the ERP key now exists. */
async function replaceLink<E extends ErpItem, O extends OutlookItem, G, B>(
  run: PushRun<E, O, G, B>,
  next: Link,
): Promise<void> {
  const old = run.link;
  if (old && old.hsaRef === null && next.hsaRef !== null) await removeLink(run.deps, old);
  await saveLink(run.deps, next);
}

export { etagOf };
