// Tasks end to end (ERP → To Do): the push worker through the delivery harness, the Graph simulator's To Do, Azurite
// links, the Service Bus stand-in. Every task write is counted; the ERP hears nothing of our own writes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PushMessageOf } from "../../shared/domain/messages/pushMessage.js";
import { startSyncRig, type SyncRig } from "./syncRig.js";

const MB = "jsmith@contoso.test";
const NO_LIST_MB = "adoe@contoso.test";
let rig: SyncRig;
let listId: string;

type TaskPush = PushMessageOf<"task">;
const data: NonNullable<TaskPush["data"]> = {
  title: "Call the client",
  due: "2026-12-05",
  reminder: "2026-12-04T09:30:00+01:00",
  status: "notStarted",
  priority: "high",
  notes: "About the offer",
  actionType: "CALL",
};
function taskPush(op: "CREATE" | "UPDATE", hsaRef: string, over: Partial<typeof data> = {}, user = "JSMITH"): TaskPush {
  return { kind: "task", op, user, kco: "1", hsaRef, data: { ...data, ...over } };
}
const taskDelete = (hsaRef: string): TaskPush => ({ kind: "task", op: "DELETE", user: "JSMITH", kco: "1", hsaRef });

/** Task writes the app made (POST/PATCH/DELETE under /todo/). */
const taskWrites = () =>
  Object.entries(rig.sim.counters().byEndpoint)
    .filter(([k]) => /^(POST|PATCH|DELETE) .*\/todo\//.test(k))
    .reduce((n, [, v]) => n + v, 0);
const tasksFor = (hsaRef: string) =>
  rig.sim
    .tasks(MB, listId)
    .filter((t) =>
      (t.linkedResources ?? []).some((r) => r.applicationName === "Coins ERP+" && r.externalId === `1|${hsaRef}`),
    );

beforeAll(async () => {
  rig = await startSyncRig({
    users: [
      { userId: "JSMITH", mailbox: MB },
      { userId: "ADOE", mailbox: NO_LIST_MB },
    ],
  });
  for (const [userId, mailbox] of [
    ["JSMITH", MB],
    ["ADOE", NO_LIST_MB],
  ] as const) {
    await rig.deps.users.upsertUser({ userId, mailbox, defaultCompany: "1", syncTasks: true });
  }
  await rig.deps.actionTypes.upsert({ company: "1", code: "CALL", description: "Phone call" });
  listId = rig.sim.todoLists(MB).find((l) => l.displayName === "COINS")!.id;
}, 60_000);

afterAll(async () => {
  await rig?.stop();
});

describe("ERP tasks → To Do", () => {
  it("CREATE → exactly one task in the COINS list with the mapped fields and our linked resource; linked", async () => {
    const writes = taskWrites();
    await rig.sendPush(taskPush("CREATE", "T1"));
    await rig.settle();
    const [task, ...more] = tasksFor("T1");
    expect(more).toEqual([]);
    expect(task).toMatchObject({
      title: "Call the client",
      body: { contentType: "text", content: "About the offer" },
      dueDateTime: { dateTime: expect.stringMatching(/^2026-12-05T00:00:00/), timeZone: "UTC" },
      reminderDateTime: { dateTime: expect.stringMatching(/^2026-12-04T08:30:00/), timeZone: "UTC" },
      isReminderOn: true,
      status: "notStarted",
      importance: "high",
      categories: ["Phone call"],
      linkedResources: [expect.objectContaining({ applicationName: "Coins ERP+", externalId: "1|T1" })],
    });
    expect(taskWrites() - writes).toBe(1);
    const link = await rig.deps.links.getByErpKey("JSMITH", "task", "1", "T1");
    expect(link).toMatchObject({ kind: "task", outlookId: task!.id });
    expect(rig.sim.tasks(MB, rig.sim.todoLists(MB).find((l) => l.displayName === "Tasks")!.id)).toEqual([]);
    expect(rig.inbound()).toEqual([]);
  });

  it("UPDATE and completion reach To Do once each; the same content again writes nothing", async () => {
    const writes = taskWrites();
    await rig.sendPush(taskPush("UPDATE", "T1", { title: "Call the client back", priority: "low" }));
    await rig.settle();
    await rig.sendPush(
      taskPush("UPDATE", "T1", { title: "Call the client back", priority: "low", status: "completed" }),
    );
    await rig.settle();
    expect(taskWrites() - writes).toBe(2);
    expect(tasksFor("T1")).toEqual([
      expect.objectContaining({ title: "Call the client back", importance: "low", status: "completed" }),
    ]);
    await rig.sendPush(
      taskPush("UPDATE", "T1", { title: "Call the client back", priority: "low", status: "completed" }),
      "same-content-again",
    );
    await rig.settle();
    expect(taskWrites() - writes).toBe(2);
    expect(rig.logs().some((l) => /push task UPDATE JSMITH 1\/T1: nothing written \(unchanged\)/.test(l))).toBe(true);
  });

  it("DELETE removes the task and its link, once", async () => {
    const writes = taskWrites();
    await rig.sendPush(taskDelete("T1"));
    await rig.settle();
    expect(tasksFor("T1")).toEqual([]);
    expect(taskWrites() - writes).toBe(1);
    expect(await rig.deps.links.getByErpKey("JSMITH", "task", "1", "T1")).toBeUndefined();
  });

  it("a crash between the create and the link save → the redelivery finds the task by its linked resource: no duplicate", async () => {
    rig.gates.crash("push:links.save");
    await rig.sendPush(taskPush("CREATE", "T2"));
    await rig.settle();
    const found = tasksFor("T2");
    expect(found).toHaveLength(1);
    expect(await rig.deps.links.getByErpKey("JSMITH", "task", "1", "T2")).toMatchObject({ outlookId: found[0]!.id });
    expect(rig.logs().some((l) => /T2: task .* was already written for this key/.test(l))).toBe(true);
    expect(await rig.deps.rejected.list()).toEqual([]);
  });

  it("a mailbox without the list → status no_task_list naming the list; the push is set aside (replayable), nothing crashes", async () => {
    await rig.sendPush(taskPush("CREATE", "T3", {}, "ADOE"));
    await rig.settle();
    const lookup = await rig.deps.users.getUser("ADOE");
    expect(lookup?.valid && lookup.user).toMatchObject({
      status: "no_task_list",
      lastError: expect.stringContaining("'COINS' not found in mailbox adoe@contoso.test"),
    });
    const rejected = await rig.deps.rejected.list();
    expect(rejected).toEqual([expect.objectContaining({ code: "no_task_list" })]);
  });
});
