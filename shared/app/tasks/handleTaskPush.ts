// PUSH for ERP tasks (msgraph-push kind task): the shared push pipeline (sync/pushItem) with Microsoft To Do tasks in
// the user's TASK_LIST_NAME list as the Outlook item; our linkedResource carries the ERP key.
import type { TodoTask } from "../../adapters/graph/schemas.js";
import { etagOf } from "../../domain/sync/pushPlan.js";
import { parseGraphTask } from "../../domain/tasks/graphTask.js";
import { erpKeyOfLinkedResources, type GraphTaskBody } from "../../domain/tasks/taskBody.js";
import { taskKind } from "../../domain/tasks/taskKind.js";
import { inboundTaskData } from "../../domain/tasks/inboundTask.js";
import type { ErpTask, OutlookTask } from "../../domain/tasks/types.js";
import type { PushMessageOf } from "../../domain/messages/pushMessage.js";
import type { UserSettings } from "../../domain/users/userSettings.js";
import type { AppDeps } from "../appDeps.js";
import type { PushContext } from "../dispatchPush.js";
import { readOnce, type WriteBatcher } from "../../adapters/graph/writeBatcher.js";
import { currentWindow } from "../sync/currentWindow.js";
import { actionTypeDescription } from "../sync/actionTypeDescription.js";
import { loadUser } from "../sync/loadUser.js";
import { pushItem, type ItemGateway, type PushKindOf } from "../sync/pushItem.js";
import { findTaskList } from "./taskList.js";

type TaskPush = PushMessageOf<"task">;

/** The push message's task, with the description of its action type (the task's category). */
async function toErpTask(deps: AppDeps, m: TaskPush): Promise<ErpTask | undefined> {
  if (!m.data) return undefined;
  const { title, due, reminder, status, priority, notes, modifiedAt } = m.data;
  const code = m.data.actionType?.trim() || undefined;
  const description = await actionTypeDescription(deps, m.kco, code);
  return {
    kco: m.kco,
    hsaRef: m.hsaRef,
    title,
    due,
    reminder,
    status,
    priority,
    notes,
    actionType: code,
    actionTypeDescription: description,
    modifiedAt,
  };
}

/** Tasks in the shared push: Outlook's version goes to the ERP as task data with TASK_ACTION_TYPE. */
export const taskPushKind: PushKindOf<ErpTask, OutlookTask, TodoTask, GraphTaskBody> = {
  kind: taskKind,
  parse: parseGraphTask,
  ifMatchOf: (t) => t["@odata.etag"] ?? undefined,
  recreateKeyOf: () => undefined,
  inboundUpdate: (deps, user, kco, hsaRef, outlook) =>
    Promise.resolve({
      kind: "task",
      op: "UPDATE",
      user,
      kco,
      hsaRef,
      outlookId: outlook.id,
      actionType: deps.config.taskActionType,
      data: inboundTaskData(outlook),
    }),
};

/**
 * The user's task list as the shared push writes it; the list is looked up (by name) at the first call only. With
 * `writes` its writes join the invocation's $batch.
 */
export function taskGateway(
  deps: AppDeps,
  user: UserSettings,
  writes?: WriteBatcher,
): ItemGateway<TodoTask, GraphTaskBody> {
  const mailbox = user.mailbox;
  const writer = writes ? writes.gateway() : deps.graph;
  let listId: Promise<string> | undefined;
  const find = () => findTaskList(deps, user).then((l) => l.id);
  // In a batch every handler of the user looks the list up: one lookup for all of them.
  const list = () => (listId ??= readOnce(writes, `taskList|${user.userId}`, find));
  const patchOf = (body: GraphTaskBody): Record<string, unknown> => {
    const { linkedResources: _created, ...patch } = body;
    return patch;
  };
  return {
    create: async (body) => writer.createTask(mailbox, await list(), { ...body }),
    update: async (id, body, ifMatch) =>
      writer.updateTask(mailbox, await list(), id, patchOf(body), ifMatch ? { ifMatch } : {}),
    get: async (id) => deps.graph.getTask(mailbox, await list(), id),
    remove: async (id) => writer.deleteTask(mailbox, await list(), id),
    async findWritten(kco, hsaRef) {
      const read = async () => deps.graph.listTasks(mailbox, await list());
      // In a batch one read of the list serves every create (their keys differ; a same-key later one has a link).
      const tasks = await readOnce(writes, `tasks|${user.userId}`, read);
      return tasks.find((t) => {
        const key = erpKeyOfLinkedResources(t.linkedResources ?? []);
        return key !== null && key.kco === kco && key.hsaRef === hsaRef;
      });
    },
  };
}

/**
 * Unknown/invalid user → PermanentError naming it. syncTasks off → logged, nothing written (an ERP answer with
 * outlookId is still recorded as a link when tasksFromOutlook is on). Otherwise the shared push into the list named
 * TASK_LIST_NAME (missing → status no_task_list, the message set aside): CREATE (after looking for the task an earlier
 * attempt wrote, by our linkedResource: To Do has no transactionId), UPDATE (If-Match on the task's ETag; 412 → read
 * fresh → drift with CONFLICT_RULE), DELETE (404 = already gone). Every write records the link.
 */
export async function handleTaskPush(deps: AppDeps, message: TaskPush, hctx: PushContext): Promise<void> {
  const user = await loadUser(deps, message.user);
  const task = message.op === "DELETE" ? undefined : await toErpTask(deps, message);
  await pushItem(
    deps,
    user,
    hctx.log,
    currentWindow(deps, deps.now()),
    taskPushKind,
    taskGateway(deps, user, hctx.writes),
    {
      op: message.op,
      kco: message.kco,
      hsaRef: message.hsaRef,
      outlookId: message.outlookId,
      item: task,
    },
  );
}

export { etagOf };
