// Before a pull round sends its UPDATEs: each one's link read again, since the push side may have deleted, re-created
// or rewritten the item after the round read its links and Outlook (push and pull of a user run in different sessions).
import type { Link } from "../../domain/sync/link.js";
import { decidePulledPage, type PullItemContext } from "../../domain/sync/pullItem.js";
import type { OutlookItem } from "../../domain/sync/syncKind.js";
import { linkOfErpKey } from "./links.js";
import { pullOutOf, type PullEffects, type PullKindOf, type PullOut, type PullRun } from "./planPullRound.js";

/**
 * Each UPDATE decided on a live link (`update`) is checked against the link as stored now:
 * - gone, moved to another item (re-created) or tombstoned → not sent, its link not saved: the ERP deleted the record
 *   (or re-created the item) after the round read Outlook, so the UPDATE would name a record it no longer has, and
 *   saving the link would bring back a link of a deleted item;
 * - unchanged → sent; its link is saved only if it is still that version (commitPull);
 * - rewritten by the push side (a PATCH, a conflict resolved by CONFLICT_RULE) → the item is read again and decided
 *   on the new link: the push's own write is an echo (not sent: Outlook's older state the round read must not
 *   overwrite the ERP's change), a later edit in Outlook is sent as it is now.
 * Returns the effects with the messages to send.
 */
export async function recheckLinkedUpdates<O extends OutlookItem, D, P>(
  run: PullRun,
  app: PullKindOf<O, D, P>,
  ctx: PullItemContext,
  effects: PullEffects,
): Promise<PullEffects> {
  const messages: PullOut[] = [];
  for (const out of effects.messages) {
    const checked = out.update ? await recheck(run, app, ctx, out, out.update.link) : out;
    if (checked) messages.push(checked);
  }
  return { ...effects, messages };
}

async function recheck<O extends OutlookItem, D, P>(
  run: PullRun,
  app: PullKindOf<O, D, P>,
  ctx: PullItemContext,
  out: PullOut,
  decided: Link,
): Promise<PullOut | undefined> {
  const { deps, log, user } = run;
  const noun = app.kind.noun;
  const about = `${noun} ${decided.outlookId} of ${user.userId} (${decided.kco}|${decided.hsaRef ?? ""})`;
  const stored =
    decided.hsaRef === null
      ? undefined
      : await linkOfErpKey(deps, app.kind.name, user.userId, decided.kco, decided.hsaRef);
  if (!stored || stored.outlookId !== decided.outlookId || stored.state !== undefined) {
    log.warn(`${about}: deleted or re-created by the ERP's push meanwhile; its Outlook edit is not sent`);
    return undefined;
  }
  if (stored.version === decided.version) return { ...out, update: { link: decided, expectedVersion: stored.version } };
  const whole = await app.items.get(decided.outlookId);
  if (!whole) {
    log.warn(`${about}: gone since it was read; its removal comes with the next change`);
    return undefined;
  }
  const [d] = decidePulledPage(
    app.kind,
    app.rules,
    { ...ctx, links: new Map([[stored.outlookId, stored]]) },
    [whole],
    true,
  );
  if (d?.type !== "inbound" || d.op !== "UPDATE" || d.link.op !== "upsert") {
    log.log(`${about}: written by the ERP's push meanwhile; nothing newer in Outlook to send`);
    return undefined;
  }
  const again = pullOutOf(run, app.kind, d)?.out;
  if (!again?.update) return undefined;
  log.log(`${about}: written by the ERP's push meanwhile; Outlook's newer edit is sent`);
  return { ...again, update: { ...again.update, expectedVersion: stored.version } };
}
