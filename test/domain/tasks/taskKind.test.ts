// Tasks as a kind of the shared pipeline: the To Do body, the fingerprints across sides, the push decisions.
import { describe, expect, it } from "vitest";
import { parseGraphTask, type RawTask } from "../../../shared/domain/tasks/graphTask.js";
import { inboundTaskData } from "../../../shared/domain/tasks/inboundTask.js";
import { erpDueDate, taskBodyFromErp } from "../../../shared/domain/tasks/taskBody.js";
import { erpTaskFingerprint, outlookTaskFingerprint } from "../../../shared/domain/tasks/taskFingerprint.js";
import { taskKind } from "../../../shared/domain/tasks/taskKind.js";
import type { ErpTask } from "../../../shared/domain/tasks/types.js";
import { decideItemPush } from "../../../shared/domain/sync/pushPlan.js";
import { decideItemDrift } from "../../../shared/domain/sync/drift.js";
import type { Link } from "../../../shared/domain/sync/link.js";

const task = (over: Partial<ErpTask> = {}): ErpTask => ({
  kco: "1",
  hsaRef: "T1",
  title: "Call the client",
  due: "2026-12-05",
  reminder: "2026-12-04T09:30:00+01:00",
  status: "notStarted",
  priority: "high",
  notes: "About the offer",
  actionTypeDescription: "Phone call",
  ...over,
});

/** What Graph answers for a body we wrote (dates echoed in UTC, the ETag of the new version). */
function asGraph(t: ErpTask, id = "AAMk-task-1"): RawTask {
  const b = taskBodyFromErp(t, true);
  return {
    id,
    "@odata.etag": 'W/"ck1"',
    title: b.title,
    status: b.status,
    importance: b.importance,
    isReminderOn: b.isReminderOn,
    body: b.body,
    dueDateTime: b.dueDateTime,
    reminderDateTime: b.reminderDateTime,
    categories: b.categories ?? [],
    lastModifiedDateTime: "2026-12-01T10:00:00Z",
    linkedResources: b.linkedResources,
  };
}

describe("taskBodyFromErp", () => {
  it("maps title, notes → body, due → date at UTC midnight, reminder → UTC + isReminderOn, priority → importance, category, linkedResource on create", () => {
    expect(taskBodyFromErp(task(), true)).toEqual({
      title: "Call the client",
      body: { contentType: "text", content: "About the offer" },
      dueDateTime: { dateTime: "2026-12-05T00:00:00.0000000", timeZone: "UTC" },
      reminderDateTime: { dateTime: "2026-12-04T08:30:00.0000000", timeZone: "UTC" },
      isReminderOn: true,
      status: "notStarted",
      importance: "high",
      categories: ["Phone call"],
      linkedResources: [{ applicationName: "Coins ERP+", externalId: "1|T1", displayName: "Call the client" }],
    });
  });

  it("an update carries no linkedResources (Graph refuses them in a PATCH); no reminder → off; no due → null", () => {
    const b = taskBodyFromErp(task({ reminder: undefined, due: undefined, actionTypeDescription: undefined }));
    expect(b).not.toHaveProperty("linkedResources");
    expect(b).not.toHaveProperty("categories");
    expect(b).toMatchObject({ reminderDateTime: null, isReminderOn: false, dueDateTime: null });
  });

  it.each([
    ["2026-12-05", "2026-12-05"],
    ["2026-12-05T23:30:00+01:00", "2026-12-05"],
    ["2026-12-05T00:30:00-05:00", "2026-12-05"],
    [undefined, undefined],
  ])("due %s keeps the date %s (in its own offset)", (due, want) => {
    expect(erpDueDate(due)).toBe(want);
  });

  it("a due value that is no date names the field", () => {
    expect(() => erpDueDate("next week")).toThrow(/data\.due/);
  });
});

describe("fingerprints across sides", () => {
  it("what we wrote, read back from Graph, has the ERP's fingerprint (no echo is mistaken for an edit)", () => {
    const t = task();
    const outlook = parseGraphTask(asGraph(t));
    expect(outlookTaskFingerprint(outlook)).toBe(erpTaskFingerprint(t));
    expect(outlook).toMatchObject({ id: "AAMk-task-1", changeKey: "ck1", erpKey: "1|T1", due: "2026-12-05" });
  });

  it.each([
    ["title", { title: "Call the client back" }],
    ["status (completed)", { status: "completed" as const }],
    ["priority", { priority: "low" as const }],
    ["due", { due: "2026-12-06" }],
    ["reminder", { reminder: "2026-12-04T10:30:00+01:00" }],
    ["notes", { notes: "Other" }],
    ["category", { actionTypeDescription: "Visit" }],
  ])("a change of %s changes the fingerprint", (_name, over) => {
    expect(erpTaskFingerprint(task(over))).not.toBe(erpTaskFingerprint(task()));
  });

  it("whitespace and a category's case do not count", () => {
    const a = task({ title: "  Call   the client ", actionTypeDescription: "PHONE CALL" });
    expect(erpTaskFingerprint(a)).toBe(erpTaskFingerprint(task()));
  });

  it("a reminder that is off does not count; inbound data carries due as a date and the reminder in UTC", () => {
    const raw = { ...asGraph(task()), isReminderOn: false };
    const outlook = parseGraphTask(raw);
    expect(outlook.reminder).toBeUndefined();
    expect(inboundTaskData(parseGraphTask(asGraph(task())))).toEqual({
      title: "Call the client",
      due: "2026-12-05",
      reminder: "2026-12-04T08:30:00.000Z",
      status: "notStarted",
      priority: "high",
      notes: "About the offer",
    });
  });
});

const base = {
  user: "JSMITH",
  switches: { syncTasks: true, tasksFromOutlook: true },
  now: new Date("2026-12-01T00:00:00Z"),
};
const window = { start: new Date("2026-11-01T00:00:00Z"), end: new Date("2026-11-02T00:00:00Z") };
const linkOf = (t: ErpTask, over: Partial<Link> = {}): Link => ({
  kind: "task",
  user: "JSMITH",
  kco: t.kco,
  hsaRef: t.hsaRef,
  outlookId: "AAMk-task-1",
  erpFingerprint: erpTaskFingerprint(t),
  outlookFingerprint: erpTaskFingerprint(t),
  outlookChangeKey: "ck1",
  lastSyncedAt: new Date("2026-11-30T00:00:00Z"),
  ...over,
});

describe("task push decisions (the shared rules with the task kind)", () => {
  it("an unlinked CREATE creates with no create key, whatever the date window (the list is the scope)", () => {
    const d = decideItemPush(taskKind, { ...base, op: "CREATE", item: task(), window });
    expect(d).toMatchObject({ type: "create", createKey: undefined, erpFingerprint: erpTaskFingerprint(task()) });
    expect(d.type === "create" && d.body.linkedResources).toEqual([
      { applicationName: "Coins ERP+", externalId: "1|T1", displayName: "Call the client" },
    ]);
  });

  it("a linked UPDATE patches with If-Match on the task's ETag; unchanged → nothing", () => {
    const changed = task({ status: "completed" });
    const d = decideItemPush(taskKind, { ...base, op: "UPDATE", item: changed, link: linkOf(task()), window });
    expect(d).toMatchObject({ type: "update", outlookId: "AAMk-task-1", ifMatch: 'W/"ck1"' });
    const same = decideItemPush(taskKind, { ...base, op: "UPDATE", item: task(), link: linkOf(task()), window });
    expect(same).toEqual({ type: "skip", reason: "unchanged" });
  });

  it("syncTasks off → nothing written, even with syncAppointments on", () => {
    const switches = { syncAppointments: true, syncTasks: false, tasksFromOutlook: false };
    expect(decideItemPush(taskKind, { ...base, switches, op: "CREATE", item: task(), window })).toEqual({
      type: "skip",
      reason: "switchOff",
    });
  });

  it("DELETE deletes the linked task; a recorded link of an Outlook-born task carries the task kind", () => {
    expect(decideItemPush(taskKind, { ...base, op: "DELETE", link: linkOf(task()), window })).toEqual({
      type: "delete",
      outlookId: "AAMk-task-1",
    });
    const d = decideItemPush(taskKind, { ...base, op: "CREATE", item: task(), outlookId: "born", window });
    expect(d.type === "link" && d.link).toMatchObject({ kind: "task", outlookId: "born", hsaRef: "T1" });
  });

  it("a task deleted in To Do while the ERP changed it: erp-wins re-creates, outlook-wins sends DELETE; tasksFromOutlook off → nothing", () => {
    const input = { link: linkOf(task()), erp: task({ title: "New" }), outlook: undefined };
    expect(decideItemDrift(taskKind, { ...input, rule: "erp-wins", window }).action).toBe("recreateInOutlook");
    expect(decideItemDrift(taskKind, { ...input, rule: "outlook-wins" }).action).toBe("deleteInErp");
    const off = { syncTasks: true, tasksFromOutlook: false };
    expect(decideItemDrift(taskKind, { ...input, rule: "outlook-wins", switches: off }).action).toBe("none");
  });
});
