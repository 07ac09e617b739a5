// PULL for To Do tasks (msgraph-pull MSTASK from the webhook, TASKPOLL from the poll timer): read the delta of the
// user's TASK_LIST_NAME list from the cursor stored for the user, hand every change to the ERP (the shared pull
// rules), save the links, and save the new deltaUrl last.
import type { TodoTask } from "../../adapters/graph/schemas.js";
import type { StoredTaskList } from "../../adapters/tables/taskListsTable.js";
import type { DeltaResult } from "../../adapters/graph/delta.js";
import { AppError, TransientError } from "../../domain/errors.js";
import type { UserSettings } from "../../domain/users/userSettings.js";
import type { AppDeps } from "../appDeps.js";
import type { HandlerContext, Logger } from "../dispatchMessage.js";
import type { PullMessageOf } from "../dispatchPull.js";
import { withSyncStatus } from "../sync/syncStatus.js";
import { linksOfOutlookIds } from "../sync/links.js";
import { loadUser } from "../sync/loadUser.js";
import { needsSubscription } from "../subscriptions/handleLifecycle.js";
import { findStoredTaskList, isNoTaskList } from "./taskList.js";
import { describeEffects } from "../sync/planPullRound.js";
import { pullRound } from "../sync/pullRound.js";
import { rawTaskChange, taskPull } from "./taskPull.js";

export { missingActionTypeMessage } from "./taskPull.js";

/** The user when a task message concerns them: a valid row with a task switch on (else logged, undefined). */
export async function loadTaskUser(deps: AppDeps, userId: string, log: Logger, what: string) {
  let user: UserSettings;
  try {
    user = await loadUser(deps, userId);
  } catch (error) {
    if (error instanceof AppError && error.code === "invalid_user") {
      log.warn(`${what} ignored: ${error.message}`);
      return undefined;
    }
    throw error;
  }
  if (!needsSubscription(user, "todoTasks")) {
    log.log(`${what} ignored: ${user.userId} has syncTasks and tasksFromOutlook off`);
    return undefined;
  }
  return user;
}

/** The list found by name (stored for the user); missing → undefined (the status says no_task_list, nothing thrown). */
export async function taskListOrNothing(deps: AppDeps, user: UserSettings, log: Logger, what: string) {
  try {
    return await findStoredTaskList(deps, user);
  } catch (error) {
    if (!isNoTaskList(error)) throw error;
    log.warn(`${what} ${user.userId}: ${(error as AppError).message}; nothing read`);
    return undefined;
  }
}

/** One delta round of the list: from `deltaUrl` when given (a refused token → from scratch), else from scratch. */
export async function readTaskDelta(
  deps: AppDeps,
  user: UserSettings,
  listId: string,
  deltaUrl: string | undefined,
  log: Logger,
): Promise<Extract<DeltaResult<TodoTask>, { kind: "ok" }>> {
  let read = deltaUrl
    ? await deps.graph.readTasksDelta(user.mailbox, { deltaUrl })
    : await deps.graph.readTasksDelta(user.mailbox, { listId });
  if (read.kind !== "ok") {
    log.warn(`task delta ${user.userId}: delta token refused (${read.reason}); the list is read from scratch`);
    read = await deps.graph.readTasksDelta(user.mailbox, { listId });
    if (read.kind !== "ok") throw new TransientError("resync_required", read.reason);
  }
  return read;
}

/** Saves the list's cursor (conditional on the record read: a changed list in between → transient, retried). */
export async function saveTaskCursor(deps: AppDeps, stored: StoredTaskList, deltaUrl: string, now: Date) {
  const { etag, ...record } = stored;
  try {
    await deps.taskLists.save({ ...record, deltaUrl, lastSyncAt: now.toISOString() }, etag);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 412 || (error as { statusCode?: number }).statusCode === 404)
      throw new TransientError("etag_conflict", `task list record of ${stored.user} changed during the pull`);
    throw error;
  }
}

/** The status records the round; when TASK_ACTION_TYPE is missing in the default company it says so afterwards. */
export async function recordTaskProblem(deps: AppDeps, user: UserSettings, problem: string | undefined) {
  if (problem) await deps.users.recordStatus(user.userId, { status: "error", lastError: problem });
}

/**
 * Unknown user → PermanentError naming it; an invalid row or both task switches off → logged, nothing read. MSTASK
 * (a change notification) for another subscription than the stored todoTasks one → ignored. The list is looked up by
 * name (missing → status no_task_list, nothing read, no error; another id than the stored one → read from scratch).
 * Tasks of other lists are never read (the delta is the list's). The status records the outcome; the cursor is saved
 * last.
 */
export async function pullTasks(
  deps: AppDeps,
  message: PullMessageOf<"MSTASK"> | PullMessageOf<"TASKPOLL">,
  hctx: HandlerContext,
): Promise<void> {
  const log = hctx.log;
  const user = await loadTaskUser(deps, message.user, log, "task pull");
  if (!user) return;
  if (message.source === "MSTASK") {
    const sub = await deps.subscriptions.get(user.userId, "todoTasks");
    if (!sub || sub.subscriptionId !== message.subscriptionId) {
      log.warn(
        `task pull ignored: subscription ${message.subscriptionId} is not the stored todoTasks subscription of ` +
          `${user.userId} (${sub ? sub.subscriptionId : "none"})`,
      );
      return;
    }
  }
  const found = await taskListOrNothing(deps, user, log, "task pull");
  if (!found) return;
  const { list, stored } = found;
  const problem = await withSyncStatus(deps, user, log, "task pull", async () => {
    const read = await readTaskDelta(deps, user, list.id, stored.deltaUrl, log);
    const links = await linksOfOutlookIds(
      deps,
      "task",
      user.userId,
      read.items.map((c) => c.id),
    );
    const { run, app, ctx } = taskPull(deps, user, log, list.id, links);
    const effects = await pullRound(run, app, ctx, read.items.map(rawTaskChange));
    await saveTaskCursor(deps, stored, read.deltaUrl, run.now);
    log.log(`task pull ${user.userId} (${message.source}): ${read.items.length} changes: ${describeEffects(effects)}`);
    return effects.problem;
  });
  // The round itself went well, but the user's status must say why their new tasks did not reach the ERP.
  await recordTaskProblem(deps, user, problem);
}
