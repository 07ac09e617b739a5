// Tasks in the shared pull round (shared/app/tasks/taskPull.ts): the hooks the task kind sets, through the pull worker
// (Graph simulator, Azurite links, the Service Bus stand-in). Under erp-wins a task deleted in To Do is sent as DELETE
// at once (no grace, no CONFIRMDELETE).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { erpKeyOfLinkedResources } from "../../../shared/domain/tasks/taskBody.js";
import { QUEUES } from "../../harness/appRig.js";
import { startSyncRig, type SyncRig } from "../../e2e/syncRig.js";
import { addTaskUser, inboundReader, pollOnce, pushErpTask } from "../../e2e/taskRig.js";

const MB = "jsmith@contoso.test";
let rig: SyncRig;
let listId: string;
let fresh: () => ReturnType<SyncRig["inbound"]>;

/** A poll in the next minute (its own run id: a poll within the same minute is dropped as a duplicate). */
async function poll() {
  rig.advance(60_000);
  await pollOnce(rig);
}

const idOf = (hsaRef: string) =>
  rig.sim.tasks(MB, listId).find((t) => erpKeyOfLinkedResources(t.linkedResources ?? [])?.hsaRef === hsaRef)!.id;

afterAll(async () => {
  await rig?.stop();
});

beforeAll(async () => {
  rig = await startSyncRig({
    rule: "erp-wins",
    env: { OUTLOOK_DELETE_GRACE_SECONDS: "120" },
    manualClock: true,
    now: new Date("2026-12-01T08:00:00Z"),
  });
  ({ listId } = await addTaskUser(rig));
  fresh = inboundReader(rig);
  expect(await pushErpTask(rig, "E2", { title: "Delete me", status: "notStarted", priority: "normal" })).toBe(1);
  await poll();
  expect(fresh()).toEqual([]);
}, 60_000);

describe("tasks in the shared pull round", () => {
  it("erp-wins: a task deleted in To Do → DELETE at once, a committed tombstone, nothing scheduled", async () => {
    const id = idOf("E2");
    rig.sim.deleteTask(MB, listId, id);
    // One TASKPOLL drained without the clock moving: a DELETE held for the grace would not have reached the ERP.
    await rig.sendPull({ source: "TASKPOLL", user: "JSMITH" }, "delete-at-once");
    await rig.drain("pull");
    expect(fresh()).toEqual([expect.objectContaining({ kind: "task", op: "DELETE", hsaRef: "E2", outlookId: id })]);
    const link = await rig.deps.links.getByErpKey("JSMITH", "task", "1", "E2");
    expect(link).toMatchObject({ state: "outlookDeleted" });
    expect(link?.erpDeleteDue).toBeUndefined();
    const scheduled = rig.bus
      .queue(QUEUES.pull)
      .messages()
      .filter((m) => m.state === "scheduled");
    expect(scheduled).toEqual([]);
  });
});
