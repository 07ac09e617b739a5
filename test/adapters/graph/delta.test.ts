// calendarView and To Do delta rounds end to end: several pages, the final deltaLink, changes and removals after it,
// and 410 on a delta link as a typed "resync required" result.
import { describe, expect, it } from "vitest";
import type { TodoTask } from "../../../shared/adapters/graph/schemas.js";
import { PermanentError } from "../../../shared/domain/errors.js";
import { JSMITH, ADOE, endpointCount } from "./simGateway.js";
import { useGraphSim } from "./useGraphSim.js";

const graph = useGraphSim();

const WINDOW = { start: "2026-12-01T00:00:00Z", end: "2026-12-31T00:00:00Z" };
const at = (day: number, hour = 10) => ({
  dateTime: `2026-12-${String(day).padStart(2, "0")}T${hour}:00:00`,
  timeZone: "UTC",
});

describe("calendarView delta", () => {
  it("pages with odata.maxpagesize to the deltaLink, then reports updates, deletions and moves out of the window", async () => {
    const created = [];
    for (let d = 1; d <= 7; d++) {
      created.push(await graph.gw.createEvent(ADOE, { subject: `E${d}`, start: at(d + 1), end: at(d + 1, 11) }));
    }
    await graph.gw.createEvent(ADOE, {
      subject: "outside",
      start: { dateTime: "2027-02-01T10:00:00", timeZone: "UTC" },
      end: { dateTime: "2027-02-01T11:00:00", timeZone: "UTC" },
    });

    const first = await graph.gw.readCalendarDelta(ADOE, WINDOW, { maxPageSize: 3 });
    expect(first.kind).toBe("ok");
    if (first.kind !== "ok") return;
    expect(first.pages).toBeGreaterThanOrEqual(3);
    expect(endpointCount(graph.sim, /calendarView\/delta/)).toBe(first.pages);
    expect(
      first.items
        .filter((i) => !i.removed)
        .map((i) => !i.removed && i.item.subject)
        .sort(),
    ).toEqual(["E1", "E2", "E3", "E4", "E5", "E6", "E7"]);
    expect(first.deltaUrl).toContain(graph.sim.graphUrl);

    const [a, b, c] = created;
    await graph.gw.updateEvent(ADOE, a!.id, { subject: "E1 renamed" });
    expect(await graph.gw.deleteEvent(ADOE, b!.id)).toEqual({ deleted: true });
    await graph.gw.updateEvent(ADOE, c!.id, {
      start: { dateTime: "2027-03-01T10:00:00", timeZone: "UTC" },
      end: { dateTime: "2027-03-01T11:00:00", timeZone: "UTC" },
    });

    const second = await graph.gw.readCalendarDelta(ADOE, { deltaUrl: first.deltaUrl }, { maxPageSize: 3 });
    expect(second.kind).toBe("ok");
    if (second.kind !== "ok") return;
    const updated = second.items.filter((i) => !i.removed);
    const removed = second.items.filter((i) => i.removed);
    expect(updated.map((i) => i.id)).toEqual([a!.id]);
    expect(removed.map((i) => i.id).sort()).toEqual([b!.id, c!.id].sort());
    expect(second.deltaUrl).not.toBe(first.deltaUrl);

    const third = await graph.gw.readCalendarDelta(ADOE, { deltaUrl: second.deltaUrl });
    expect(third.kind === "ok" && third.items).toEqual([]);
  });

  it("410 on a delta link comes back as resyncRequired, with the Location's fresh link", async () => {
    const first = await graph.gw.readCalendarDelta(JSMITH, WINDOW);
    if (first.kind !== "ok") throw new Error("expected ok");
    const fresh = `${graph.sim.graphUrl}/users/${JSMITH}/calendarView/delta?$deltatoken=fresh`;
    graph.sim.injectFault({
      path: /calendarView\/delta/,
      status: 410,
      code: "syncStateNotFound",
      headers: { Location: fresh },
      times: 1,
    });
    const again = await graph.gw.readCalendarDelta(JSMITH, { deltaUrl: first.deltaUrl });
    expect(again).toMatchObject({ kind: "resyncRequired", freshDeltaUrl: fresh });
  });

  it("410 in the middle of a round (on a nextLink) is also resyncRequired", async () => {
    for (let d = 1; d <= 4; d++)
      await graph.gw.createEvent(JSMITH, { subject: `M${d}`, start: at(d + 10), end: at(d + 10, 11) });
    graph.sim.injectFault({ path: /calendarView\/delta/, status: 200, times: 1 }); // first page passes
    graph.sim.injectFault({ path: /calendarView\/delta/, status: 410, times: 1 });
    const r = await graph.gw.readCalendarDelta(JSMITH, WINDOW, { maxPageSize: 2 });
    expect(r.kind).toBe("resyncRequired");
  });

  it("a delta link to another host is refused, the bearer is never sent there", async () => {
    const e = await graph.gw
      .readCalendarDelta(JSMITH, { deltaUrl: "https://evil.example/v1.0/users/x/calendarView/delta?$deltatoken=a" })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PermanentError);
    expect((e as PermanentError).code).toBe("foreign_link");
    expect(graph.sim.counters().total).toBe(0);
  });
});

describe("To Do", () => {
  it("finds the list by name, does task CRUD, and reads tasks delta in pages to a deltaLink", async () => {
    const lists = await graph.gw.listTodoLists(JSMITH);
    expect(lists.length).toBeGreaterThan(0);
    const name = lists[0]!.displayName;
    const list = await graph.gw.findTodoList(JSMITH, name.toUpperCase() === name ? name : name.toUpperCase());
    expect(list?.id).toBe(lists[0]!.id);
    expect(await graph.gw.findTodoList(JSMITH, "no such list 123")).toBeUndefined();

    const listId = list!.id;
    const made: TodoTask[] = [];
    for (let i = 0; i < 5; i++)
      made.push(
        await graph.gw.createTask(JSMITH, listId, {
          title: `T${i}`,
          linkedResources: [{ applicationName: "Coins", externalId: `1-H${i}`, displayName: `H${i}` }],
        }),
      );
    const got = await graph.gw.getTask(JSMITH, listId, made[0]!.id);
    expect(got?.linkedResources?.[0]?.externalId).toBe("1-H0");

    const first = await graph.gw.readTasksDelta(JSMITH, { listId }, { maxPageSize: 2 });
    if (first.kind !== "ok") throw new Error("expected ok");
    expect(first.pages).toBeGreaterThanOrEqual(3);
    expect(first.items.filter((i) => !i.removed).length).toBeGreaterThanOrEqual(5);

    await graph.gw.updateTask(JSMITH, listId, made[1]!.id, { status: "completed" });
    expect(await graph.gw.deleteTask(JSMITH, listId, made[2]!.id)).toEqual({ deleted: true });
    expect(await graph.gw.deleteTask(JSMITH, listId, made[2]!.id)).toEqual({ deleted: false });
    const second = await graph.gw.readTasksDelta(JSMITH, { deltaUrl: first.deltaUrl });
    if (second.kind !== "ok") throw new Error("expected ok");
    expect(second.items.find((i) => i.id === made[1]!.id && !i.removed)).toBeTruthy();
    expect(second.items.find((i) => i.id === made[2]!.id)?.removed).toBe(true);
  });
});
