// Action types from the ERP end to end: msgraph-push kind actionType through the push worker (delivery harness,
// Service Bus stand-in) keeps the ActionTypes table in Azurite in step; the task push then maps the new description.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PushMessageOf } from "../../shared/domain/messages/pushMessage.js";
import { startSyncRig, type SyncRig } from "./syncRig.js";

const MB = "jsmith@contoso.test";
let rig: SyncRig;

type ActionTypePush = PushMessageOf<"actionType">;
const push = async (m: Omit<ActionTypePush, "kind" | "user">) => {
  await rig.sendPush({ kind: "actionType", user: "JSMITH", ...m } as ActionTypePush);
  await rig.settle();
};
const table = async (company: string) =>
  (await rig.deps.actionTypes.listByCompany(company)).map((a) => `${a.code}=${a.description}`);

beforeAll(async () => {
  rig = await startSyncRig({ users: [{ userId: "JSMITH", mailbox: MB }] });
  await rig.deps.users.upsertUser({ userId: "JSMITH", mailbox: MB, defaultCompany: "7", syncTasks: true });
}, 60_000);

afterAll(async () => {
  await rig?.stop();
});

describe("ERP action types → the ActionTypes table", () => {
  it("CREATE adds a row; a task pushed with that code gets its description as category", async () => {
    await push({ op: "CREATE", data: { company: "7", code: "INSP", description: "Inspection" } });
    expect(await table("7")).toEqual(["INSP=Inspection"]);
    await rig.sendPush({
      kind: "task",
      op: "CREATE",
      user: "JSMITH",
      kco: "7",
      hsaRef: "T1",
      data: { title: "Check scaffolding", status: "notStarted", priority: "normal", actionType: "INSP" },
    });
    await rig.settle();
    const listId = rig.sim.todoLists(MB).find((l) => l.displayName === "COINS")!.id;
    expect(rig.sim.tasks(MB, listId).find((t) => t.title === "Check scaffolding")?.categories).toEqual(["Inspection"]);
  });

  it("UPDATE changes the description; DELETE removes the row (again: nothing, no error)", async () => {
    await push({ op: "CREATE", data: { company: "7", code: "CALL", description: "Call" } });
    await push({ op: "UPDATE", data: { company: "7", code: "CALL", description: "Phone call" } });
    expect(await table("7")).toEqual(["CALL=Phone call", "INSP=Inspection"]);
    await push({ op: "DELETE", data: { company: "7", code: "CALL" } });
    await push({ op: "DELETE", data: { company: "7", code: "CALL" } });
    expect(await table("7")).toEqual(["INSP=Inspection"]);
    expect(await rig.deps.rejected.list({ queue: "msgraph-push" })).toEqual([]);
  });

  it("REPLACE makes the company's rows exactly the list (stale rows removed, other companies untouched)", async () => {
    await push({ op: "CREATE", data: { company: "8", code: "MEET", description: "Meeting" } });
    await push({
      op: "REPLACE",
      data: {
        company: "7",
        actionTypes: [
          { code: "MEET", description: "Meeting" },
          { code: "VISIT", description: "Site visit" },
        ],
      },
    });
    expect(await table("7")).toEqual(["MEET=Meeting", "VISIT=Site visit"]);
    expect(await table("8")).toEqual(["MEET=Meeting"]);
    await push({ op: "REPLACE", data: { company: "7", actionTypes: [] } });
    expect(await table("7")).toEqual([]);
  });
});
