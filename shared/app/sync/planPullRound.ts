// One PULL round's effects for any kind: decide every delta item (reading whole items where needed), judge orphans,
// and collect the erp-inbound messages and link changes that commitPull then carries out in order.
import type { UserSettings } from "../../domain/users/userSettings.js";
import { AppError } from "../../domain/errors.js";
import type { ItemKind, Link } from "../../domain/sync/link.js";
import type { InboundMessage } from "../../domain/messages/inboundMessage.js";
import { decideOrphan } from "../../domain/sync/orphan.js";
import {
  decideFetchedRemoval,
  decidePulledPage,
  type PullItemContext,
  type PullItemDecision,
  type PullReader,
} from "../../domain/sync/pullItem.js";
import { switchOn, type ErpItem, type OutlookItem, type SyncKind } from "../../domain/sync/syncKind.js";
import type { SyncWindow } from "../../domain/window.js";
import type { AppDeps } from "../appDeps.js";
import type { Logger } from "../dispatchMessage.js";
import type { InboundOut } from "../sendInbound.js";
import { inboundFromDecision, type InboundDecision } from "./inboundFromDecision.js";
import { linkOfErpKey } from "./links.js";
import type { DeltaChange } from "../../adapters/graph/delta.js";
import { switchesOf, type ItemGateway } from "./pushItem.js";

/** What one run (PULL, a read from scratch, nightly RESYNC) works with. */
export interface PullRun {
  deps: AppDeps;
  user: UserSettings;
  log: Logger;
  window: SyncWindow;
  now: Date;
}

/** The context every kind's pull rules decide in: the user, their default company, their links, switches and now. */
export function pullContext(user: UserSettings, links: ReadonlyMap<string, Link>, now: Date): PullItemContext {
  return { user: user.userId, company: user.defaultCompany?.trim() ?? "", links, switches: switchesOf(user), now };
}

/** A delta change as the raw item the pull rules read: an @removed entry rebuilt in Graph's shape. */
export function rawDeltaItem(change: DeltaChange<unknown>): unknown {
  return change.removed ? { id: change.id, "@removed": { reason: change.reason ?? "deleted" } } : change.item;
}

/** What the shared pull needs of a kind for one run: its contract, its pull rules, and its items in Graph. */
export interface PullKindOf<O extends OutlookItem, D, P> {
  kind: SyncKind<ErpItem, O, unknown>;
  /** The kind's pull rules, with the reader of raw delta items. */
  rules: PullReader<O, D, P>;
  /** GET reads the item whole (with what tells whether it is ours; undefined for 404); remove deletes an orphan. */
  items: Pick<ItemGateway<unknown, unknown>, "get" | "remove">;
  /**
   * Before a CREATE goes to the ERP: the action type it carries, or a problem for the user's status (the CREATE is
   * not sent, its link not saved). Tasks: TASK_ACTION_TYPE must exist in the company. Default: the decision's own.
   */
  admitCreate?(kco: string): Promise<{ actionType: string } | { problem: string }>;
  /** Whether a delete in Outlook waits out the erp-wins grace (default true; false: its DELETE is sent at once). */
  deleteGrace?: boolean;
}

/**
 * A message for the ERP; a DELETE carries the link to tombstone before it is sent (the arbiter may cancel it); an
 * UPDATE of a live link carries the link to save after it, as decided on the link read at the round's start (the
 * push side may change or remove that link before the message is sent: recheckLinkedUpdates).
 */
export type PullOut = InboundOut & { tombstone?: Link; update?: { link: Link; expectedVersion?: string | undefined } };

export interface PullEffects {
  messages: PullOut[];
  linkSaves: Link[];
  linkRemovals: Link[];
  /** Orphan items (our ERP key, no live link: tombstoned or duplicated) to delete in Outlook. */
  orphanDeletes: string[];
  /** Pending tombstones past their due time whose confirmation never ran (lost): scheduled again, due now. */
  overdueConfirmations: Link[];
  /** Decision counts for the log, e.g. {"inbound CREATE": 1, "skip echo": 2}. */
  counts: Record<string, number>;
  /** Why a CREATE was refused by the kind's admitCreate (for the user's status); the last one of the round. */
  problem?: string;
}

export interface PullRoundOptions {
  /**
   * A read from scratch covering the whole scope: every link whose item did not appear is confirmed with a GET,
   * tombstones older than a day before `window.start` are dropped, lost confirmations are scheduled again.
   */
  checkUnseenLinks?: boolean;
}

type Decision<D> = PullItemDecision<D>;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Turns `fetch` and `confirmRemoval` into a final decision by reading the item whole. */
async function resolve<O extends OutlookItem, D, P>(
  app: PullKindOf<O, D, P>,
  ctx: PullItemContext,
  d: Decision<D>,
): Promise<Decision<D>> {
  const { kind, rules, items } = app;
  if (d.type === "confirmRemoval") {
    return decideFetchedRemoval(kind, rules, ctx, d.outlookId, await items.get(d.outlookId));
  }
  if (d.type !== "fetch") return d;
  const whole = await items.get(d.outlookId);
  if (!whole) {
    return ctx.links.has(d.outlookId)
      ? decideFetchedRemoval(kind, rules, ctx, d.outlookId, undefined)
      : { type: "skip", outlookId: d.outlookId, reason: "unlinkedRemoval", detail: "gone before it could be read" };
  }
  const [again] = decidePulledPage(kind, rules, ctx, [whole], true);
  return again ?? { type: "skip", outlookId: d.outlookId, reason: "invalid", detail: "no decision" };
}

const count = (out: PullEffects, key: string) => (out.counts[key] = (out.counts[key] ?? 0) + 1);

async function record<O extends OutlookItem, D, P>(
  run: PullRun,
  app: PullKindOf<O, D, P>,
  decision: Decision<D>,
  out: PullEffects,
): Promise<void> {
  const d = await admitted(run, app, decision, out);
  if (!d) return;
  const noun = app.kind.noun;
  count(out, d.type === "inbound" ? `inbound ${d.op}` : d.type === "skip" ? `skip ${d.reason}` : d.type);
  if (d.type === "skip") {
    if (d.reason === "invalid") run.log.warn(`${noun} ${d.outlookId} of ${run.user.userId} skipped: ${d.detail ?? ""}`);
    return;
  }
  if (d.type === "fetch" || d.type === "confirmRemoval") {
    run.log.warn(`${noun} ${d.outlookId} of ${run.user.userId}: undecided after a whole read (${d.type}); skipped`);
    return;
  }
  if (d.type === "relink") {
    out.linkSaves.push(d.link);
    return;
  }
  const made = pullOutOf(run, app.kind, d);
  if (!made) return;
  out.messages.push(made.out);
  if (made.linkSave) out.linkSaves.push(made.linkSave);
}

/**
 * The message of an inbound decision and what commitPull does around it: a DELETE tombstones its link first; an
 * UPDATE of a live link carries the link, saved after sending only if it is still that version
 * (recheckLinkedUpdates); any other link is saved with the round's others. A message the ERP contract refuses is
 * logged and not sent (undefined).
 */
export function pullOutOf<D>(
  run: PullRun,
  kind: { name: ItemKind; noun: string },
  d: InboundDecision<D>,
): { out: PullOut; linkSave?: Link } | undefined {
  let message: InboundMessage;
  try {
    message = inboundFromDecision(kind.name, run.user.userId, d);
  } catch (error) {
    const e = error instanceof AppError ? error : undefined;
    run.log.error(
      `${kind.noun} ${d.outlookId} of ${run.user.userId} not sent to the ERP: ${e?.message ?? String(error)}`,
    );
    return undefined;
  }
  const { op, link } = d.link;
  if (op === "tombstone") return { out: { message, tombstone: link } };
  const version = link.outlookChangeKey || undefined;
  if (d.op === "UPDATE" && link.version !== undefined) return { out: { message, version, update: { link } } };
  return { out: { message, version }, linkSave: link };
}

/** The decision as the kind's admitCreate lets it go (a CREATE with its action type); undefined: refused, logged. */
async function admitted<O extends OutlookItem, D, P>(
  run: PullRun,
  app: PullKindOf<O, D, P>,
  d: Decision<D>,
  out: PullEffects,
): Promise<Decision<D> | undefined> {
  if (!app.admitCreate || d.type !== "inbound" || d.op !== "CREATE") return d;
  const admission = await app.admitCreate(d.kco);
  if ("actionType" in admission) return { ...d, actionType: admission.actionType };
  out.problem = admission.problem;
  count(out, "refused CREATE");
  run.log.error(`${app.kind.noun} ${d.outlookId} of ${run.user.userId} not sent to the ERP: ${admission.problem}`);
  return undefined;
}

/**
 * Decides `items` (raw delta items, in order), reading whole what must be. An item carrying our ERP key without a
 * live link of its own, or (read from scratch) whose own link is a tombstone, is judged by decideOrphan: an orphan
 * is deleted in Outlook, nothing sent. See PullRoundOptions for a read from scratch.
 */
export async function planPullRound<O extends OutlookItem, D, P>(
  run: PullRun,
  app: PullKindOf<O, D, P>,
  ctx: PullItemContext,
  items: readonly unknown[],
  options: PullRoundOptions = {},
): Promise<PullEffects> {
  const out: PullEffects = {
    messages: [],
    linkSaves: [],
    linkRemovals: [],
    orphanDeletes: [],
    overdueConfirmations: [],
    counts: {},
  };
  const seen = new Set<string>();
  const fullResync = options.checkUnseenLinks ?? false;
  for (const d of decidePulledPage(app.kind, app.rules, ctx, items)) {
    seen.add(d.outlookId);
    const resolved = await resolve(app, ctx, d);
    if (await isOrphan(run, app, ctx, resolved, fullResync)) {
      count(out, "delete orphan");
      out.orphanDeletes.push(resolved.outlookId);
      continue;
    }
    await record(run, app, resolved, out);
  }
  if (fullResync && switchOn(ctx.switches, app.kind.switches.pull)) {
    for (const link of ctx.links.values()) {
      if (seen.has(link.outlookId)) continue;
      if (link.state === "outlookDeleted") {
        if (link.erpDeleteDue) {
          // Pending: its confirmation is scheduled; one overdue by more than an hour was lost (set aside): again.
          if (link.erpDeleteDue.getTime() < run.now.getTime() - HOUR_MS) {
            count(out, "confirm overdue delete");
            out.overdueConfirmations.push(link);
          }
          continue;
        }
        // A tombstone outlives the window's start by a day (a late ERP push for it is refused until then).
        if (link.lastSyncedAt.getTime() < run.window.start.getTime() - DAY_MS) out.linkRemovals.push(link);
        continue;
      }
      await record(run, app, await resolve(app, ctx, { type: "confirmRemoval", outlookId: link.outlookId }), out);
    }
  }
  return out;
}

async function isOrphan<O extends OutlookItem, D, P>(
  run: PullRun,
  app: PullKindOf<O, D, P>,
  ctx: PullItemContext,
  d: Decision<D>,
  fullResync: boolean,
): Promise<boolean> {
  // Items carrying our ERP key without a live link: relinks are judged in every read (a copy carrying a key linked
  // elsewhere is deleted at once, never relinked over the original), tombstoned keys in a read from scratch.
  if (d.type === "skip" && d.reason === "tombstoned") return fullResync;
  if (d.type !== "relink" || d.link.hsaRef === null) return false;
  const { kco, hsaRef } = d.link;
  const keyLink = await linkOfErpKey(run.deps, app.kind.name, ctx.user, kco, hsaRef);
  const action = decideOrphan(keyLink, d.outlookId, run.deps.config.conflictRule, fullResync);
  if (action === "deleteEvent") {
    const state = keyLink
      ? keyLink.state === "outlookDeleted"
        ? "a tombstone"
        : `linked to ${keyLink.outlookId}`
      : "not linked";
    run.log.warn(
      `${app.kind.noun} ${d.outlookId} of ${ctx.user} carries ERP key ${kco}|${hsaRef} but that key is ${state}: ` +
        `orphan deleted`,
    );
  }
  return action === "deleteEvent";
}

export function describeEffects(effects: PullEffects): string {
  const parts = Object.entries(effects.counts).map(([k, n]) => `${k} ${n}`);
  return parts.length ? parts.join(", ") : "no changes";
}
