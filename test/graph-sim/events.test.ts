// Tests of event CRUD: transactionId idempotency, changeKey/etag, If-Match, categories, extended properties, time zones.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphSim, type GraphSim } from "./index.js";
import { appToken, graph } from "./testkit.js";

let sim: GraphSim;
let g: ReturnType<typeof graph>;
const U = "/users/jsmith@contoso.test";
const ev = (extra: Record<string, unknown> = {}) => ({
  subject: "Site visit",
  body: { contentType: "text", content: "Bring boots" },
  start: { dateTime: "2030-03-01T09:00:00", timeZone: "W. Europe Standard Time" },
  end: { dateTime: "2030-03-01T10:30:00", timeZone: "W. Europe Standard Time" },
  ...extra,
});

beforeAll(async () => {
  sim = await startGraphSim();
  g = graph(sim, await appToken(sim));
});
afterAll(async () => {
  await sim.stop();
});

describe("events", () => {
  it("creates, reads (UTC by default, or Prefer: outlook.timezone), updates and deletes", async () => {
    const c = await g("POST", `${U}/events`, ev({ categories: ["Meeting"] }));
    expect(c.status).toBe(201);
    expect(c.body.start).toEqual({ dateTime: "2030-03-01T09:00:00.0000000", timeZone: "W. Europe Standard Time" });
    expect(c.body.categories).toEqual(["Meeting"]);
    expect(c.body["@odata.etag"]).toBe(`W/"${c.body.changeKey}"`);
    const got = await g("GET", `${U}/events/${c.body.id}`);
    expect(got.body.start).toEqual({ dateTime: "2030-03-01T08:00:00.0000000", timeZone: "UTC" });
    const ny = await g("GET", `${U}/events/${c.body.id}`, undefined, {
      prefer: 'outlook.timezone="Eastern Standard Time"',
    });
    expect(ny.body.start).toEqual({ dateTime: "2030-03-01T03:00:00.0000000", timeZone: "Eastern Standard Time" });
    const p = await g("PATCH", `${U}/events/${c.body.id}`, { subject: "Moved" });
    expect(p.status).toBe(200);
    expect(p.body.changeKey).not.toBe(c.body.changeKey);
    expect(p.body["@odata.etag"]).not.toBe(c.body["@odata.etag"]);
    expect(sim.events("jsmith@contoso.test").find((e) => e.id === c.body.id)?.subject).toBe("Moved");
    expect((await g("DELETE", `${U}/events/${c.body.id}`)).status).toBe(204);
    const gone = await g("GET", `${U}/events/${c.body.id}`);
    expect([gone.status, gone.body.error.code]).toEqual([404, "ErrorItemNotFound"]);
  });

  it("a repeated create with the same transactionId returns the first event", async () => {
    const before = sim.events("jsmith@contoso.test").length;
    const a = await g("POST", `${U}/events`, ev({ transactionId: "tx-42" }));
    const b = await g("POST", `${U}/events`, ev({ transactionId: "tx-42", subject: "different" }));
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(b.body.subject).toBe("Site visit");
    expect(sim.events("jsmith@contoso.test").length).toBe(before + 1);
  });

  it("If-Match with a stale etag is 412; the current etag succeeds", async () => {
    const a = await g("POST", `${U}/events`, ev());
    const p1 = await g("PATCH", `${U}/events/${a.body.id}`, { subject: "v2" }, { "if-match": a.body["@odata.etag"] });
    expect(p1.status).toBe(200);
    const stale = await g(
      "PATCH",
      `${U}/events/${a.body.id}`,
      { subject: "v3" },
      { "if-match": a.body["@odata.etag"] },
    );
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe("ErrorIrresolvableConflict");
    const del = await g("DELETE", `${U}/events/${a.body.id}`, undefined, { "if-match": a.body["@odata.etag"] });
    expect(del.status).toBe(412);
  });

  it("stores singleValueExtendedProperties, expands them on request and filters by them", async () => {
    const pid = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name CoinsKey";
    const a = await g("POST", `${U}/events`, ev({ singleValueExtendedProperties: [{ id: pid, value: "1/H0001" }] }));
    expect(a.body.singleValueExtendedProperties).toBeUndefined();
    const x = await g("GET", `${U}/events/${a.body.id}?$expand=singleValueExtendedProperties($filter=id eq '${pid}')`);
    expect(x.body.singleValueExtendedProperties).toEqual([{ id: pid, value: "1/H0001" }]);
    const f = await g(
      "GET",
      `${U}/events?$filter=${encodeURIComponent(`singleValueExtendedProperties/any(ep: ep/id eq '${pid}' and ep/value eq '1/H0001')`)}`,
    );
    expect(f.body.value.map((e: { id: string }) => e.id)).toEqual([a.body.id]);
  });

  it("rejects unknown properties and bad time zones with Graph's 400", async () => {
    const a = await g("POST", `${U}/events`, ev({ subjekt: "typo" }));
    expect([a.status, a.body.error.code]).toEqual([400, "RequestBodyRead"]);
    const b = await g(
      "POST",
      `${U}/events`,
      ev({ start: { dateTime: "2030-03-01T09:00:00", timeZone: "Mars/Olympus" } }),
    );
    expect([b.status, b.body.error.code]).toEqual([400, "TimeZoneNotSupportedException"]);
  });

  it("serves /me/events for delegated tokens and /calendar/events as an alias", async () => {
    const d = graph(sim, sim.issueToken({ user: "adoe@contoso.test" }));
    const c = await d("POST", "/me/calendar/events", ev());
    expect(c.status).toBe(201);
    expect((await d("GET", `/me/events/${c.body.id}`)).body.organizer.emailAddress.address).toBe("adoe@contoso.test");
  });
});

describe("what Graph keeps and returns", () => {
  it("a single all-day event is midnight-to-midnight of its dates whatever Prefer: outlook.timezone asks", async () => {
    const c = await g("POST", `${U}/events`, {
      subject: "all day",
      isAllDay: true,
      start: { dateTime: "2030-03-29T00:00:00", timeZone: "GMT Standard Time" },
      end: { dateTime: "2030-03-30T00:00:00", timeZone: "GMT Standard Time" },
    });
    expect(c.status).toBe(201);
    for (const zone of [undefined, "UTC", "Pacific Standard Time", "Tokyo Standard Time"]) {
      const got = await g(
        "GET",
        `${U}/events/${c.body.id}`,
        undefined,
        zone ? { prefer: `outlook.timezone="${zone}"` } : {},
      );
      expect([got.body.start.dateTime, got.body.end.dateTime], String(zone)).toEqual([
        "2030-03-29T00:00:00.0000000",
        "2030-03-30T00:00:00.0000000",
      ]);
    }
    const notMidnight = await g("POST", `${U}/events`, {
      isAllDay: true,
      start: { dateTime: "2030-03-29T01:00:00", timeZone: "UTC" },
      end: { dateTime: "2030-03-30T00:00:00", timeZone: "UTC" },
    });
    expect(notMidnight.status).toBe(400);
  });

  it("keeps location address and coordinates (location and locations)", async () => {
    const location = {
      displayName: "Depot",
      address: { street: "1 Yard Lane", city: "Leeds", countryOrRegion: "UK", postalCode: "LS1 1AA" },
      coordinates: { latitude: 53.8, longitude: -1.55 },
    };
    const c = await g("POST", `${U}/events`, ev({ location }));
    const got = await g("GET", `${U}/events/${c.body.id}`);
    expect(got.body.location).toMatchObject(location);
    expect(got.body.locations[0]).toMatchObject(location);
    const bad = await g("POST", `${U}/events`, ev({ location: { displayName: "x", coordinates: { latitude: "N" } } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("location.coordinates.latitude");
  });
});

describe("invitations Graph would mail", () => {
  const attendees = [{ type: "required", emailAddress: { address: "guest@fabrikam.test", name: "Guest" } }];

  it("create with attendees → request; update → update; delete → cancellation; without attendees → none", async () => {
    const before = sim.invitations("jsmith@contoso.test").length;
    const plain = await g("POST", `${U}/events`, ev());
    await g("PATCH", `${U}/events/${plain.body.id}`, { subject: "still alone" });
    await g("DELETE", `${U}/events/${plain.body.id}`);
    expect(sim.invitations("jsmith@contoso.test")).toHaveLength(before);

    const meeting = await g("POST", `${U}/events`, ev({ subject: "Kick-off", attendees }));
    await g("PATCH", `${U}/events/${meeting.body.id}`, { subject: "Kick-off (moved)" });
    await g("DELETE", `${U}/events/${meeting.body.id}`);
    expect(
      sim
        .invitations("jsmith@contoso.test")
        .slice(before)
        .map((i) => [i.kind, i.eventId, i.subject, i.to]),
    ).toEqual([
      ["request", meeting.body.id, "Kick-off", ["guest@fabrikam.test"]],
      ["update", meeting.body.id, "Kick-off (moved)", ["guest@fabrikam.test"]],
      ["cancellation", meeting.body.id, "Kick-off (moved)", ["guest@fabrikam.test"]],
    ]);
    expect(sim.invitations("adoe@contoso.test")).toEqual([]);
  });

  it("an occurrence of a meeting series: editing sends an update, cancelling a cancellation, for that occurrence", async () => {
    const master = await g("POST", `${U}/events`, {
      ...ev({ subject: "Weekly", attendees }),
      recurrence: {
        pattern: { type: "weekly", interval: 1, daysOfWeek: ["friday"] },
        range: { type: "numbered", startDate: "2030-03-01", numberOfOccurrences: 3 },
      },
    });
    const before = sim.invitations("jsmith@contoso.test").length;
    const [first, second] = sim.instances(
      "jsmith@contoso.test",
      master.body.id,
      "2030-03-01T00:00:00Z",
      "2030-03-20T00:00:00Z",
    );
    await g("PATCH", `${U}/events/${first!.id}`, { subject: "Weekly (this one later)" });
    await g("DELETE", `${U}/events/${second!.id}`);
    expect(
      sim
        .invitations("jsmith@contoso.test")
        .slice(before)
        .map((i) => [i.kind, i.eventId]),
    ).toEqual([
      ["update", first!.id],
      ["cancellation", second!.id],
    ]);
  });
});
