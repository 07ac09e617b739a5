// Tasks as a kind of the shared sync pipeline: Microsoft To Do tasks in the user's TASK_LIST_NAME list.
import type { SyncKind } from "../sync/syncKind.js";
import { taskBodyFromErp, type GraphTaskBody } from "./taskBody.js";
import { erpTaskFingerprint, outlookTaskFingerprint } from "./taskFingerprint.js";
import type { ErpTask, OutlookTask } from "./types.js";

/**
 * To Do tasks: no transactionId exists (a create is made safe by finding our linkedResource first), a create carries
 * that linkedResource, and the scope is the list itself (every ERP task of the user belongs in it: no window).
 */
export const taskKind: SyncKind<ErpTask, OutlookTask, GraphTaskBody> = {
  name: "task",
  noun: "task",
  switches: { push: "syncTasks", pull: "tasksFromOutlook" },
  erpFingerprint: erpTaskFingerprint,
  outlookFingerprint: outlookTaskFingerprint,
  bodyOf: (t, create) => taskBodyFromErp(t, create !== undefined),
  createKeyOf: () => undefined,
  outOfScope: () => undefined,
  isGone: () => false,
};
