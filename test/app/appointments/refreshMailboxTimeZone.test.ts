// The user's mailbox zone for event writes: read once from Graph and cached on the Users row, refreshed on demand; a
// 403 on mailboxSettings falls back to DEFAULT_TIME_ZONE with a note and never stops the push.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppDeps } from "../../../shared/app/appDeps.js";
import { handleAppointmentPush } from "../../../shared/app/appointments/handleAppointmentPush.js";
import { refreshMailboxTimeZone } from "../../../shared/app/appointments/refreshMailboxTimeZone.js";
import type { GraphGateway } from "../../../shared/adapters/graph/graphGateway.js";
import type { UserSettings } from "../../../shared/domain/users/userSettings.js";
import { graphDateTimeToInstant } from "../../../shared/domain/graphDateTime.js";
import { appointment, DAY, MB, startAppointmentRig, type AppointmentRig } from "./appointmentRig.js";

/** The date `n` days from today (UTC), inside the sync window. */
const day = (n: number) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);
/** The wall-clock text of an instant in an IANA zone, read with Intl (independent of the code under test). */
const wallIn = (iso: string, zone: string) =>
  new Intl.DateTimeFormat("sv-SE", { timeZone: zone, dateStyle: "short", timeStyle: "medium" })
    .format(new Date(iso))
    .replace(" ", "T");

const OTHER_MB = "adoe@contoso.test";
let rig: AppointmentRig;
let reads = 0;
let deps: AppDeps;

beforeAll(async () => {
  rig = await startAppointmentRig();
  const graph = Object.create(rig.deps.graph) as GraphGateway;
  graph.readMailboxTimeZone = (mailbox) => {
    reads++;
    return rig.deps.graph.readMailboxTimeZone(mailbox);
  };
  deps = { ...rig.deps, graph, config: { ...rig.deps.config, defaultTimeZone: "GMT Standard Time" } };
  await rig.deps.users.upsertUser({ userId: "ADOE", mailbox: OTHER_MB, defaultCompany: "1", syncAppointments: true });
}, 30_000);
afterAll(async () => rig?.stop());

const push = async (m: ReturnType<typeof appointment>) => {
  const ctx = rig.ctx();
  await handleAppointmentPush(deps, m, ctx);
  return ctx.lines;
};
const userOf = async (id: string): Promise<UserSettings> => {
  const found = await rig.deps.users.getUser(id);
  if (!found?.valid) throw new Error(`no valid user ${id}`);
  return found.user;
};
const eventOf = (mailbox: string, hsaRef: string) =>
  rig.sim.events(mailbox).find((e) => e.singleValueExtendedProperties?.some((p) => p.value === `1|${hsaRef}`));

describe("mailbox time zone of event writes", () => {
  it("first push reads the zone (cached on the row); later pushes use the cache; times are written in that zone", async () => {
    rig.sim.setMailboxTimeZone(MB, "Pacific Standard Time");
    await push(appointment("CREATE", "Z1", { allDay: true, start: day(2), end: day(3) }));
    expect(reads).toBe(1);
    expect(await userOf("JSMITH")).toMatchObject({
      mailboxTimeZone: "Pacific Standard Time",
      mailboxTimeZoneNote: undefined,
    });
    const allDay = eventOf(MB, "Z1")!;
    expect(allDay).toMatchObject({
      isAllDay: true,
      start: { dateTime: `${day(2)}T00:00:00.0000000`, timeZone: "Pacific Standard Time" },
      end: { dateTime: `${day(3)}T00:00:00.0000000`, timeZone: "Pacific Standard Time" },
    });

    const start = `${day(3)}T08:00:00.000Z`;
    await push(appointment("CREATE", "Z2", { start, end: `${day(3)}T09:00:00.000Z` }));
    expect(reads).toBe(1);
    const ev = eventOf(MB, "Z2")!;
    expect(ev.start).toEqual({
      dateTime: `${wallIn(start, "America/Los_Angeles")}.0000000`,
      timeZone: "Pacific Standard Time",
    });
    expect(graphDateTimeToInstant(ev.start).toISOString()).toBe(start);
  });

  it("refreshMailboxTimeZone picks up a zone the user changed in Outlook; the next write uses it", async () => {
    rig.sim.setMailboxTimeZone(MB, "GMT Standard Time");
    const ctx = rig.ctx();
    expect(await refreshMailboxTimeZone(deps, await userOf("JSMITH"), ctx.log)).toBe("GMT Standard Time");
    expect(await userOf("JSMITH")).toMatchObject({ mailboxTimeZone: "GMT Standard Time" });
    const end = `${day(3)}T10:00:00.000Z`;
    await push(appointment("UPDATE", "Z2", { start: `${day(3)}T08:00:00.000Z`, end }));
    expect(eventOf(MB, "Z2")!.end).toEqual({
      dateTime: `${wallIn(end, "Europe/London")}.0000000`,
      timeZone: "GMT Standard Time",
    });
  });

  it("403 on mailboxSettings: DEFAULT_TIME_ZONE and a note on the row; the push still writes; no re-read per push", async () => {
    rig.sim.setMailboxTimeZone(OTHER_MB, "Tokyo Standard Time");
    rig.sim.injectFault({ method: "GET", path: /mailboxSettings/, mailbox: OTHER_MB, status: 403, times: Infinity });
    const before = reads;
    const lines = await push(
      appointment("CREATE", "Z3", { start: `${day(4)}T09:00:00Z`, end: `${day(4)}T10:00:00Z` }, { user: "ADOE" }),
    );
    expect(lines.join("\n")).toMatch(/ADOE: mailboxSettings not readable \(Graph 403 ErrorAccessDenied/);
    expect(await userOf("ADOE")).toMatchObject({
      mailboxTimeZone: undefined,
      mailboxTimeZoneNote: expect.stringMatching(
        /DEFAULT_TIME_ZONE "GMT Standard Time" used until MailboxSettings.Read/,
      ),
      status: expect.not.stringMatching(/error|auth_required/),
    });
    expect(eventOf(OTHER_MB, "Z3")!.start).toEqual({
      dateTime: `${wallIn(`${day(4)}T09:00:00Z`, "Europe/London")}.0000000`,
      timeZone: "GMT Standard Time",
    });
    await push(appointment("UPDATE", "Z3", { subject: "again" }, { user: "ADOE" }));
    expect(reads).toBe(before + 1);

    rig.sim.clearFaults();
    expect(await refreshMailboxTimeZone(deps, await userOf("ADOE"), rig.ctx().log)).toBe("Tokyo Standard Time");
    expect(await userOf("ADOE")).toMatchObject({
      mailboxTimeZone: "Tokyo Standard Time",
      mailboxTimeZoneNote: undefined,
    });
  });
});
