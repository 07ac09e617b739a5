// To Do → ERP end to end: the pull worker through the delivery harness reads the COINS list's delta in the Graph
// simulator (Azurite links, the Service Bus stand-in). The todoTasks subscription record is stored as ensureSubscription
// stores it in delegated mode (Graph refuses app-only To Do subscriptions, so none is created here).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PushMessageOf } from "../../shared/domain/messages/pushMessage.js";
import { startSyncRig, type Inbound, type SyncRig } from "./syncRig.js";
import { addTaskUser, pushErpTask, todoCreate } from "./taskRig.js";

const MB = "jsmith@contoso.test";
const SUB = "tasks-subscription-1";
let rig: SyncRig;
let listId: string;
let otherListId: string;
let round = 0;
let seen = 0;

/** A PULL for the task subscription (what the webhook sends on a notification), then everything settles. */
async function pull(): Promise<Inbound[]> {
  await rig.sendPull({ source: "MSTASK", subscriptionId: SUB, user: "JSMITH" }, `round-${++round}`);
  await rig.settle();
  const all = rig.inbound();
  const fresh = all.slice(seen);
  seen = all.length;
  return fresh;
}

const taskWrites = () =>
  Object.entries(rig.sim.counters().byEndpoint)
    .filter(([k]) => /^(POST|PATCH|DELETE) .*\/todo\//.test(k))
    .reduce((n, [, v]) => n + v, 0);

beforeAll(async () => {
  rig = await startSyncRig();
  ({ listId, otherListId } = await addTaskUser(rig));
  await rig.deps.subscriptions.save({
    user: "JSMITH",
    kind: "todoTasks",
    subscriptionId: SUB,
    clientState: "c".repeat(64),
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    resource: `/users/${MB}/todo/lists/${listId}/tasks`,
    listId,
  });
  expect(await pull()).toEqual([]);
}, 60_000);

afterAll(async () => {
  await rig?.stop();
});

describe("To Do → ERP", () => {
  let outlookId: string;

  it("a task the user creates in COINS → exactly one CREATE with TASK_ACTION_TYPE in the default company; another list → nothing", async () => {
    rig.sim.createTask(MB, otherListId, { title: "Private errand" });
    const t = rig.sim.createTask(MB, listId, {
      title: "Order material",
      body: { contentType: "text", content: "Two pallets" },
      importance: "high",
      dueDateTime: { dateTime: "2026-12-07T00:00:00", timeZone: "UTC" },
    });
    outlookId = t.id;
    const sent = await pull();
    expect(sent).toEqual([
      todoCreate(t.id, {
        title: "Order material",
        due: "2026-12-07",
        status: "notStarted",
        priority: "high",
        notes: "Two pallets",
      }),
    ]);
    expect(await pull()).toEqual([]);
  });

  it("the ERP's answer (CREATE with outlookId) links the task without writing to Graph or echoing back", async () => {
    const writes = taskWrites();
    const answer: PushMessageOf<"task"> = {
      kind: "task",
      op: "CREATE",
      user: "JSMITH",
      kco: "1",
      hsaRef: "NEW1",
      outlookId,
      data: {
        title: "Order material",
        due: "2026-12-07",
        status: "notStarted",
        priority: "high",
        notes: "Two pallets",
      },
    };
    await rig.sendPush(answer);
    await rig.settle();
    expect(await rig.deps.links.getByErpKey("JSMITH", "task", "1", "NEW1")).toMatchObject({ outlookId });
    expect(taskWrites()).toBe(writes);
    expect(await pull()).toEqual([]);
  });

  it("edits and completion of the linked task → UPDATE each; deletion → DELETE; the ERP key travels along", async () => {
    rig.sim.updateTask(MB, listId, outlookId, { title: "Order more material" });
    expect(await pull()).toEqual([
      expect.objectContaining({
        op: "UPDATE",
        hsaRef: "NEW1",
        data: expect.objectContaining({ title: "Order more material" }),
      }),
    ]);
    rig.sim.updateTask(MB, listId, outlookId, { status: "completed" });
    expect(await pull()).toEqual([
      expect.objectContaining({ op: "UPDATE", hsaRef: "NEW1", data: expect.objectContaining({ status: "completed" }) }),
    ]);
    rig.sim.deleteTask(MB, listId, outlookId);
    expect(await pull()).toEqual([expect.objectContaining({ kind: "task", op: "DELETE", hsaRef: "NEW1", outlookId })]);
    expect(await pull()).toEqual([]);
  });

  it("no echo: a task the ERP pushes is written once and its own change notification sends the ERP nothing", async () => {
    const data = { title: "From the ERP", status: "inProgress", priority: "normal", due: "2026-12-09" };
    expect(await pushErpTask(rig, "E1", data)).toBe(1);
    expect(await pull()).toEqual([]);
  });

  it("TASK_ACTION_TYPE missing in the default company's ActionTypes → the status names both, nothing is sent", async () => {
    await rig.deps.users.upsertUser({
      userId: "JSMITH",
      mailbox: MB,
      defaultCompany: "2",
      syncTasks: true,
      tasksFromOutlook: true,
    });
    rig.sim.createTask(MB, listId, { title: "Unmapped" });
    expect(await pull()).toEqual([]);
    const lookup = await rig.deps.users.getUser("JSMITH");
    expect(lookup?.valid && lookup.user).toMatchObject({
      status: "error",
      lastError: expect.stringMatching(/TASK_ACTION_TYPE: action type "TODO" does not exist in company "2"/),
    });
  });
});
