// Recurring series, time zones and DST end to end: the simulator's notifications reach the real webhook, the push and
// pull workers run through the delivery harness, one manual clock for the app and the Service Bus stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appointment } from "../app/appointments/appointmentRig.js";
import { defaultSeed } from "../graph-sim/index.js";
import {
  createWeeklySeries,
  dateOf,
  DAY,
  endpointCalls,
  inboundReader,
  nextYearWith,
  sunday,
  TODAY,
  wallHour,
} from "./seriesHelpers.js";
import { startSyncRig, type Inbound, type SyncRig } from "./syncRig.js";

const MB = "jsmith@contoso.test";
const ADOE_MB = "adoe@contoso.test";
const DELTA = /^GET \/users\/\{id\}\/calendar[vV]iew\/delta$/;
const PATCH = /^PATCH \/users\/\{id\}\/events\/\{id\}$/;
const POST = /^POST \/users\/\{id\}\/events$/;

/** The ERP's answer to an Outlook-born CREATE: the new record, linked by the Outlook id (nothing is written). */
const answer = (rig: SyncRig, hsaRef: string, create: Inbound, user = "JSMITH") =>
  rig.sendPush(
    appointment(
      "CREATE",
      hsaRef,
      { ...create.data, actionType: "MEET" },
      { user, outlookId: String(create.outlookId) },
    ),
  );

describe("a weekly series in a window of yesterday + 14 days", () => {
  let rig: SyncRig;
  let next: () => Inbound[];
  let masterId: string;
  /** hsaRef → occurrence id, as the ERP linked them */
  const linked = new Map<string, string>();
  const occurrenceAt = (days: number) =>
    rig.sim
      .instances(MB, masterId, new Date(TODAY - 30 * DAY).toISOString(), new Date(TODAY + 90 * DAY).toISOString())
      .find((o) => o.originalStart?.startsWith(dateOf(TODAY + days * DAY)))!;

  beforeAll(async () => {
    rig = await startSyncRig({
      manualClock: true,
      now: new Date(TODAY + 12 * 3_600_000),
      env: { EVENT_DAYS_BACK: "1", EVENT_DAYS_FORWARD: "14" },
    });
    await rig.sendPull({ source: "RESYNC", user: "JSMITH", reason: "admin" }, "first");
    await rig.settle();
    next = inboundReader(rig);
  }, 60_000);
  afterAll(async () => {
    await rig?.stop();
  });

  it("10 occurrences, 3 inside the window → 3 CREATEs, one per occurrence id; the ERP's answers write nothing", async () => {
    // yesterday, +6 and +13 days are inside [yesterday, today + 15); the other 7 are after it.
    masterId = createWeeklySeries(rig.sim, MB, {
      subject: "Weekly site meeting",
      firstMs: TODAY - DAY,
      count: 10,
      timeZone: "UTC",
    }).id;
    await rig.settle();
    const sent = next();
    expect(sent.map((m) => m.op)).toEqual(["CREATE", "CREATE", "CREATE"]);
    const ids = [-1, 6, 13].map((d) => occurrenceAt(d).id);
    expect(sent.map((m) => m.outlookId).sort()).toEqual([...ids].sort());
    expect(sent.map((m) => m.outlookId)).not.toContain(masterId);
    expect(sent.map((m) => m.data?.start).sort()).toEqual(
      [-1, 6, 13].map((d) => `${dateOf(TODAY + d * DAY)}T09:00:00.000Z`),
    );

    const writes = rig.graphWrites();
    for (const [i, d] of [-1, 6, 13].entries()) {
      const create = sent.find((m) => m.outlookId === occurrenceAt(d).id)!;
      await answer(rig, `S${i + 1}`, create);
      linked.set(`S${i + 1}`, String(create.outlookId));
    }
    await rig.settle();
    expect(rig.graphWrites()).toBe(writes);
    expect(next()).toEqual([]);
  });

  it("the window moves a week → exactly 1 more CREATE (the newly visible occurrence), nothing deleted", async () => {
    const before = (await rig.deps.subscriptions.get("JSMITH", "events"))!;
    rig.advance(7 * DAY);
    rig.sim.advanceClock(7 * DAY);
    await rig.sendPull(
      { source: "RESYNC", user: "JSMITH", subscriptionId: before.subscriptionId, reason: "nightly" },
      "week-2",
    );
    await rig.settle();
    const sent = next().filter((m) => m.op !== "RESYNC");
    expect(sent).toEqual([expect.objectContaining({ op: "CREATE", outlookId: occurrenceAt(20).id })]);
    await answer(rig, "S4", sent[0]!);
    linked.set("S4", occurrenceAt(20).id);
    await rig.settle();
    expect(next()).toEqual([]);
  });

  it("one occurrence edited in Outlook → 1 UPDATE of its ERP record; the ERP's echo writes nothing", async () => {
    const occ = occurrenceAt(6);
    rig.sim.updateEvent(MB, occ.id, {
      subject: "Weekly site meeting (later this week)",
      start: { dateTime: `${dateOf(TODAY + 6 * DAY)}T11:00:00`, timeZone: "UTC" },
      end: { dateTime: `${dateOf(TODAY + 6 * DAY)}T12:00:00`, timeZone: "UTC" },
    });
    await rig.settle();
    const sent = next();
    expect(sent).toEqual([
      expect.objectContaining({ op: "UPDATE", hsaRef: "S2", outlookId: occ.id, actionType: "MEET" }),
    ]);
    expect(sent[0]!.data).toMatchObject({ start: `${dateOf(TODAY + 6 * DAY)}T11:00:00.000Z` });
    const writes = rig.graphWrites();
    await rig.sendPush(appointment("UPDATE", "S2", { ...sent[0]!.data, actionType: "MEET" }, { outlookId: occ.id }));
    await rig.settle();
    expect(rig.graphWrites()).toBe(writes);
    expect(next()).toEqual([]);
  });

  it("one occurrence cancelled in Outlook → 1 DELETE (after the erp-wins grace)", async () => {
    const occ = occurrenceAt(13);
    rig.sim.deleteEvent(MB, occ.id);
    await rig.settle();
    expect(next()).toEqual([expect.objectContaining({ op: "DELETE", hsaRef: "S3", outlookId: occ.id })]);
  });

  it("an ERP update of a linked occurrence → one PATCH of that occurrence (now an exception), the others untouched", async () => {
    const others = () =>
      rig.sim
        .instances(MB, masterId, new Date(TODAY).toISOString(), new Date(TODAY + 90 * DAY).toISOString())
        .filter((o) => o.id !== linked.get("S4"))
        .map((o) => [o.id, o.changeKey, o.subject, o.start.dateTime]);
    const othersBefore = others();
    const patches = endpointCalls(rig.sim, PATCH);
    const posts = endpointCalls(rig.sim, POST);
    const occ = occurrenceAt(20);
    await rig.sendPush(
      appointment("UPDATE", "S4", {
        subject: "Weekly site meeting: bring the drawings",
        start: `${dateOf(TODAY + 20 * DAY)}T09:00:00Z`,
        end: `${dateOf(TODAY + 20 * DAY)}T10:00:00Z`,
        notes: "Every week",
        location: "",
      }),
    );
    await rig.settle();
    expect(endpointCalls(rig.sim, PATCH)).toBe(patches + 1);
    expect(endpointCalls(rig.sim, POST)).toBe(posts);
    const patched = occurrenceAt(20);
    expect(patched).toMatchObject({
      id: occ.id,
      type: "exception",
      seriesMasterId: masterId,
      subject: "Weekly site meeting: bring the drawings",
    });
    expect(others()).toEqual(othersBefore);
    expect(rig.sim.events(MB).find((e) => e.id === masterId)!.subject).toBe("Weekly site meeting");
    expect(next()).toEqual([]);
  });

  it("the series deleted in Outlook → DELETEs for the linked occurrences still in the window", async () => {
    rig.sim.deleteEvent(MB, masterId);
    await rig.settle();
    const sent = next();
    expect(sent.map((m) => `${m.op} ${String(m.hsaRef)}`).sort()).toEqual(["DELETE S2", "DELETE S4"]);
    // S1's occurrence left the window before the delete: the window's delta does not report it (see README).
  });

  it("a POST of 5 notifications → 5 accepted, 1 delta read, 5 CREATEs", async () => {
    const delivered = rig.sim.deliveredNotifications().length;
    const reads = endpointCalls(rig.sim, DELTA);
    const day = dateOf(TODAY + 10 * DAY);
    for (const n of [1, 2, 3, 4, 5])
      rig.sim.createEvent(MB, {
        subject: `Inspection ${n}`,
        categories: ["Site visit"],
        start: { dateTime: `${day}T${String(8 + n).padStart(2, "0")}:00:00`, timeZone: "UTC" },
        end: { dateTime: `${day}T${String(8 + n).padStart(2, "0")}:30:00`, timeZone: "UTC" },
      });
    await rig.settle();
    const posts = rig.sim.deliveredNotifications().slice(delivered);
    expect(posts.map((p) => [p.status, (p.body as { value: unknown[] }).value.length])).toEqual([[202, 5]]);
    expect(endpointCalls(rig.sim, DELTA)).toBe(reads + 1);
    expect(next().map((m) => `${m.op} ${String(m.actionType)}`)).toEqual(Array(5).fill("CREATE VISIT"));
  });

  it("a series edited so its occurrences move: each old occurrence → DELETE, each new one → CREATE; no duplicates", async () => {
    const series = createWeeklySeries(rig.sim, MB, {
      subject: "Toolbox talk",
      firstMs: TODAY + 7 * DAY,
      count: 3,
      timeZone: "UTC",
      hour: 7,
    });
    await rig.settle();
    const created = next();
    expect(created.map((m) => m.op)).toEqual(["CREATE", "CREATE", "CREATE"]);
    for (const [i, c] of created.entries()) await answer(rig, `TT${i + 1}`, c);
    await rig.settle();
    const oldIds = created.map((m) => String(m.outlookId)).sort();

    // The organiser moves the whole series an hour later: Outlook gives every occurrence a new id.
    const first = dateOf(TODAY + 7 * DAY);
    rig.sim.updateEvent(MB, series.id, {
      start: { dateTime: `${first}T08:00:00`, timeZone: "UTC" },
      end: { dateTime: `${first}T09:00:00`, timeZone: "UTC" },
    });
    await rig.settle();
    const sent = next();
    const deletes = sent.filter((m) => m.op === "DELETE");
    const creates = sent.filter((m) => m.op === "CREATE");
    expect(deletes.map((m) => String(m.outlookId)).sort()).toEqual(oldIds);
    expect(deletes.map((m) => m.hsaRef).sort()).toEqual(["TT1", "TT2", "TT3"]);
    expect(creates.map((m) => String(m.data?.start).slice(11, 16))).toEqual(["08:00", "08:00", "08:00"]);
    expect(creates.map((m) => String(m.outlookId)).filter((id) => oldIds.includes(id))).toEqual([]);
    expect(sent).toHaveLength(6);
    // What the ERP holds afterwards: one record per occurrence, as before.
    const nowIds = rig.sim
      .instances(MB, series.id, new Date(TODAY).toISOString(), new Date(TODAY + 60 * DAY).toISOString())
      .map((o) => o.id)
      .sort();
    expect(creates.map((m) => String(m.outlookId)).sort()).toEqual(nowIds);
  });

  it("nothing the integration wrote made Graph mail an invitation", () => {
    expect(rig.sim.invitations(MB)).toEqual([]);
  });
});

describe("time zones and DST: JSMITH in GMT Standard Time, ADOE in Pacific Standard Time", () => {
  let rig: SyncRig;
  let next: () => Inbound[];
  const spring = nextYearWith(2);
  const autumn = nextYearWith(9);
  const changes = {
    ukSpring: sunday(spring, 2, -1), // last Sunday of March
    usSpring: sunday(spring, 2, 2), // second Sunday of March
    ukAutumn: sunday(autumn, 9, -1), // last Sunday of October
    usAutumn: sunday(autumn, 10, 1), // first Sunday of November
  };

  beforeAll(async () => {
    const seed = defaultSeed();
    seed.mailboxes[0]!.timeZone = "GMT Standard Time";
    seed.mailboxes[1]!.timeZone = "Pacific Standard Time";
    rig = await startSyncRig({
      seed,
      manualClock: true,
      now: new Date(TODAY + 12 * 3_600_000),
      env: { EVENT_DAYS_BACK: "1", EVENT_DAYS_FORWARD: "720" },
      users: [
        { userId: "JSMITH", mailbox: MB },
        { userId: "ADOE", mailbox: ADOE_MB },
      ],
    });
    for (const user of ["JSMITH", "ADOE"]) await rig.sendPull({ source: "RESYNC", user, reason: "admin" }, "tz");
    await rig.settle();
    next = inboundReader(rig);
  }, 60_000);
  afterAll(async () => {
    await rig?.stop();
  });

  it.each([
    ["UK spring", MB, "JSMITH", "GMT Standard Time", "Europe/London", "ukSpring", ["09:00", "08:00"]],
    ["UK autumn", MB, "JSMITH", "GMT Standard Time", "Europe/London", "ukAutumn", ["08:00", "09:00"]],
    ["US spring", ADOE_MB, "ADOE", "Pacific Standard Time", "America/Los_Angeles", "usSpring", ["17:00", "16:00"]],
    ["US autumn", ADOE_MB, "ADOE", "Pacific Standard Time", "America/Los_Angeles", "usAutumn", ["16:00", "17:00"]],
  ] as const)(
    "%s: a weekly 09:00 series keeps 09:00 local in what the ERP receives (the UTC hour moves with the change)",
    async (_name, mailbox, user, windowsZone, iana, change, utcHours) => {
      // Mondays from three weeks before the Sunday of the change to three weeks after.
      const first = changes[change] - 20 * DAY;
      createWeeklySeries(rig.sim, mailbox, {
        subject: `Weekly ${change}`,
        firstMs: first,
        count: 6,
        timeZone: windowsZone,
      });
      await rig.settle();
      const sent = next();
      expect(sent.every((m) => m.op === "CREATE" && m.user === user)).toBe(true);
      const starts = sent.map((m) => String(m.data?.start)).sort();
      expect(starts).toHaveLength(6);
      expect(starts.map((s) => wallHour(s, iana))).toEqual(Array(6).fill("09:00"));
      const before = starts.filter((s) => Date.parse(s) < changes[change]);
      const after = starts.filter((s) => Date.parse(s) > changes[change]);
      expect([before.length, after.length]).toEqual([3, 3]);
      expect([...new Set(before.map((s) => s.slice(11, 16)))]).toEqual([utcHours[0]]);
      expect([...new Set(after.map((s) => s.slice(11, 16)))]).toEqual([utcHours[1]]);
    },
  );

  it.each([
    ["UK spring", MB, "JSMITH", "GMT Standard Time", "ukSpring"],
    ["US autumn", ADOE_MB, "ADOE", "Pacific Standard Time", "usAutumn"],
  ] as const)(
    "%s: an all-day Outlook event on the change day reaches the ERP on its date",
    async (_n, mb, user, zone, change) => {
      const date = dateOf(changes[change]);
      const ev = rig.sim.createEvent(mb, {
        subject: `All day ${change}`,
        categories: ["Meeting"],
        isAllDay: true,
        start: { dateTime: `${date}T00:00:00`, timeZone: zone },
        end: { dateTime: `${dateOf(changes[change] + DAY)}T00:00:00`, timeZone: zone },
      });
      await rig.settle();
      expect(next()).toEqual([
        expect.objectContaining({
          op: "CREATE",
          user,
          outlookId: ev.id,
          data: expect.objectContaining({
            allDay: true,
            start: `${date}T00:00:00Z`,
            end: `${dateOf(changes[change] + DAY)}T00:00:00Z`,
          }),
        }),
      ]);
    },
  );

  it.each([
    ["usSpring", "usAutumn"],
    ["ukSpring", "ukAutumn"],
  ] as const)(
    "an ERP all-day appointment for the Pacific mailbox is midnight-to-midnight in Pacific Standard Time (%s, %s)",
    async (...days) => {
      for (const change of days) {
        const date = dateOf(changes[change]);
        await rig.sendPush(
          appointment(
            "CREATE",
            `AD-${change}`,
            {
              subject: `Site closed ${change}`,
              allDay: true,
              start: `${date}T00:00:00Z`,
              end: `${dateOf(changes[change] + DAY)}T00:00:00Z`,
            },
            { user: "ADOE" },
          ),
        );
      }
      await rig.settle();
      for (const change of days) {
        const [ev] = rig.eventsFor(ADOE_MB, "1", `AD-${change}`);
        expect(ev).toMatchObject({
          isAllDay: true,
          start: { dateTime: `${dateOf(changes[change])}T00:00:00.0000000`, timeZone: "Pacific Standard Time" },
          end: { dateTime: `${dateOf(changes[change] + DAY)}T00:00:00.0000000`, timeZone: "Pacific Standard Time" },
        });
      }
      expect(next()).toEqual([]);
      expect(await rig.deps.users.getUser("ADOE")).toMatchObject({
        user: { mailboxTimeZone: "Pacific Standard Time" },
      });
    },
  );

  it("an ERP timed appointment for the London mailbox is written as London wall time, the instant unchanged", async () => {
    const date = dateOf(changes.ukSpring + 7 * DAY);
    await rig.sendPush(
      appointment("CREATE", "T-uk", { start: `${date}T09:00:00+02:00`, end: `${date}T10:00:00+02:00` }),
    );
    await rig.settle();
    const [ev] = rig.eventsFor(MB, "1", "T-uk");
    expect(ev!.start).toEqual({ dateTime: `${date}T08:00:00.0000000`, timeZone: "GMT Standard Time" });
    expect(next()).toEqual([]);
  });

  it("the nightly RESYNC reads the mailbox zone again: a zone the user changed in Outlook is used from then on", async () => {
    rig.sim.setMailboxTimeZone(MB, "Tokyo Standard Time");
    const sub = await rig.deps.subscriptions.get("JSMITH", "events");
    await rig.sendPull(
      { source: "RESYNC", user: "JSMITH", subscriptionId: sub!.subscriptionId, reason: "nightly" },
      "tz-nightly",
    );
    await rig.settle();
    const row = await rig.deps.users.getUser("JSMITH");
    expect(row?.valid && row.user.mailboxTimeZone).toBe("Tokyo Standard Time");
    next();
    const date = dateOf(changes.ukSpring + 14 * DAY);
    await rig.sendPush(
      appointment("CREATE", "T-tokyo", { start: `${date}T09:00:00+09:00`, end: `${date}T10:00:00+09:00` }),
    );
    await rig.settle();
    const [ev] = rig.eventsFor(MB, "1", "T-tokyo");
    expect(ev!.start).toEqual({ dateTime: `${date}T09:00:00.0000000`, timeZone: "Tokyo Standard Time" });
    rig.sim.setMailboxTimeZone(MB, "GMT Standard Time");
  });

  it("no invitations were mailed from either mailbox", () => {
    expect(rig.sim.invitations(MB)).toEqual([]);
    expect(rig.sim.invitations(ADOE_MB)).toEqual([]);
  });
});
