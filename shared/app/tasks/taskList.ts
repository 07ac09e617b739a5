// The user's To Do list named TASK_LIST_NAME: found by name; a missing list becomes the user's no_task_list status.
import type { TodoTaskList } from "../../adapters/graph/schemas.js";
import { PermanentError } from "../../domain/errors.js";
import type { UserSettings } from "../../domain/users/userSettings.js";
import type { AppDeps } from "../appDeps.js";

type Deps = Pick<AppDeps, "config" | "graph" | "users">;

/** The text of a no_task_list status: it names the list and the mailbox (and the setting that names the list). */
export const noTaskListMessage = (name: string, mailbox: string): string =>
  `TASK_LIST_NAME: To Do list '${name}' not found in mailbox ${mailbox}`;

/**
 * The list (exact name first, else the only case-insensitive match). None → the user's status becomes no_task_list
 * naming the list, and a PermanentError "no_task_list" is thrown (a push is set aside, replayable once the list
 * exists; a renamed or deleted list is noticed at the next lookup).
 */
export async function findTaskList(deps: Deps, user: UserSettings): Promise<TodoTaskList> {
  const name = deps.config.taskListName;
  const list = await deps.graph.findTodoList(user.mailbox, name);
  if (list) return list;
  const message = noTaskListMessage(name, user.mailbox);
  await deps.users.recordStatus(user.userId, { status: "no_task_list", lastError: message });
  throw new PermanentError("no_task_list", message);
}
