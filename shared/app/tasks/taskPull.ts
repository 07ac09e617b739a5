// Tasks in the shared pull (sync/pullRound): the user's To Do list as the items, the task pull rules, and the
// TASK_ACTION_TYPE check before a task created in To Do goes to the ERP.
import type { DeltaChange } from "../../adapters/graph/delta.js";
import type { Link } from "../../domain/sync/link.js";
import type { PullItemContext } from "../../domain/sync/pullItem.js";
import { taskKind } from "../../domain/tasks/taskKind.js";
import { taskPullRules, type PartialTask } from "../../domain/tasks/taskPullRules.js";
import type { InboundTaskData, OutlookTask } from "../../domain/tasks/types.js";
import type { UserSettings } from "../../domain/users/userSettings.js";
import type { SyncWindow } from "../../domain/window.js";
import type { AppDeps } from "../appDeps.js";
import type { Logger } from "../dispatchMessage.js";
import { pullContext, rawDeltaItem, type PullKindOf, type PullRun } from "../sync/planPullRound.js";

/** The text of the status when TASK_ACTION_TYPE is not an action type of the user's default company. */
export const missingActionTypeMessage = (code: string, company: string): string =>
  `TASK_ACTION_TYPE: action type "${code}" does not exist in company "${company}" (ActionTypes table); ` +
  `tasks created in To Do are not sent to the ERP`;

/** The list has no window: every task of it is synced, and a tombstone is kept (never older than the window). */
const ALL_TIME: SyncWindow = { start: new Date(0), end: new Date(8.64e15) };

/** A list delta change as the raw item the task rules read (@removed rebuilt in Graph's shape; no id → read whole). */
export function rawTaskChange(change: DeltaChange<unknown>): unknown {
  if (change.removed) return rawDeltaItem(change);
  const item = change.item;
  const hasId = !!item && typeof item === "object" && typeof (item as { id?: unknown }).id === "string";
  return hasId ? item : { id: change.id };
}

/**
 * The task kind for one pull run of list `listId` over `links` (the user's task links, by task id). A CREATE carries
 * TASK_ACTION_TYPE when that action type exists in its company (looked up once a company and round); otherwise the
 * user's status says so (naming both) and nothing is sent. A delete in To Do goes to the ERP at once (no grace);
 * orphans are judged as for every kind (planPullRound).
 */
export function taskPull(
  deps: AppDeps,
  user: UserSettings,
  log: Logger,
  listId: string,
  links: ReadonlyMap<string, Link>,
): { run: PullRun; app: PullKindOf<OutlookTask, InboundTaskData, PartialTask>; ctx: PullItemContext } {
  const now = deps.now();
  const code = deps.config.taskActionType;
  const known = new Map<string, Promise<boolean>>();
  const exists = (kco: string) => {
    let found = known.get(kco);
    if (!found) {
      found = deps.actionTypes.listByCompany(kco).then((types) => types.some((t) => t.code === code));
      known.set(kco, found);
    }
    return found;
  };
  const app: PullKindOf<OutlookTask, InboundTaskData, PartialTask> = {
    kind: taskKind,
    rules: taskPullRules,
    items: {
      get: (id) => deps.graph.getTask(user.mailbox, listId, id),
      remove: (id) => deps.graph.deleteTask(user.mailbox, listId, id),
    },
    admitCreate: async (kco) =>
      (await exists(kco)) ? { actionType: code } : { problem: missingActionTypeMessage(code, kco) },
    deleteGrace: false,
  };
  const ctx = pullContext(user, links, now);
  return { run: { deps, user, log, window: ALL_TIME, now }, app, ctx };
}
