// Tasks (Microsoft To Do) against the shared kind contract.
import { parseGraphTask } from "../../../shared/domain/tasks/graphTask.js";
import { taskBodyFromErp } from "../../../shared/domain/tasks/taskBody.js";
import { taskKind } from "../../../shared/domain/tasks/taskKind.js";
import { taskPullRules } from "../../../shared/domain/tasks/taskPullRules.js";
import type { ErpTask } from "../../../shared/domain/tasks/types.js";
import { describeKindContract } from "./kindContract.js";

const sampleTask = (over: Partial<ErpTask> = {}): ErpTask => ({
  kco: "1",
  hsaRef: "H1",
  title: "Order material",
  due: "2026-12-05",
  reminder: "2026-12-04T09:30:00+01:00",
  status: "notStarted",
  priority: "high",
  notes: "Steel for block B",
  actionTypeDescription: "Phone call",
  ...over,
});

describeKindContract({
  kind: taskKind,
  rules: taskPullRules,
  erp: sampleTask,
  contentChange: { title: "Order more material", status: "inProgress" },
  outOfScope: undefined,
  roundTrips: [
    ["due date and reminder", {}],
    ["due as a date-time in its own offset", { due: "2026-12-05T23:30:00+01:00" }],
    ["no due, no reminder, no notes", { due: undefined, reminder: undefined, notes: undefined }],
    ["completed, low priority, multi-line notes", { status: "completed", priority: "low", notes: "a\r\n\r\nb" }],
  ],
  // What Graph answers for a body we wrote: the fields echoed in UTC, the version as the ETag, our linked resource.
  written: (t, id, changeKey) => {
    const { categories, ...body } = taskBodyFromErp(t, true);
    return parseGraphTask({ ...body, id, "@odata.etag": `W/"${changeKey}"`, categories: categories ?? [] });
  },
  edited: (t) => ({ ...t, title: `${t.title} (edited in To Do)`, changeKey: "ck2" }),
  withKey: (t, key) => ({ ...t, erpKey: key }),
  createActionType: null,
  switches: { push: "syncTasks", pull: "tasksFromOutlook" },
});
