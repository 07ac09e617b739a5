// One PULL round's effects: decide every delta item (reading whole events where needed), collect the erp-inbound
// messages and link changes; then commit them in order — send everything, then save the links (the caller saves the cursor).
import type { UserSettings } from "../../adapters/tables/usersTable.js";
import type { DeltaChange } from "../../adapters/graph/delta.js";
import { ERP_KEY_PROPERTY_ID } from "../../domain/appointments/erpKey.js";
import { decidePull, decideRemoval, type PullContext, type PullDecision } from "../../domain/appointments/pullPlan.js";
import type { ActionType, Link } from "../../domain/appointments/types.js";
import { AppError } from "../../domain/errors.js";
import type { InboundMessage } from "../../domain/messages/inboundMessage.js";
import type { SyncWindow } from "../../domain/window.js";
import type { AppDeps } from "../appDeps.js";
import type { Logger } from "../dispatchMessage.js";
import { decideOrphan } from "../../domain/conflict.js";
import { linkByErpKey, removeLink, saveLink } from "./appointmentLinks.js";
import { scheduleDeleteConfirmation } from "./confirmOutlookDelete.js";
import { claimTombstone } from "./linkArbiter.js";
import { checkInbound, inboundFromDecision } from "./sendInbound.js";
import { sendInbound, type InboundOut } from "../sendInbound.js";

/** What one run (PULL, 410 resync, nightly RESYNC) works with. */
export interface AppointmentRun {
  deps: AppDeps;
  user: UserSettings;
  log: Logger;
  window: SyncWindow;
  now: Date;
}

/** A message for the ERP; a DELETE carries the link to tombstone before it is sent (the arbiter may cancel it). */
export type PullOut = InboundOut & { tombstone?: Link };

export interface PullEffects {
  messages: PullOut[];
  linkSaves: Link[];
  linkRemovals: Link[];
  /** Orphan events (our ERP key, no live link: tombstoned or duplicated) to delete in Outlook. */
  orphanDeletes: string[];
  /** Pending tombstones past their due time whose confirmation never ran (lost): scheduled again, due now. */
  overdueConfirmations: Link[];
  /** Decision counts for the log, e.g. {"inbound CREATE": 1, "skip echo": 2}. */
  counts: Record<string, number>;
}

/** A delta change as the raw item decidePull reads (an @removed entry is rebuilt in Graph's shape). */
export function rawDeltaItem(change: DeltaChange<unknown>): unknown {
  return change.removed ? { id: change.id, "@removed": { reason: change.reason ?? "deleted" } } : change.item;
}

async function actionTypesFor(run: AppointmentRun, links: Iterable<Link>): Promise<ActionType[]> {
  const companies = new Set<string>();
  if (run.user.defaultCompany) companies.add(run.user.defaultCompany.trim());
  for (const l of links) companies.add(l.kco);
  const lists = await Promise.all([...companies].map((c) => run.deps.actionTypes.listByCompany(c)));
  return lists.flat();
}

export async function pullContext(run: AppointmentRun, links: Map<string, Link>): Promise<PullContext> {
  return {
    user: run.user.userId,
    company: run.user.defaultCompany?.trim() ?? "",
    links,
    actionTypes: await actionTypesFor(run, links.values()),
    switches: {
      syncAppointments: run.user.syncAppointments,
      appointmentsFromOutlook: run.user.appointmentsFromOutlook,
    },
    window: run.window,
    now: run.now,
  };
}

const getWhole = (run: AppointmentRun, id: string) =>
  run.deps.graph.getEvent(run.user.mailbox, id, { extendedPropertyId: ERP_KEY_PROPERTY_ID });

/** Turns `fetch` and `confirmRemoval` into a final decision by reading the event whole (GET, our property expanded). */
async function resolve(run: AppointmentRun, ctx: PullContext, d: PullDecision): Promise<PullDecision> {
  if (d.type === "confirmRemoval") return decideRemoval(ctx, d.outlookId, (await getWhole(run, d.outlookId)) ?? null);
  if (d.type !== "fetch") return d;
  const whole = await getWhole(run, d.outlookId);
  if (!whole) {
    return ctx.links.has(d.outlookId)
      ? decideRemoval(ctx, d.outlookId, null)
      : { type: "skip", outlookId: d.outlookId, reason: "unlinkedRemoval", detail: "gone before it could be read" };
  }
  const [again] = decidePull({ ...ctx, items: [whole], fullRead: true });
  return again ?? { type: "skip", outlookId: d.outlookId, reason: "invalid", detail: "no decision" };
}

function record(run: AppointmentRun, ctx: PullContext, d: PullDecision, out: PullEffects): void {
  const key = d.type === "inbound" ? `inbound ${d.op}` : d.type === "skip" ? `skip ${d.reason}` : d.type;
  out.counts[key] = (out.counts[key] ?? 0) + 1;
  if (d.type === "skip") {
    if (d.reason === "invalid") run.log.warn(`event ${d.outlookId} of ${run.user.userId} skipped: ${d.detail ?? ""}`);
    return;
  }
  if (d.type === "fetch" || d.type === "confirmRemoval") {
    run.log.warn(`event ${d.outlookId} of ${run.user.userId}: undecided after a whole read (${d.type}); skipped`);
    return;
  }
  if (d.type === "inbound") {
    try {
      const version = d.link.op === "upsert" ? d.link.link.outlookChangeKey || undefined : undefined;
      const message = checkInbound(inboundFromDecision(run.user.userId, d));
      out.messages.push({ message, version, ...(d.link.op === "tombstone" ? { tombstone: d.link.link } : {}) });
    } catch (error) {
      const e = error instanceof AppError ? error : undefined;
      run.log.error(`event ${d.outlookId} of ${run.user.userId} not sent to the ERP: ${e?.message ?? String(error)}`);
      return;
    }
  }
  const change = d.link;
  if (change.op === "upsert") out.linkSaves.push(change.link);
  else if (change.op === "remove") {
    const link = ctx.links.get(change.outlookId);
    if (link) out.linkRemovals.push(link);
  }
}

/**
 * Decides `items` (raw delta items, in order). With `checkUnseenLinks` (a read from scratch covering the whole window)
 * every link whose event did not appear is confirmed with a GET: gone → DELETE, moved out of the window → nothing.
 */
export async function planPull(
  run: AppointmentRun,
  items: readonly unknown[],
  links: Map<string, Link>,
  options: { checkUnseenLinks?: boolean } = {},
): Promise<PullEffects> {
  const ctx = await pullContext(run, links);
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
  for (const d of decidePull({ ...ctx, items })) {
    seen.add(d.outlookId);
    const resolved = await resolve(run, ctx, d);
    if (await isOrphan(run, ctx, resolved, fullResync)) {
      out.counts["delete orphan"] = (out.counts["delete orphan"] ?? 0) + 1;
      out.orphanDeletes.push(resolved.outlookId);
      continue;
    }
    record(run, ctx, resolved, out);
  }
  if (options.checkUnseenLinks && ctx.switches.appointmentsFromOutlook) {
    for (const link of links.values()) {
      if (seen.has(link.outlookId)) continue;
      if (link.state === "outlookDeleted") {
        if (link.erpDeleteDue) {
          // Pending: its confirmation is scheduled; one overdue by more than an hour was lost (set aside): again.
          if (link.erpDeleteDue.getTime() < run.now.getTime() - HOUR_MS) {
            out.counts["confirm overdue delete"] = (out.counts["confirm overdue delete"] ?? 0) + 1;
            out.overdueConfirmations.push(link);
          }
          continue;
        }
        // A tombstone outlives the window's start by a day (a late ERP push for it is refused until then).
        if (link.lastSyncedAt.getTime() < run.window.start.getTime() - DAY_MS) out.linkRemovals.push(link);
        continue;
      }
      record(run, ctx, await resolve(run, ctx, { type: "confirmRemoval", outlookId: link.outlookId }), out);
    }
  }
  return out;
}

/**
 * An event carrying our ERP key with no live link of its own (relink), or whose own link is a tombstone (seen in a
 * full resync): decideOrphan says whether it is an orphan to delete rather than an item to link or report.
 */
async function isOrphan(run: AppointmentRun, ctx: PullContext, d: PullDecision, fullResync: boolean): Promise<boolean> {
  const rule = run.deps.config.conflictRule;
  if (d.type === "skip" && d.reason === "tombstoned") return fullResync;
  if (d.type !== "relink" || d.link.op !== "upsert" || d.link.link.hsaRef === null) return false;
  const keyLink = await linkByErpKey(run.deps, ctx.user, d.link.link.kco, d.link.link.hsaRef);
  const action = decideOrphan(keyLink, d.outlookId, rule, fullResync);
  if (action === "deleteEvent") {
    run.log.warn(
      `event ${d.outlookId} of ${ctx.user} carries ERP key ${d.link.link.kco}|${d.link.link.hsaRef} but that key is ` +
        `${keyLink ? (keyLink.state === "outlookDeleted" ? "a tombstone" : `linked to ${keyLink.outlookId}`) : "not linked"}` +
        `: orphan deleted`,
    );
  }
  return action === "deleteEvent";
}

const isAlreadyLinked = (e: unknown) => e instanceof AppError && e.code === "outlook_id_already_linked";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Tombstones the link of every DELETE first (the link row arbitrates against the push worker: a DELETE whose event
 * was re-created meanwhile is not sent), then sends every message (plus `extra`), then saves the links. The cursor
 * is the caller's, saved after this. Under erp-wins with a grace (OUTLOOK_DELETE_GRACE_SECONDS > 0) a tombstone is
 * pending and its DELETE is not sent now: a CONFIRMDELETE scheduled at its due time sends it, unless an ERP change
 * that crossed the delete re-created the event meanwhile.
 */
export async function commitPull(
  run: AppointmentRun,
  effects: PullEffects,
  extra: readonly InboundMessage[] = [],
): Promise<void> {
  const messages: InboundOut[] = [];
  const graceMs = run.deps.config.conflictRule === "erp-wins" ? run.deps.config.outlookDeleteGraceSeconds * 1000 : 0;
  const due = graceMs > 0 ? new Date(run.now.getTime() + graceMs) : undefined;
  for (const out of effects.messages) {
    if (out.tombstone && !(await claimTombstone(run.deps, out.tombstone, run.now, due))) {
      run.log.log(
        `event ${out.tombstone.outlookId} of ${run.user.userId}: re-created or re-linked by the push side; no DELETE`,
      );
      continue;
    }
    if (out.tombstone && due) {
      await scheduleDeleteConfirmation(run.deps, out.tombstone, due);
      run.log.log(
        `event ${out.tombstone.outlookId} of ${run.user.userId} deleted in Outlook: DELETE to the ERP at ${due.toISOString()} unless the ERP changes it first`,
      );
      continue;
    }
    messages.push({ message: out.message, version: out.version });
  }
  await sendInbound(run.deps, [...messages, ...extra.map((message) => ({ message }))]);
  for (const id of effects.orphanDeletes) await run.deps.graph.deleteEvent(run.user.mailbox, id);
  for (const link of effects.overdueConfirmations) await scheduleDeleteConfirmation(run.deps, link, run.now, "overdue");
  for (const link of effects.linkSaves) {
    try {
      await saveLink(run.deps, link);
    } catch (error) {
      // The ERP answered the CREATE (and its link was saved) before this pending link: the real link wins.
      if (link.hsaRef === null && isAlreadyLinked(error)) continue;
      throw error;
    }
  }
  for (const link of effects.linkRemovals) await removeLink(run.deps, link);
}

export function describeEffects(effects: PullEffects): string {
  const parts = Object.entries(effects.counts).map(([k, n]) => `${k} ${n}`);
  return parts.length ? parts.join(", ") : "no changes";
}
