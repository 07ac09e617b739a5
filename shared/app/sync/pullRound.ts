// One PULL round for every kind: decide (planPullRound), claim tombstones, send to the ERP, then save the links; the
// caller saves the cursor last.
import { AppError } from "../../domain/errors.js";
import type { InboundMessage } from "../../domain/messages/inboundMessage.js";
import type { PullItemContext } from "../../domain/sync/pullItem.js";
import type { OutlookItem } from "../../domain/sync/syncKind.js";
import { sendInbound, type InboundOut } from "../sendInbound.js";
import { scheduleDeleteConfirmation } from "./confirmOutlookDelete.js";
import { claimTombstone } from "./linkArbiter.js";
import { isLinkRace, removeLink, saveLink } from "./links.js";
import { recheckLinkedUpdates } from "./recheckLinkedUpdates.js";
import {
  planPullRound,
  type PullEffects,
  type PullKindOf,
  type PullRoundOptions,
  type PullRun,
} from "./planPullRound.js";
import type { ItemGateway } from "./pushItem.js";

const isAlreadyLinked = (e: unknown) => e instanceof AppError && e.code === "outlook_id_already_linked";

/**
 * Tombstones the link of every DELETE first (the link row arbitrates against the push worker: a DELETE whose item
 * was re-created meanwhile is not sent), then sends every message (plus `extra`), deletes orphans, re-schedules lost
 * confirmations, then saves the links. The cursor is the caller's, saved after this. Under erp-wins with a grace
 * (OUTLOOK_DELETE_GRACE_SECONDS > 0) a tombstone is pending and its DELETE is not sent now: a CONFIRMDELETE scheduled
 * at its due time sends it, unless an ERP change that crossed the delete re-created the item meanwhile (a kind
 * with deleteGrace false sends it at once).
 */
async function commitPull(
  run: PullRun,
  app: { kind: { noun: string }; items: Pick<ItemGateway<unknown, unknown>, "remove">; deleteGrace?: boolean },
  effects: PullEffects,
  extra: readonly InboundMessage[],
): Promise<void> {
  const { deps, user, log, now } = run;
  const noun = app.kind.noun;
  const messages: InboundOut[] = [];
  const graceMs =
    deps.config.conflictRule === "erp-wins" && app.deleteGrace !== false
      ? deps.config.outlookDeleteGraceSeconds * 1000
      : 0;
  const due = graceMs > 0 ? new Date(now.getTime() + graceMs) : undefined;
  for (const out of effects.messages) {
    if (out.tombstone && !(await claimTombstone(deps, out.tombstone, now, due))) {
      log.log(
        `${noun} ${out.tombstone.outlookId} of ${user.userId}: re-created or re-linked by the push side; no DELETE`,
      );
      continue;
    }
    if (out.tombstone && due) {
      await scheduleDeleteConfirmation(deps, out.tombstone, due);
      log.log(
        `${noun} ${out.tombstone.outlookId} of ${user.userId} deleted in Outlook: DELETE to the ERP at ` +
          `${due.toISOString()} unless the ERP changes it first`,
      );
      continue;
    }
    messages.push({ message: out.message, version: out.version });
  }
  await sendInbound(deps, [...messages, ...extra.map((message) => ({ message }))]);
  for (const out of effects.messages) {
    if (!out.update) continue;
    try {
      await saveLink(deps, out.update.link, out.update.expectedVersion);
    } catch (error) {
      if (!isLinkRace(error)) throw error;
      // The push side wrote the link after the recheck: its link stands; the next change is decided on it.
      log.warn(`${noun} ${out.update.link.outlookId} of ${user.userId}: link changed while sending; kept as written`);
    }
  }
  for (const id of effects.orphanDeletes) await app.items.remove(id);
  for (const link of effects.overdueConfirmations) await scheduleDeleteConfirmation(deps, link, now, "overdue");
  for (const link of effects.linkSaves) {
    try {
      await saveLink(deps, link);
    } catch (error) {
      // The ERP answered the CREATE (and its link was saved) before this pending link: the real link wins.
      if (link.hsaRef === null && isAlreadyLinked(error)) continue;
      throw error;
    }
  }
  for (const link of effects.linkRemovals) await removeLink(deps, link);
}

/**
 * One round: decide `items` (raw delta items, in order; see planPullRound), then commit: tombstones claimed, every
 * message sent (with `extra`, e.g. the ERP RESYNC request), orphans deleted, links saved. Returns the effects (for
 * the log); the caller saves its cursor after this, never before.
 */
export async function pullRound<O extends OutlookItem, D, P>(
  run: PullRun,
  app: PullKindOf<O, D, P>,
  ctx: PullItemContext,
  items: readonly unknown[],
  options: PullRoundOptions & { extra?: readonly InboundMessage[] } = {},
): Promise<PullEffects> {
  const effects = await recheckLinkedUpdates(run, app, ctx, await planPullRound(run, app, ctx, items, options));
  await commitPull(run, app, effects, options.extra ?? []);
  return effects;
}
