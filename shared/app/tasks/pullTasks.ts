// PULL for To Do tasks (msgraph-pull source MSTASK): read the delta of the user's TASK_LIST_NAME list, hand every
// change to the ERP (the shared pull rules), save the links, and save the new deltaUrl last.
import type { TodoTask } from "../../adapters/graph/schemas.js";
import { AppError, TransientError } from "../../domain/errors.js";
import type { InboundMessage } from "../../domain/messages/inboundMessage.js";
import {
  decidePulledItem,
  decideRemovedItem,
  type PullItemContext,
  type PullItemDecision,
} from "../../domain/sync/pullItem.js";
import type { Link } from "../../domain/sync/link.js";
import { parseGraphTask } from "../../domain/tasks/graphTask.js";
import { taskPullRules } from "../../domain/tasks/taskPullRules.js";
import { taskKind } from "../../domain/tasks/taskKind.js";
import type { InboundTaskData } from "../../domain/tasks/types.js";
import type { UserSettings } from "../../domain/users/userSettings.js";
import type { AppDeps } from "../appDeps.js";
import type { HandlerContext, Logger } from "../dispatchMessage.js";
import type { PullMessageOf } from "../dispatchPull.js";
import { withSyncStatus } from "../sync/syncStatus.js";
import { claimTombstone } from "../sync/linkArbiter.js";
import { sendInbound, type InboundOut } from "../sendInbound.js";
import { checkInbound } from "../sync/checkInbound.js";
import { linksOfOutlookIds, saveLink } from "../sync/links.js";
import { switchesOf } from "../sync/pushItem.js";
import { loadUser } from "../sync/loadUser.js";

/** The text of the status when TASK_ACTION_TYPE is not an action type of the user's default company. */
export const missingActionTypeMessage = (code: string, company: string): string =>
  `TASK_ACTION_TYPE: action type "${code}" does not exist in company "${company}" (ActionTypes table); ` +
  `tasks created in To Do are not sent to the ERP`;

type Decision = PullItemDecision<InboundTaskData>;

interface TaskRun {
  deps: AppDeps;
  user: UserSettings;
  log: Logger;
  listId: string;
  ctx: PullItemContext;
}

const isTask = (raw: unknown): raw is TodoTask =>
  !!raw && typeof raw === "object" && typeof (raw as { id?: unknown }).id === "string";

/** A delta item lacking what the fingerprint reads (a changed-properties-only update) is read whole first. */
const isWhole = (t: TodoTask): boolean => "title" in t && "status" in t && "importance" in t;

async function decide(run: TaskRun, change: { removed: boolean; id: string; item?: TodoTask }): Promise<Decision> {
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

/**
 * One round of the list's delta: every change decided (repeated ids: the last counts), then tombstones claimed
 * (a DELETE whose task the push side is re-creating is not sent), messages sent, links saved; the caller saves the
 * cursor. A new To Do task → CREATE with TASK_ACTION_TYPE in the default company, unless that action type does not
 * exist there: then the user's status says so (naming both) and nothing is sent for it.
 */
async function pullRound(
  run: TaskRun,
  changes: { removed: boolean; id: string; item?: TodoTask }[],
): Promise<{ summary: string; problem?: string }> {
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
    if (d.type === "relink") saves.push(d.link);
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

/**
 * Unknown user → PermanentError naming it; an invalid row or both task switches off → logged, nothing read. A message
 * for another subscription than the stored todoTasks one → ignored. Tasks of other lists are never read (the delta is
 * the list's). The user's status records the outcome; the deltaUrl is saved last.
 */
export async function pullTasks(deps: AppDeps, message: PullMessageOf<"MSTASK">, hctx: HandlerContext): Promise<void> {
  const log = hctx.log;
  let user: UserSettings;
  try {
    user = await loadUser(deps, message.user);
  } catch (error) {
    if (error instanceof AppError && error.code === "invalid_user") {
      log.warn(`task pull ignored: ${error.message}`);
      return;
    }
    throw error;
  }
  if (!user.syncTasks && !user.tasksFromOutlook) {
    log.log(`task pull ignored: ${user.userId} has syncTasks and tasksFromOutlook off`);
    return;
  }
  const stored = await deps.subscriptions.get(user.userId, "todoTasks");
  if (!stored || stored.subscriptionId !== message.subscriptionId || !stored.listId) {
    log.warn(
      `task pull ignored: subscription ${message.subscriptionId} is not the stored todoTasks subscription of ` +
        `${user.userId} (${stored ? stored.subscriptionId : "none"})`,
    );
    return;
  }
  const listId = stored.listId;
  const found = user;
  const problem = await withSyncStatus(deps, user, log, "task pull", async () => {
    let read = stored.deltaUrl
      ? await deps.graph.readTasksDelta(found.mailbox, { deltaUrl: stored.deltaUrl })
      : await deps.graph.readTasksDelta(found.mailbox, { listId });
    if (read.kind !== "ok") {
      log.warn(`task pull ${found.userId}: delta token refused (${read.reason}); the list is read from scratch`);
      read = await deps.graph.readTasksDelta(found.mailbox, { listId });
      if (read.kind !== "ok") throw new TransientError("resync_required", read.reason);
    }
    const now = deps.now();
    const links = await linksOfOutlookIds(
      deps,
      "task",
      found.userId,
      read.items.map((c) => c.id),
    );
    const ctx: PullItemContext = {
      user: found.userId,
      company: found.defaultCompany?.trim() ?? "",
      links,
      switches: switchesOf(found),
      now,
    };
    const changes = read.items.map((c) => (c.removed ? c : { ...c, item: isTask(c.item) ? c.item : undefined }));
    const { summary, problem } = await pullRound({ deps, user: found, log, listId, ctx }, changes);
    await deps.subscriptions.saveDeltaUrl(found.userId, "todoTasks", read.deltaUrl, {
      etag: stored.etag,
      lastSyncAt: now.toISOString(),
    });
    log.log(`task pull ${found.userId}: ${read.items.length} changes: ${summary}`);
    return problem;
  });
  // The round itself went well, but the user's status must say why their new tasks did not reach the ERP.
  if (problem) await deps.users.recordStatus(user.userId, { status: "error", lastError: problem });
}
