// Tests of recurring series over HTTP: calendarView and delta show occurrences and exceptions (never the master),
// edits make exceptions, deletes cancel, master edits and deletes reach the occurrences, /instances, and DST.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphSim, type GraphSim } from "./index.js";
import { appToken, graph } from "./testkit.js";

let sim: GraphSim;
let g: ReturnType<typeof graph>;
const MB = "jsmith@contoso.test";
type Item = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  sim = await startGraphSim();
  g = graph(sim, await appToken(sim));
});
afterAll(async () => {
  await sim.stop();
});

/** A weekly series on Mondays 09:00–10:00 in `timeZone`, `count` occurrences from `startDate`. */
function weekly(startDate: string, count: number, timeZone = "UTC", subject = "Site visit weekly") {
  return {
    subject,
    categories: ["Site visit"],
    start: { dateTime: `${startDate}T09:00:00`, timeZone },
    end: { dateTime: `${startDate}T10:00:00`, timeZone },
    recurrence: {
      pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] },
      range: { type: "numbered", startDate, numberOfOccurrences: count },
    },
  };
}

async function view(start: string, end: string, headers: Record<string, string> = {}): Promise<Item[]> {
  const r = await g(
    "GET",
    `/users/${MB}/calendarView?startDateTime=${start}&endDateTime=${end}&$top=100`,
    undefined,
    headers,
  );
  expect(r.status).toBe(200);
  return r.body.value as Item[];
}

async function drain(url: string): Promise<{ items: Item[]; deltaLink: string }> {
  const items: Item[] = [];
  for (;;) {
    const r = await g("GET", url);
    expect(r.status).toBe(200);
    items.push(...r.body.value);
    if (r.body["@odata.nextLink"]) url = r.body["@odata.nextLink"];
    else return { items, deltaLink: r.body["@odata.deltaLink"] };
  }
}

describe("recurring series", () => {
  it("calendarView expands a weekly series of 10 into the 3 occurrences in the window, never the master", async () => {
    const master = (await g("POST", `/users/${MB}/events`, weekly("2035-01-01", 10))).body as Item;
    expect(master.type).toBe("seriesMaster");
    expect(master.recurrence.pattern).toMatchObject({ type: "weekly", daysOfWeek: ["monday"] });
    // 2035-01-01 is a Monday: occurrences on 1, 8, 15, 22, 29 Jan …; window 8–23 Jan holds 8, 15, 22.
    const items = await view("2035-01-08T00:00:00Z", "2035-01-23T00:00:00Z");
    const mine = items.filter((i) => i.seriesMasterId === master.id);
    expect(items.some((i) => i.id === master.id)).toBe(false);
    expect(mine.map((i) => [i.type, i.start.dateTime, i.originalStart])).toEqual([
      ["occurrence", "2035-01-08T09:00:00.0000000", "2035-01-08T09:00:00Z"],
      ["occurrence", "2035-01-15T09:00:00.0000000", "2035-01-15T09:00:00Z"],
      ["occurrence", "2035-01-22T09:00:00.0000000", "2035-01-22T09:00:00Z"],
    ]);
    expect(new Set(mine.map((i) => i.id)).size).toBe(3);
    expect(mine.every((i) => i.subject === "Site visit weekly" && i.recurrence === null)).toBe(true);
    // An occurrence can be read by its id.
    const one = await g("GET", `/users/${MB}/events/${mine[0]!.id}`);
    expect([one.status, one.body.type, one.body.seriesMasterId]).toEqual([200, "occurrence", master.id]);
    // The events list holds the master (not its occurrences).
    const list = (await g("GET", `/users/${MB}/events?$top=100`)).body.value as Item[];
    expect(list.filter((e) => e.id === master.id || e.seriesMasterId === master.id).map((e) => e.type)).toEqual([
      "seriesMaster",
    ]);
  });

  it("delta: an edited occurrence comes back as an exception, a deleted one as @removed; master edits and deletes reach the rest", async () => {
    const master = (await g("POST", `/users/${MB}/events`, weekly("2036-01-07", 10))).body as Item;
    const first = await drain(
      `/users/${MB}/calendarView/delta?startDateTime=2036-01-07T00:00:00Z&endDateTime=2036-01-29T00:00:00Z`,
    );
    const occ = first.items.filter((i) => i.seriesMasterId === master.id);
    expect(occ.map((i) => i.start.dateTime.slice(0, 10))).toEqual([
      "2036-01-07",
      "2036-01-14",
      "2036-01-21",
      "2036-01-28",
    ]);
    expect(first.items.some((i) => i.id === master.id)).toBe(false);

    // Edit the 2nd occurrence (moved an hour later), delete the 3rd.
    const edited = await g("PATCH", `/users/${MB}/events/${occ[1]!.id}`, {
      subject: "moved",
      start: { dateTime: "2036-01-14T11:00:00", timeZone: "UTC" },
      end: { dateTime: "2036-01-14T12:00:00", timeZone: "UTC" },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id: occ[1]!.id, type: "exception", seriesMasterId: master.id });
    expect((await g("DELETE", `/users/${MB}/events/${occ[2]!.id}`)).status).toBe(204);
    const second = await drain(first.deltaLink);
    expect(second.items).toEqual([
      expect.objectContaining({
        id: occ[1]!.id,
        type: "exception",
        subject: "moved",
        originalStart: "2036-01-14T09:00:00Z",
        start: { dateTime: "2036-01-14T11:00:00.0000000", timeZone: "UTC" },
      }),
      { "@odata.type": "#microsoft.graph.event", id: occ[2]!.id, "@removed": { reason: "deleted" } },
    ]);
    expect((await g("GET", `/users/${MB}/events/${occ[2]!.id}`)).status).toBe(404);

    // Editing the master's subject changes its unedited occurrences (not the exception, not the cancelled one).
    await g("PATCH", `/users/${MB}/events/${master.id}`, { subject: "renamed series" });
    const third = await drain(second.deltaLink);
    expect(third.items.map((i) => [i.id, i.subject])).toEqual([
      [occ[0]!.id, "renamed series"],
      [occ[3]!.id, "renamed series"],
    ]);

    // Deleting the master removes every occurrence and the exception.
    expect((await g("DELETE", `/users/${MB}/events/${master.id}`)).status).toBe(204);
    const fourth = await drain(third.deltaLink);
    expect(fourth.items.map((i) => i.id).sort()).toEqual([occ[0]!.id, occ[1]!.id, occ[3]!.id].sort());
    expect(fourth.items.every((i) => i["@removed"]?.reason === "deleted")).toBe(true);
    expect(
      (await view("2036-01-07T00:00:00Z", "2036-01-29T00:00:00Z")).some((i) => i.seriesMasterId === master.id),
    ).toBe(false);
  });

  it("changing the master's times moves every occurrence and discards exceptions and cancellations (as Outlook)", async () => {
    const master = (await g("POST", `/users/${MB}/events`, weekly("2037-01-05", 3))).body as Item;
    const before = (await view("2037-01-05T00:00:00Z", "2037-01-25T00:00:00Z")).filter(
      (i) => i.seriesMasterId === master.id,
    );
    await g("PATCH", `/users/${MB}/events/${before[0]!.id}`, { subject: "exception" });
    await g("DELETE", `/users/${MB}/events/${before[1]!.id}`);
    await g("PATCH", `/users/${MB}/events/${master.id}`, {
      start: { dateTime: "2037-01-05T14:00:00", timeZone: "UTC" },
      end: { dateTime: "2037-01-05T15:00:00", timeZone: "UTC" },
    });
    const after = (await view("2037-01-05T00:00:00Z", "2037-01-25T00:00:00Z")).filter(
      (i) => i.seriesMasterId === master.id,
    );
    expect(after.map((i) => [i.type, i.start.dateTime, i.subject])).toEqual([
      ["occurrence", "2037-01-05T14:00:00.0000000", "Site visit weekly"],
      ["occurrence", "2037-01-12T14:00:00.0000000", "Site visit weekly"],
      ["occurrence", "2037-01-19T14:00:00.0000000", "Site visit weekly"],
    ]);
  });

  it("GET /events/{masterId}/instances lists occurrences and exceptions in the range, cancelled ones left out", async () => {
    const master = (await g("POST", `/users/${MB}/events`, weekly("2038-01-04", 5))).body as Item;
    const url = `/users/${MB}/events/${master.id}/instances?startDateTime=2038-01-01T00:00:00Z&endDateTime=2038-02-28T00:00:00Z`;
    const all = (await g("GET", url)).body.value as Item[];
    expect(all).toHaveLength(5);
    await g("PATCH", `/users/${MB}/events/${all[0]!.id}`, { subject: "one changed" });
    await g("DELETE", `/users/${MB}/events/${all[4]!.id}`);
    const now = (await g("GET", url)).body.value as Item[];
    expect(now.map((i) => i.type)).toEqual(["exception", "occurrence", "occurrence", "occurrence"]);
    expect(sim.instances(MB, master.id, "2038-01-01T00:00:00Z", "2038-02-28T00:00:00Z")).toHaveLength(4);
    const noRange = await g("GET", `/users/${MB}/events/${master.id}/instances`);
    expect([noRange.status, noRange.body.error.code]).toEqual([400, "ErrorInvalidParameter"]);
    const single = (
      await g("POST", `/users/${MB}/events`, {
        subject: "single",
        start: { dateTime: "2038-01-04T09:00:00", timeZone: "UTC" },
        end: { dateTime: "2038-01-04T10:00:00", timeZone: "UTC" },
      })
    ).body as Item;
    expect((await g("GET", url.replace(master.id, single.id))).body.value).toEqual([]);
  });

  it("rejects a bad recurrence with 400 naming the field", async () => {
    const body = weekly("2039-01-03", 3);
    const r = await g("POST", `/users/${MB}/events`, {
      ...body,
      recurrence: { ...body.recurrence, pattern: { type: "weekly", interval: 1, daysOfWeek: [] } },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain("recurrence.pattern.daysOfWeek");
  });
});

describe("daylight-saving changes in the series expansion", () => {
  // UK: last Sundays of March and October; US: second Sunday of March, first Sunday of November (2030 dates).
  it.each([
    {
      zone: "GMT Standard Time",
      from: "2030-03-18",
      utc: ["09:00", "09:00", "08:00", "08:00"],
      label: "UK spring (31 Mar)",
    },
    {
      zone: "GMT Standard Time",
      from: "2030-10-14",
      utc: ["08:00", "08:00", "09:00", "09:00"],
      label: "UK autumn (27 Oct)",
    },
    {
      zone: "Pacific Standard Time",
      from: "2030-02-25",
      utc: ["17:00", "17:00", "16:00", "16:00"],
      label: "US spring (10 Mar)",
    },
    {
      zone: "Pacific Standard Time",
      from: "2030-10-21",
      utc: ["16:00", "16:00", "17:00", "17:00"],
      label: "US autumn (3 Nov)",
    },
  ])("$label: a weekly 09:00 series stays 09:00 local while its UTC time moves", async ({ zone, from, utc }) => {
    const master = (await g("POST", `/users/${MB}/events`, weekly(from, 4, zone, `dst ${zone} ${from}`))).body as Item;
    const range = `startDateTime=${from}T00:00:00Z&endDateTime=2030-12-31T00:00:00Z`;
    const local = (
      await g("GET", `/users/${MB}/events/${master.id}/instances?${range}`, undefined, {
        prefer: `outlook.timezone="${zone}"`,
      })
    ).body.value as Item[];
    expect(local.map((i) => i.start.dateTime.slice(11, 16))).toEqual(["09:00", "09:00", "09:00", "09:00"]);
    expect(local.map((i) => i.end.dateTime.slice(11, 16))).toEqual(["10:00", "10:00", "10:00", "10:00"]);
    const inUtc = (await g("GET", `/users/${MB}/events/${master.id}/instances?${range}`)).body.value as Item[];
    expect(inUtc.map((i) => i.start.dateTime.slice(11, 16))).toEqual(utc);
    expect(inUtc.map((i) => i.originalStart.slice(11, 16))).toEqual(utc);
  });

  it("a daily all-day series across the US spring change stays midnight-to-midnight on its dates", async () => {
    const master = (
      await g("POST", `/users/${MB}/events`, {
        subject: "all-day daily",
        isAllDay: true,
        start: { dateTime: "2030-03-09T00:00:00", timeZone: "Pacific Standard Time" },
        end: { dateTime: "2030-03-10T00:00:00", timeZone: "Pacific Standard Time" },
        recurrence: {
          pattern: { type: "daily", interval: 1 },
          range: { type: "numbered", startDate: "2030-03-09", numberOfOccurrences: 3 },
        },
      })
    ).body as Item;
    const range = "startDateTime=2030-03-01T00:00:00Z&endDateTime=2030-03-20T00:00:00Z";
    const prefers: Record<string, string>[] = [{}, { prefer: 'outlook.timezone="Tokyo Standard Time"' }];
    for (const prefer of prefers) {
      const items = (await g("GET", `/users/${MB}/events/${master.id}/instances?${range}`, undefined, prefer)).body
        .value as Item[];
      expect(items.map((i) => [i.start.dateTime, i.end.dateTime])).toEqual([
        ["2030-03-09T00:00:00.0000000", "2030-03-10T00:00:00.0000000"],
        ["2030-03-10T00:00:00.0000000", "2030-03-11T00:00:00.0000000"],
        ["2030-03-11T00:00:00.0000000", "2030-03-12T00:00:00.0000000"],
      ]);
    }
  });
});
