// RESYNC for To Do tasks (the nightly run, REFRESH, a missed notification): the list looked up by name again, in
// delegated mode its subscription renewed, the whole list read from scratch with drift repaired against the Links
// table, the ERP asked to push its tasks, the new cursor saved last.
import { erpResyncRequest } from "../sync/erpResyncRequest.js";
import type { PullMessageOf } from "../dispatchPull.js";
import type { HandlerContext } from "../dispatchMessage.js";
import type { AppDeps } from "../appDeps.js";
import type { UserSettings } from "../../domain/users/userSettings.js";
import { withSyncStatus } from "../sync/syncStatus.js";
import { allLinksOf } from "../sync/links.js";
import { ensureSubscription } from "../subscriptions/ensureSubscription.js";
import { loadTaskUser, readTaskDelta, recordTaskProblem, saveTaskCursor, taskListOrNothing } from "./pullTasks.js";
import { describeEffects } from "../sync/planPullRound.js";
import { pullRound } from "../sync/pullRound.js";
import { rawTaskChange, taskPull } from "./taskPull.js";

/** Delegated mode: the todoTasks subscription renewed, or made anew when it watches another list than `listId`. */
async function ensureTaskSubscription(deps: AppDeps, user: UserSettings, listId: string): Promise<string> {
  const stored = await deps.subscriptions.get(user.userId, "todoTasks");
  const record = await ensureSubscription(deps, user, "todoTasks", {
    recreate: stored !== undefined && stored.listId !== listId,
  });
  return `subscription ${record.subscriptionId} until ${record.expiresAt}`;
}

/**
 * Users without a task switch: nothing. The list is looked up by name (missing, renamed or deleted → status
 * no_task_list, nothing else). Delegated mode: the subscription on the list's tasks is renewed (or re-made for a
 * new list). Then the whole list is read from scratch: every task is decided as a pull sees it (changed since the
 * last sync → UPDATE, new → CREATE, unchanged → nothing), a task with our ERP key and no link of its own is relinked
 * or deleted as an orphan (decideOrphan), and every linked task the read did not return (deleted, or moved to another
 * list, while a notification or poll was missed) is confirmed with a GET and sent as DELETE. With syncTasks the ERP is
 * asked to push its tasks (erp-inbound task RESYNC): its side of the drift comes back through the PUSH handler.
 */
export async function resyncTasks(
  deps: AppDeps,
  message: PullMessageOf<"RESYNC">,
  hctx: HandlerContext,
): Promise<void> {
  const log = hctx.log;
  const user = await loadTaskUser(deps, message.user, log, "task resync");
  if (!user) return;
  const found = await taskListOrNothing(deps, user, log, "task resync");
  if (!found) return;
  const { list, stored } = found;
  const reason = message.reason ?? "resync";
  const problem = await withSyncStatus(deps, user, log, "task resync", async () => {
    const subscribed =
      deps.config.authMode === "delegated" ? await ensureTaskSubscription(deps, user, list.id) : "polled";
    const read = await readTaskDelta(deps, user, list.id, undefined, log);
    const links = await allLinksOf(deps, "task", user.userId);
    const extra = user.syncTasks
      ? [erpResyncRequest("task", user.userId, user.defaultCompany?.trim(), `${reason}: list ${list.displayName}`)]
      : [];
    // Every linked task the read did not return (deleted or moved while a notification or poll was missed) is
    // confirmed with a GET; the ERP's RESYNC request goes with the round's messages.
    const { run, app, ctx } = taskPull(deps, user, log, list.id, links);
    const effects = await pullRound(run, app, ctx, read.items.map(rawTaskChange), { checkUnseenLinks: true, extra });
    const summary = describeEffects(effects);
    await saveTaskCursor(deps, stored, read.deltaUrl, run.now);
    log.log(
      `task resync ${user.userId} (${reason}): ${subscribed}; ${read.items.length} tasks: ${summary}` +
        `${user.syncTasks ? "; ERP asked to push its tasks" : ""}`,
    );
    return effects.problem;
  });
  await recordTaskProblem(deps, user, problem);
}
