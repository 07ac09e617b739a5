// The nightly resync covers tasks (application mode): the nightly timer's handler sends RESYNC, the pull worker reads
// the COINS list whole from the Graph simulator and repairs drift the poll missed (Azurite links, Service Bus stand-in).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { erpKeyOfLinkedResources } from "../../shared/domain/tasks/taskBody.js";
import { startSyncRig, type SyncRig } from "./syncRig.js";
import { addTaskUser, inboundReader, nightlyOnce, pollOnce, pushErpTask, statusOf } from "./taskRig.js";

const MB = "jsmith@contoso.test";
let rig: SyncRig;
let fresh: ReturnType<typeof inboundReader>;
let listId: string;
let clock = Date.parse("2026-12-07T08:00:00Z");

/** The next day's nightly run (a new run id), then everything settles; answers what reached the ERP. */
async function nightly() {
  clock += 86_400_000;
  rig.advance(clock - rig.deps.now().getTime());
  await nightlyOnce(rig);
  return fresh();
}

const idOf = (hsaRef: string) =>
  rig.sim.tasks(MB, listId).find((t) => erpKeyOfLinkedResources(t.linkedResources ?? [])?.hsaRef === hsaRef)!.id;

beforeAll(async () => {
  rig = await startSyncRig({ manualClock: true, now: new Date(clock) });
  ({ listId } = await addTaskUser(rig));
  fresh = inboundReader(rig);
  expect(await pushErpTask(rig, "E1", { title: "Edit me", status: "notStarted", priority: "normal" })).toBe(1);
  expect(await pushErpTask(rig, "E2", { title: "Delete me", status: "notStarted", priority: "normal" })).toBe(1);
  await pollOnce(rig);
  expect(fresh()).toEqual([]);
}, 60_000);

afterAll(async () => {
  await rig?.stop();
});

describe("nightly RESYNC covers tasks", () => {
  it("drift no poll saw (an edit, a deletion) is repaired: UPDATE and DELETE once; the ERP is asked to push its tasks", async () => {
    rig.sim.updateTask(MB, listId, idOf("E1"), { title: "Edited in To Do" });
    const deleted = idOf("E2");
    rig.sim.deleteTask(MB, listId, deleted);
    const sent = await nightly();
    expect(sent).toHaveLength(3);
    expect(sent).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "task",
          op: "UPDATE",
          hsaRef: "E1",
          data: expect.objectContaining({ title: "Edited in To Do" }),
        }),
        expect.objectContaining({ kind: "task", op: "DELETE", hsaRef: "E2", outlookId: deleted }),
        expect.objectContaining({ kind: "task", op: "RESYNC", user: "JSMITH", kco: "1" }),
      ]),
    );
    expect(await statusOf(rig, "JSMITH")).toMatchObject({ status: "ok" });
    expect(await rig.deps.taskLists.get("JSMITH")).toMatchObject({ listId, deltaUrl: expect.any(String) });
    await pollOnce(rig);
    expect(fresh()).toEqual([]);
  });

  it("a task carrying our ERP key without a link is relinked; one whose key is linked to another task is deleted as an orphan", async () => {
    const linked = await rig.deps.links.getByErpKey("JSMITH", "task", "1", "E1");
    const external = { applicationName: "Coins ERP+", displayName: "E", webUrl: null };
    const lost = rig.sim.createTask(MB, listId, {
      title: "Lost link",
      linkedResources: [{ ...external, externalId: "1|E7" }],
    });
    const duplicate = rig.sim.createTask(MB, listId, {
      title: "Edited in To Do",
      linkedResources: [{ ...external, externalId: "1|E1" }],
    });
    const sent = await nightly();
    expect(sent.filter((m) => m.op !== "RESYNC")).toEqual([]);
    expect(await rig.deps.links.getByErpKey("JSMITH", "task", "1", "E7")).toMatchObject({ outlookId: lost.id });
    expect(rig.sim.tasks(MB, listId).map((t) => t.id)).not.toContain(duplicate.id);
    expect(await rig.deps.links.getByErpKey("JSMITH", "task", "1", "E1")).toMatchObject({
      outlookId: linked!.outlookId,
    });
  });

  it("the list gone at night → status no_task_list naming it; nothing sent, nothing set aside", async () => {
    rig.sim.renameTodoList(MB, listId, "Old COINS");
    const sent = await nightly();
    expect(sent).toEqual([]);
    expect(await statusOf(rig, "JSMITH")).toMatchObject({
      status: "no_task_list",
      lastError: expect.stringContaining("To Do list 'COINS' not found"),
    });
    expect(await rig.deps.rejected.list({ queue: "msgraph-pull" })).toEqual([]);
  });
});
