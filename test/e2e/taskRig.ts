// Helpers for the task e2e tests on top of the sync rig: the poll timer's handler, To Do writes counted, the inbound
// messages since the last look, the user's status.
import { InvocationContext, type Timer } from "@azure/functions";
import { runNightly } from "../../functions/nightly.js";
import { runTaskPoll } from "../../functions/taskPoll.js";
import type { PushMessageOf } from "../../shared/domain/messages/pushMessage.js";
import type { SyncRig, Inbound } from "./syncRig.js";

export const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: true },
  scheduleStatus: { last: "", next: "", lastUpdated: "" },
};

/** An InvocationContext whose log lines are kept. */
export function contextWithLog(functionName: string): { context: InvocationContext; lines: string[] } {
  const lines: string[] = [];
  const context = new InvocationContext({
    functionName,
    invocationId: "test",
    logHandler: (level, ...args) => lines.push(`${level} ${args.map(String).join(" ")}`),
  });
  return { context, lines };
}

/** Task writes the app made in the simulator (POST/PATCH/DELETE under /todo/). */
export const taskWrites = (rig: SyncRig): number =>
  Object.entries(rig.sim.counters().byEndpoint)
    .filter(([k]) => /^(POST|PATCH|DELETE) .*\/todo\//.test(k))
    .reduce((n, [, v]) => n + v, 0);

/** Reads erp-inbound bodies not seen by an earlier call. */
export function inboundReader(rig: SyncRig): () => Inbound[] {
  let seen = 0;
  return () => {
    const all = rig.inbound();
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };
}

/** Runs the poll timer's handler (as the host does on TASK_POLL_SCHEDULE), then lets the pull worker drain. */
export async function pollOnce(rig: SyncRig): Promise<string[]> {
  const { context, lines } = contextWithLog("taskPoll");
  await runTaskPoll(timer, context, rig.deps);
  await rig.settle();
  return lines;
}

/** The Users row's status and lastError. */
export async function statusOf(rig: SyncRig, userId: string) {
  const row = await rig.deps.users.getUser(userId);
  return row?.valid ? { status: row.user.status, lastError: row.user.lastError } : undefined;
}

/** The erp-inbound CREATE a task made in To Do sends: TASK_ACTION_TYPE "TODO" in company "1" of JSMITH. */
export const todoCreate = (outlookId: string, data: unknown) => ({
  kind: "task",
  op: "CREATE",
  user: "JSMITH",
  kco: "1",
  hsaRef: null,
  outlookId,
  actionType: "TODO",
  data,
});

/** The ERP pushes a task CREATE for JSMITH (company 1); answers how many To Do writes it took once settled. */
export async function pushErpTask(rig: SyncRig, hsaRef: string, data: Record<string, unknown>): Promise<number> {
  const push = { kind: "task", op: "CREATE", user: "JSMITH", kco: "1", hsaRef, data } as PushMessageOf<"task">;
  const writes = taskWrites(rig);
  await rig.sendPush(push);
  await rig.settle();
  return taskWrites(rig) - writes;
}

/**
 * JSMITH (jsmith@contoso.test) syncs tasks both ways in company 1, whose ActionTypes has TASK_ACTION_TYPE "TODO";
 * answers the ids of the mailbox's COINS list and of its default list ("Tasks").
 */
export async function addTaskUser(rig: SyncRig): Promise<{ listId: string; otherListId: string }> {
  const mailbox = "jsmith@contoso.test";
  await rig.deps.users.upsertUser({
    userId: "JSMITH",
    mailbox,
    defaultCompany: "1",
    syncTasks: true,
    tasksFromOutlook: true,
  });
  await rig.deps.actionTypes.upsert({ company: "1", code: "TODO", description: "To do" });
  const lists = rig.sim.todoLists(mailbox);
  return {
    listId: lists.find((l) => l.displayName === "COINS")!.id,
    otherListId: lists.find((l) => l.displayName === "Tasks")!.id,
  };
}

/** Runs the nightly timer's handler (one RESYNC per syncing user), then lets the workers drain. */
export async function nightlyOnce(rig: SyncRig): Promise<string[]> {
  const { context, lines } = contextWithLog("nightly");
  await runNightly(timer, context, rig.deps);
  await rig.settle();
  return lines;
}
