// Tests of To Do: lists with wellknownListName, task CRUD with linkedResources, and tasks/delta.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphSim, type GraphSim } from "./index.js";
import { appToken, graph } from "./testkit.js";

let sim: GraphSim;
let g: ReturnType<typeof graph>;
const MB = "jsmith@contoso.test";

beforeAll(async () => {
  sim = await startGraphSim();
  g = graph(sim, await appToken(sim));
});
afterAll(async () => {
  await sim.stop();
});

describe("To Do", () => {
  it("lists the seeded lists; adoe has no COINS list", async () => {
    const r = await g("GET", `/users/${MB}/todo/lists`);
    expect(
      r.body.value.map((l: { displayName: string; wellknownListName: string }) => [l.displayName, l.wellknownListName]),
    ).toEqual([
      ["Tasks", "defaultList"],
      ["COINS", "none"],
    ]);
    const a = await g("GET", "/users/adoe@contoso.test/todo/lists");
    expect(a.body.value.map((l: { displayName: string }) => l.displayName)).toEqual(["Tasks"]);
  });

  it("creates tasks with linkedResources (externalId), updates, deletes", async () => {
    const list = sim.todoLists(MB).find((l) => l.displayName === "COINS")!;
    const base = `/users/${MB}/todo/lists/${list.id}/tasks`;
    const c = await g("POST", base, {
      title: "Call supplier",
      dueDateTime: { dateTime: "2030-08-01T00:00:00", timeZone: "W. Europe Standard Time" },
      linkedResources: [
        { webUrl: "https://erp.example/t/1", applicationName: "Coins", displayName: "H0001", externalId: "1/H0001" },
      ],
    });
    expect(c.status).toBe(201);
    expect(c.body.dueDateTime).toEqual({ dateTime: "2030-07-31T22:00:00.0000000", timeZone: "UTC" });
    expect(c.body.linkedResources).toEqual([
      expect.objectContaining({ externalId: "1/H0001", applicationName: "Coins", id: expect.any(String) }),
    ]);
    expect((await g("GET", `${base}/${c.body.id}`)).body.linkedResources).toBeUndefined();
    const x = await g("GET", `${base}/${c.body.id}?$expand=linkedResources`);
    expect(x.body.linkedResources[0]).toMatchObject({ externalId: "1/H0001", applicationName: "Coins" });
    const p = await g("PATCH", `${base}/${c.body.id}`, { status: "completed" });
    expect(p.body.status).toBe("completed");
    expect(p.body.completedDateTime.timeZone).toBe("UTC");
    expect(p.body["@odata.etag"]).not.toBe(c.body["@odata.etag"]);
    expect((await g("DELETE", `${base}/${c.body.id}`)).status).toBe(204);
    expect(sim.tasks(MB, list.id).length).toBe(0);
  });

  it("tasks/delta: first round lists tasks, next rounds only changes and @removed", async () => {
    const list = sim.todoLists(MB).find((l) => l.displayName === "Tasks")!;
    const a = sim.createTask(MB, list.id, { title: "a" });
    const b = sim.createTask(MB, list.id, { title: "b" });
    const r1 = await g("GET", `/users/${MB}/todo/lists/${list.id}/tasks/delta`, undefined, {
      prefer: "odata.maxpagesize=1",
    });
    expect(r1.body.value.length).toBe(1);
    const r2 = await g("GET", r1.body["@odata.nextLink"]);
    expect(r2.body.value.length).toBe(1);
    expect(r2.body["@odata.deltaLink"]).toContain("$deltatoken=");
    sim.updateTask(MB, list.id, a.id, { title: "a2" });
    sim.deleteTask(MB, list.id, b.id);
    const r3 = await g("GET", r2.body["@odata.deltaLink"]);
    expect(r3.body.value).toEqual([
      expect.objectContaining({ id: a.id, title: "a2" }),
      { "@odata.type": "#microsoft.graph.todoTask", id: b.id, "@removed": { reason: "deleted" } },
    ]);
  });

  it("a task moved to another list in Outlook: @removed in the old list's delta, a new task in the other", async () => {
    const from = sim.todoLists(MB).find((l) => l.displayName === "COINS")!;
    const to = sim.todoLists(MB).find((l) => l.displayName === "Tasks")!;
    const t = sim.createTask(MB, from.id, { title: "to move" });
    const start = await g("GET", `/users/${MB}/todo/lists/${from.id}/tasks/delta`);
    const moved = sim.moveTask(MB, from.id, to.id, t.id);
    expect(moved.id).not.toBe(t.id);
    const next = await g("GET", start.body["@odata.deltaLink"]);
    expect(next.body.value).toEqual([expect.objectContaining({ id: t.id, "@removed": { reason: "deleted" } })]);
    expect(sim.tasks(MB, to.id).map((x) => x.title)).toContain("to move");
    expect(sim.tasks(MB, from.id).map((x) => x.id)).not.toContain(t.id);
  });

  it("renames and deletes a list (PATCH/DELETE /todo/lists/{id}); a deleted list's tasks and delta answer 404", async () => {
    const c = await g("POST", `/users/${MB}/todo/lists`, { displayName: "Scratch" });
    const id = c.body.id as string;
    const r = await g("PATCH", `/users/${MB}/todo/lists/${id}`, { displayName: "Scratch 2" });
    expect(r.body).toMatchObject({ id, displayName: "Scratch 2" });
    expect(sim.todoLists(MB).find((l) => l.id === id)?.displayName).toBe("Scratch 2");
    expect((await g("DELETE", `/users/${MB}/todo/lists/${id}`)).status).toBe(204);
    expect((await g("GET", `/users/${MB}/todo/lists/${id}/tasks/delta`)).status).toBe(404);
    const tasks = sim.todoLists(MB).find((l) => l.wellknownListName === "defaultList")!;
    expect((await g("DELETE", `/users/${MB}/todo/lists/${tasks.id}`)).status).toBe(400);
  });

  it("needs Tasks permissions and a known list", async () => {
    const noPerm = graph(sim, sim.issueToken({ roles: ["User.Read.All"] }));
    expect((await noPerm("GET", `/users/${MB}/todo/lists`)).status).toBe(403);
    const r = await g("GET", `/users/${MB}/todo/lists/nope/tasks`);
    expect(r.status).toBe(404);
  });
});
