// Tests of calendarView/delta: window fixed in the token, paging, deltaLink rounds, @removed, moved out of window, 410.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphSim, type GraphSim } from "./index.js";
import { appToken, graph } from "./testkit.js";

let sim: GraphSim;
let g: ReturnType<typeof graph>;
const MB = "jsmith@contoso.test";
const at = (day: number, hour = 9) => ({
  dateTime: `2030-05-${String(day).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00:00`,
  timeZone: "UTC",
});

beforeAll(async () => {
  sim = await startGraphSim();
  g = graph(sim, await appToken(sim));
});
afterAll(async () => {
  await sim.stop();
});

async function drain(first: string, pageSize?: number) {
  const items: Record<string, unknown>[] = [];
  let url = first;
  let pages = 0;
  for (;;) {
    const r = await g("GET", url, undefined, pageSize ? { prefer: `odata.maxpagesize=${pageSize}` } : {});
    expect(r.status).toBe(200);
    pages++;
    items.push(...r.body.value);
    if (r.body["@odata.nextLink"]) {
      expect(r.body["@odata.deltaLink"]).toBeUndefined();
      expect(r.body["@odata.nextLink"]).toContain("$skiptoken=");
      url = r.body["@odata.nextLink"];
    } else {
      expect(r.body["@odata.deltaLink"]).toContain("$deltatoken=");
      return { items, pages, deltaLink: r.body["@odata.deltaLink"] as string };
    }
  }
}

describe("calendarView/delta", () => {
  it("pages with Prefer: odata.maxpagesize, then reports only changes since the deltaLink", async () => {
    const ids: string[] = [];
    for (let d = 1; d <= 5; d++) ids.push(sim.createEvent(MB, { subject: `in ${d}`, start: at(d), end: at(d, 10) }).id);
    const outside = sim.createEvent(MB, { subject: "outside", start: at(28), end: at(28, 10) });
    const first = await drain(
      `/users/${MB}/calendarView/delta?startDateTime=2030-05-01T00:00:00Z&endDateTime=2030-05-20T00:00:00Z`,
      2,
    );
    expect(first.pages).toBe(3);
    expect(first.items.map((i) => i.id).sort()).toEqual([...ids].sort());
    expect(first.items.every((i) => i["@odata.type"] === "#microsoft.graph.event")).toBe(true);

    // nothing changed → empty round
    const empty = await drain(first.deltaLink);
    expect(empty.items).toEqual([]);

    sim.updateEvent(MB, ids[0]!, { subject: "renamed" });
    sim.deleteEvent(MB, ids[1]!);
    sim.updateEvent(MB, ids[2]!, { start: at(25), end: at(25, 10) }); // moved out of the window
    sim.updateEvent(MB, outside.id, { subject: "still outside" }); // outside the window: @removed too (event-delta.md)
    const created = sim.createEvent(MB, { subject: "new", start: at(3), end: at(3, 11) });
    const second = await drain(empty.deltaLink);
    const byId = new Map(second.items.map((i) => [i.id, i]));
    expect(byId.size).toBe(5);
    expect(byId.get(ids[0]!)).toMatchObject({ subject: "renamed" });
    expect(byId.get(ids[1]!)).toEqual({
      "@odata.type": "#microsoft.graph.event",
      id: ids[1],
      "@removed": { reason: "deleted" },
    });
    expect(byId.get(ids[2]!)).toEqual({
      "@odata.type": "#microsoft.graph.event",
      id: ids[2],
      "@removed": { reason: "deleted" },
    });
    expect(byId.get(created.id)).toMatchObject({ subject: "new" });
    expect(byId.get(outside.id)).toEqual({
      "@odata.type": "#microsoft.graph.event",
      id: outside.id,
      "@removed": { reason: "deleted" },
    });
  });

  it("keeps the window from the first call even if later calls pass other dates", async () => {
    const first = await drain(
      `/users/${MB}/calendarView/delta?startDateTime=2031-01-01T00:00:00&endDateTime=2031-01-31T00:00:00`,
    );
    sim.createEvent(MB, {
      subject: "feb",
      start: { dateTime: "2031-02-10T09:00:00", timeZone: "UTC" },
      end: { dateTime: "2031-02-10T10:00:00", timeZone: "UTC" },
    });
    sim.createEvent(MB, {
      subject: "jan",
      start: { dateTime: "2031-01-10T09:00:00", timeZone: "UTC" },
      end: { dateTime: "2031-01-10T10:00:00", timeZone: "UTC" },
    });
    const next = await drain(`${first.deltaLink}&startDateTime=2031-02-01T00:00:00Z&endDateTime=2031-03-01T00:00:00Z`);
    const full = next.items.filter((i) => !("@removed" in i));
    expect(full.map((i) => i.subject)).toEqual(["jan"]);
  });

  it("changedOnly mode sends only changed properties for updates", async () => {
    const e = sim.createEvent(MB, {
      subject: "p",
      start: { dateTime: "2032-01-05T09:00:00", timeZone: "UTC" },
      end: { dateTime: "2032-01-05T10:00:00", timeZone: "UTC" },
    });
    const first = await drain(
      `/users/${MB}/calendarView/delta?startDateTime=2032-01-01T00:00:00Z&endDateTime=2032-02-01T00:00:00Z`,
    );
    sim.setOptions({ deltaUpdates: "changedOnly" });
    try {
      sim.updateEvent(MB, e.id, { subject: "q" });
      const second = await drain(first.deltaLink);
      const keys = Object.keys(second.items[0]!).sort();
      expect(keys).toEqual(["@odata.etag", "@odata.type", "changeKey", "id", "lastModifiedDateTime", "subject"].sort());
    } finally {
      sim.setOptions({ deltaUpdates: "full" });
    }
  });

  it("requires the window on the first call", async () => {
    const r = await g("GET", `/users/${MB}/calendarView/delta`);
    expect([r.status, r.body.error.code]).toEqual([400, "ErrorInvalidParameter"]);
  });

  it("an injected 410 syncStateNotFound carries the Location header given", async () => {
    const first = await drain(
      `/users/${MB}/calendarView/delta?startDateTime=2030-05-01T00:00:00Z&endDateTime=2030-05-20T00:00:00Z`,
    );
    sim.injectFault({
      path: /calendarView\/delta/,
      status: 410,
      code: "syncStateNotFound",
      headers: {
        location: `${sim.graphUrl}/users/${MB}/calendarView/delta?startDateTime=2030-05-01T00:00:00Z&endDateTime=2030-05-20T00:00:00Z`,
      },
    });
    const r = await g("GET", first.deltaLink);
    expect(r.status).toBe(410);
    expect(r.body.error.code).toBe("syncStateNotFound");
    expect(r.headers.get("location")).toContain("calendarView/delta");
    expect((await g("GET", first.deltaLink)).status).toBe(200);
  });
});
