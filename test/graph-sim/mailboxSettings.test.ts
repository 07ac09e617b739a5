// Tests of mailboxSettings: per mailbox, the whole object or one setting, PATCH of the time zone, permissions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSeed, startGraphSim, type GraphSim } from "./index.js";
import { appToken, graph } from "./testkit.js";

let sim: GraphSim;
let g: ReturnType<typeof graph>;
const JSMITH = "jsmith@contoso.test";
const ADOE = "adoe@contoso.test";

beforeAll(async () => {
  const seed = defaultSeed();
  seed.mailboxes[1]!.timeZone = "GMT Standard Time";
  sim = await startGraphSim({ seed });
  g = graph(sim, await appToken(sim));
});
afterAll(async () => {
  await sim.stop();
});

describe("mailboxSettings", () => {
  it("GET the whole object: the documented shape, the mailbox's own zone (UTC unless seeded or set)", async () => {
    const r = await g("GET", `/users/${JSMITH}/mailboxSettings`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      timeZone: "UTC",
      language: { locale: expect.any(String) },
      workingHours: { timeZone: { name: "UTC" } },
      automaticRepliesSetting: { status: expect.any(String) },
    });
    expect((await g("GET", `/users/${ADOE}/mailboxSettings`)).body.timeZone).toBe("GMT Standard Time");
  });

  it("GET one setting: timeZone as {value}; an unknown segment is 400", async () => {
    sim.setMailboxTimeZone(JSMITH, "Pacific Standard Time");
    const r = await g("GET", `/users/${JSMITH}/mailboxSettings/timeZone`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ value: "Pacific Standard Time" });
    expect(r.body["@odata.context"]).toMatch(/mailboxSettings\/timeZone$/);
    expect((await g("GET", `/users/${ADOE}/mailboxSettings/timeZone`)).body.value).toBe("GMT Standard Time");
    expect((await g("GET", `/users/${JSMITH}/mailboxSettings/shoeSize`)).status).toBe(400);
  });

  it("PATCH timeZone needs MailboxSettings.ReadWrite; an unknown zone is 400 naming it", async () => {
    const denied = await g("PATCH", `/users/${JSMITH}/mailboxSettings`, { timeZone: "Tokyo Standard Time" });
    expect(denied.status).toBe(403);
    const rw = graph(sim, sim.issueToken({ roles: ["MailboxSettings.ReadWrite"] }));
    const ok = await rw("PATCH", `/users/${JSMITH}/mailboxSettings`, { timeZone: "Tokyo Standard Time" });
    expect(ok.status).toBe(200);
    expect(sim.mailboxSettings(JSMITH).timeZone).toBe("Tokyo Standard Time");
    const bad = await rw("PATCH", `/users/${JSMITH}/mailboxSettings`, { timeZone: "Moon Time" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("'Moon Time'");
  });

  it("reading needs MailboxSettings.Read (application and delegated), and a delegated token reaches only its own", async () => {
    const without = graph(sim, sim.issueToken({ roles: ["Calendars.ReadWrite", "User.Read.All"] }));
    const r = await without("GET", `/users/${JSMITH}/mailboxSettings/timeZone`);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("ErrorAccessDenied");
    const me = graph(sim, sim.issueToken({ user: JSMITH, scopes: ["MailboxSettings.Read"] }));
    expect((await me("GET", "/me/mailboxSettings/timeZone")).body.value).toBe("Tokyo Standard Time");
    expect((await me("GET", `/users/${ADOE}/mailboxSettings/timeZone`)).status).toBe(403);
    const noScope = graph(sim, sim.issueToken({ user: JSMITH, scopes: ["Calendars.ReadWrite"] }));
    expect((await noScope("GET", "/me/mailboxSettings/timeZone")).status).toBe(403);
  });
});
