// The user's To Do list named TASK_LIST_NAME: found by name (the one lookup every task path uses), its id stored for
// the user in TaskLists; a missing list becomes the user's no_task_list status.
import type { TodoTaskList } from "../../adapters/graph/schemas.js";
import type { StoredTaskList } from "../../adapters/tables/taskListsTable.js";
import { AppError, PermanentError } from "../../domain/errors.js";
import type { UserSettings } from "../../domain/users/userSettings.js";
import type { AppDeps } from "../appDeps.js";

export type TaskListDeps = Pick<AppDeps, "config" | "graph" | "users" | "taskLists">;

/** The text of a no_task_list status: it names the list and the mailbox (and the setting that names the list). */
export const noTaskListMessage = (name: string, mailbox: string): string =>
  `TASK_LIST_NAME: To Do list '${name}' not found in mailbox ${mailbox}`;

/** Whether an error is the "no list named TASK_LIST_NAME" outcome of findTaskList (the status says so already). */
export const isNoTaskList = (error: unknown): boolean => error instanceof AppError && error.code === "no_task_list";

/**
 * The list (exact name first, else the only case-insensitive match), stored for the user with its id and name; a list
 * with another id than the stored one (deleted and re-created, or another list renamed to the name) drops the stored
 * delta cursor. None → the stored list is forgotten, the user's status becomes no_task_list naming the list, and a
 * PermanentError "no_task_list" is thrown (a push is set aside, replayable once the list exists). Every task path looks
 * the list up by name, so a list renamed or deleted in Outlook is noticed at the next push, pull, poll or resync.
 */
export async function findTaskList(deps: TaskListDeps, user: UserSettings): Promise<TodoTaskList> {
  return (await findStoredTaskList(deps, user)).list;
}

/** findTaskList, also answering with the stored record (its delta cursor valid for this list). */
export async function findStoredTaskList(
  deps: TaskListDeps,
  user: UserSettings,
): Promise<{ list: TodoTaskList; stored: StoredTaskList }> {
  const name = deps.config.taskListName;
  const [list, stored] = await Promise.all([
    deps.graph.findTodoList(user.mailbox, name),
    deps.taskLists.get(user.userId),
  ]);
  if (!list) {
    if (stored) await deps.taskLists.remove(user.userId);
    const message = noTaskListMessage(name, user.mailbox);
    await deps.users.recordStatus(user.userId, { status: "no_task_list", lastError: message });
    throw new PermanentError("no_task_list", message);
  }
  if (stored && stored.listId === list.id && stored.listName === list.displayName) return { list, stored };
  const record = {
    user: user.userId,
    listId: list.id,
    listName: list.displayName,
    ...(stored?.listId === list.id && stored.deltaUrl ? { deltaUrl: stored.deltaUrl } : {}),
    ...(stored?.listId === list.id && stored.lastSyncAt ? { lastSyncAt: stored.lastSyncAt } : {}),
  };
  const etag = await deps.taskLists.save(record);
  return { list, stored: { ...record, user: stored?.user ?? record.user, etag } };
}
