// One round of the shared pull rules over changes of the user's To Do list (a delta page, or a full read in the
// resync): decide every change, claim tombstones, send to the ERP, save the links; the caller saves the cursor.
import type { TodoTask } from "../../adapters/graph/schemas.js";
import { AppError } from "../../domain/errors.js";
import type { InboundMessage } from "../../domain/messages/inboundMessage.js";
import {
  decidePulledItem,
  decideRemovedItem,
  type PullItemContext,
  type PullItemDecision,
} from "../../domain/sync/pullItem.js";
import type { Link } from "../../domain/sync/link.js";
import { decideOrphan } from "../../domain/sync/orphan.js";
import { parseGraphTask } from "../../domain/tasks/graphTask.js";
import { taskPullRules } from "../../domain/tasks/taskPullRules.js";
import { taskKind } from "../../domain/tasks/taskKind.js";
import type { InboundTaskData } from "../../domain/tasks/types.js";
import type { UserSettings } from "../../domain/users/userSettings.js";
import type { AppDeps } from "../appDeps.js";
import type { Logger } from "../dispatchMessage.js";
import { claimTombstone } from "../sync/linkArbiter.js";
import { sendInbound, type InboundOut } from "../sendInbound.js";
import { checkInbound } from "../sync/checkInbound.js";
import { linkOfErpKey, saveLink } from "../sync/links.js";

/** The text of the status when TASK_ACTION_TYPE is not an action type of the user's default company. */
export const missingActionTypeMessage = (code: string, company: string): string =>
  `TASK_ACTION_TYPE: action type "${code}" does not exist in company "${company}" (ActionTypes table); ` +
  `tasks created in To Do are not sent to the ERP`;

type Decision = PullItemDecision<InboundTaskData>;

export interface TaskRun {
  deps: AppDeps;
  user: UserSettings;
  log: Logger;
  listId: string;
  ctx: PullItemContext;
  /**
   * A full read (the resync): a task carrying our ERP key without a link of its own is judged by decideOrphan (its
   * key tombstoned or linked to another task → deleted in To Do, nothing sent; no link and outlook-wins → deleted).
   */
  fullResync?: boolean;
}

/** A change as the round takes it: a delta item (or a task of a full read), or a removal. */
export type TaskChange = { removed: boolean; id: string; item?: TodoTask };

export const isTask = (raw: unknown): raw is TodoTask =>
  !!raw && typeof raw === "object" && typeof (raw as { id?: unknown }).id === "string";

/** A delta item lacking what the fingerprint reads (a changed-properties-only update) is read whole first. */
const isWhole = (t: TodoTask): boolean => "title" in t && "status" in t && "importance" in t;

async function decide(run: TaskRun, change: TaskChange): Promise<Decision> {
  const { deps, user, listId, ctx } = run;
  const read = () => deps.graph.getTask(user.mailbox, listId, change.id);
  if (change.removed) {
    const first = decidePulledItem(taskKind, taskPullRules, ctx, { removed: true, id: change.id });
    if (first.type !== "confirmRemoval") return first;
    const now = await read();
    return decideRemovedItem(taskKind, taskPullRules, ctx, change.id, now ? parseGraphTask(now) : undefined);
  }
  let raw = change.item;
  if (!raw || !isWhole(raw)) raw = await read();
  if (!raw) return decideRemovedItem(taskKind, taskPullRules, ctx, change.id, undefined);
  const first = decidePulledItem(taskKind, taskPullRules, ctx, { removed: false, item: parseGraphTask(raw) });
  if (first.type !== "fetch") return first;
  const whole = await read();
  if (!whole) return decideRemovedItem(taskKind, taskPullRules, ctx, change.id, undefined);
  const task = parseGraphTask(whole);
  return decidePulledItem(taskKind, taskPullRules, ctx, {
    removed: false,
    item: { ...task, erpKey: task.erpKey ?? null },
  });
}

/** Full resync: whether a task with our ERP key but no link of its own is kept (relinked) or deleted as an orphan. */
async function keepOrphan(run: TaskRun, link: Link): Promise<boolean> {
  const { deps, user, listId } = run;
  const keyLink =
    link.hsaRef === null ? undefined : await linkOfErpKey(deps, "task", user.userId, link.kco, link.hsaRef);
  if (decideOrphan(keyLink, link.outlookId, deps.config.conflictRule, true) === "relink") return true;
  await deps.graph.deleteTask(user.mailbox, listId, link.outlookId);
  run.log.log(
    `task ${link.outlookId} of ${user.userId}: orphan (ERP key ${link.kco}|${link.hsaRef}); deleted in To Do`,
  );
  return false;
}

/**
 * One round of the list's delta: every change decided (repeated ids: the last counts), then tombstones claimed
 * (a DELETE whose task the push side is re-creating is not sent), messages sent, links saved; the caller saves the
 * cursor. A new To Do task → CREATE with TASK_ACTION_TYPE in the default company, unless that action type does not
 * exist there: then the user's status says so (naming both) and nothing is sent for it.
 */
export async function pullRound(run: TaskRun, changes: TaskChange[]): Promise<{ summary: string; problem?: string }> {
  const { deps, user, log } = run;
  const last = new Map(changes.map((c) => [c.id, c]));
  const counts: Record<string, number> = {};
  const out: (InboundOut & { tombstone?: Link })[] = [];
  const saves: Link[] = [];
  const code = deps.config.taskActionType;
  let actionTypeKnown: boolean | undefined;
  let problem: string | undefined;
  for (const change of last.values()) {
    const d = await decide(run, change);
    const key = d.type === "inbound" ? `inbound ${d.op}` : d.type === "skip" ? `skip ${d.reason}` : d.type;
    counts[key] = (counts[key] ?? 0) + 1;
    if (d.type === "relink") {
      if (run.fullResync && !(await keepOrphan(run, d.link))) {
        counts.orphanDeleted = (counts.orphanDeleted ?? 0) + 1;
        continue;
      }
      saves.push(d.link);
    }
    if (d.type !== "inbound") continue;
    if (d.op === "CREATE") {
      actionTypeKnown ??= (await deps.actionTypes.listByCompany(d.kco)).some((t) => t.code === code);
      if (!actionTypeKnown) {
        problem = missingActionTypeMessage(code, d.kco);
        log.error(`task ${d.outlookId} of ${user.userId} not sent to the ERP: ${problem}`);
        continue;
      }
    }
    let message: InboundMessage;
    try {
      const base = { kind: "task" as const, user: user.userId, kco: d.kco, hsaRef: d.hsaRef, outlookId: d.outlookId };
      message = checkInbound(
        d.op === "DELETE"
          ? { ...base, op: "DELETE", actionType: null }
          : { ...base, op: d.op, actionType: d.op === "CREATE" ? code : null, data: d.data! },
      );
    } catch (error) {
      log.error(`task ${d.outlookId} of ${user.userId} not sent to the ERP: ${String(error)}`);
      continue;
    }
    if (d.link.op === "tombstone") out.push({ message, tombstone: d.link.link });
    else {
      out.push({ message, version: d.link.link.outlookChangeKey || undefined });
      saves.push(d.link.link);
    }
  }
  const messages: InboundOut[] = [];
  for (const o of out) {
    if (o.tombstone && !(await claimTombstone(deps, o.tombstone, run.ctx.now))) {
      log.log(`task ${o.tombstone.outlookId} of ${user.userId}: re-created or re-linked by the push side; no DELETE`);
      continue;
    }
    messages.push({ message: o.message, version: o.version });
  }
  await sendInbound(deps, messages);
  for (const link of saves) {
    try {
      await saveLink(deps, link);
    } catch (error) {
      // The ERP answered the CREATE (and its link was saved) before this pending link: the real link wins.
      if (link.hsaRef === null && error instanceof AppError && error.code === "outlook_id_already_linked") continue;
      throw error;
    }
  }
  const parts = Object.entries(counts).map(([k, n]) => `${k} ${n}`);
  return { summary: parts.length ? parts.join(", ") : "no changes", ...(problem ? { problem } : {}) };
}
