// Application mode end to end (AUTH_MODE=application; Graph refuses app-only To Do subscriptions): the poll timer's
// handler fans out one TASKPOLL per task user, the pull worker (delivery harness, Service Bus stand-in) reads the COINS
// list's delta in the Graph simulator from the cursor stored per user; no subscription exists at any point.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getUserStatus } from "../../shared/app/admin/getUserStatus.js";
import { startSyncRig, type SyncRig } from "./syncRig.js";
import { addTaskUser, inboundReader, pollOnce, pushErpTask, statusOf, todoCreate } from "./taskRig.js";

const MB = "jsmith@contoso.test";
let rig: SyncRig;
let fresh: ReturnType<typeof inboundReader>;
let listId: string;
let otherListId: string;
let clock = Date.parse("2026-12-07T08:00:00Z");

/** One timer run a minute after the last (its MessageIds are new), then everything settles. */
async function poll() {
  clock += 60_000;
  rig.advance(clock - rig.deps.now().getTime());
  await pollOnce(rig);
  return fresh();
}

beforeAll(async () => {
  rig = await startSyncRig({ manualClock: true, now: new Date(clock) });
  ({ listId, otherListId } = await addTaskUser(rig));
  await rig.deps.users.upsertUser({ userId: "ADOE", mailbox: "adoe@contoso.test", defaultCompany: "1" });
  fresh = inboundReader(rig);
  expect(rig.deps.config.authMode).toBe("application");
  expect(await poll()).toEqual([]);
}, 60_000);

afterAll(async () => {
  await rig?.stop();
});

describe("application mode: To Do is polled", () => {
  it("one TASKPOLL per task user; the list id is stored for the user; no subscription is made", async () => {
    const stored = await rig.deps.taskLists.get("JSMITH");
    expect(stored).toMatchObject({ listId, listName: "COINS", deltaUrl: expect.stringContaining("deltatoken") });
    expect(await rig.deps.taskLists.get("ADOE")).toBeUndefined();
    const view = await getUserStatus(rig.deps, "JSMITH");
    expect(view.ok && view.value.taskList).toMatchObject({ listId, listName: "COINS" });
    expect(rig.sim.subscriptions()).toEqual([]);
    const polls = rig.deliveries.filter((d) => (d.body as { source?: string }).source === "TASKPOLL");
    expect(polls.map((d) => (d.body as { user: string }).user)).toEqual(["JSMITH"]);
  });

  it("a task the user creates in COINS → exactly one CREATE with TASK_ACTION_TYPE in the default company", async () => {
    rig.sim.createTask(MB, otherListId, { title: "Private errand" });
    const t = rig.sim.createTask(MB, listId, { title: "Order material", importance: "high" });
    expect(await poll()).toEqual([
      todoCreate(t.id, expect.objectContaining({ title: "Order material", priority: "high" })),
    ]);
    expect(await poll()).toEqual([]);
    expect(await statusOf(rig, "JSMITH")).toMatchObject({ status: "ok" });
  });

  it("no echo: an ERP task written to To Do is not sent back by the next poll", async () => {
    expect(await pushErpTask(rig, "E1", { title: "From the ERP", status: "inProgress", priority: "normal" })).toBe(1);
    expect(await poll()).toEqual([]);
  });

  it("a copy carrying a linked task's ERP key is deleted at the poll; the original keeps its link, the ERP hears nothing", async () => {
    const link = await rig.deps.links.getByErpKey("JSMITH", "task", "1", "E1");
    const copy = rig.sim.createTask(MB, listId, {
      title: "From the ERP",
      linkedResources: [{ applicationName: "Coins ERP+", displayName: "E1", webUrl: null, externalId: "1|E1" }],
    });
    expect(await poll()).toEqual([]);
    const ids = rig.sim.tasks(MB, listId).map((t) => t.id);
    expect(ids).not.toContain(copy.id);
    expect(ids).toContain(link!.outlookId);
    expect(await rig.deps.links.getByErpKey("JSMITH", "task", "1", "E1")).toMatchObject({
      outlookId: link!.outlookId,
    });
  });

  it("a linked task moved to another list in Outlook → DELETE (the list's delta reports it removed)", async () => {
    const [t] = rig.sim.tasks(MB, listId).filter((x) => x.title === "From the ERP");
    rig.sim.moveTask(MB, listId, otherListId, t!.id);
    expect(await poll()).toEqual([expect.objectContaining({ op: "DELETE", hsaRef: "E1", outlookId: t!.id })]);
    expect(await poll()).toEqual([]);
  });

  it("the list renamed in Outlook → status no_task_list naming it, nothing read, nothing set aside; renamed back → read again", async () => {
    rig.sim.renameTodoList(MB, listId, "COINS (old)");
    rig.sim.createTask(MB, listId, { title: "While renamed" });
    expect(await poll()).toEqual([]);
    expect(await statusOf(rig, "JSMITH")).toEqual({
      status: "no_task_list",
      lastError: `TASK_LIST_NAME: To Do list 'COINS' not found in mailbox ${MB}`,
    });
    expect(await rig.deps.taskLists.get("JSMITH")).toBeUndefined();
    expect(await rig.deps.rejected.list({ queue: "msgraph-pull" })).toEqual([]);
    rig.sim.renameTodoList(MB, listId, "COINS");
    const sent = await poll();
    expect(sent.map((m) => m.data?.title)).toContain("While renamed");
    expect(await statusOf(rig, "JSMITH")).toMatchObject({ status: "ok" });
  });

  it("the list deleted in Outlook → status no_task_list, no crash", async () => {
    rig.sim.deleteTodoList(MB, listId);
    await poll();
    expect(await statusOf(rig, "JSMITH")).toMatchObject({ status: "no_task_list" });
    expect(await rig.deps.rejected.list({ queue: "msgraph-pull" })).toEqual([]);
  });
});
