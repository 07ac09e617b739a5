// calendarView delta tokens expire by age on the simulator's clock: 410 syncStateNotFound with a fresh delta URL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphSim, type GraphSim } from "./index.js";
import { appToken, graph } from "./testkit.js";

let sim: GraphSim;
/** A request with a token fresh on the simulator's clock (tokens expire on it as well as delta tokens). */
const g = async (method: string, path: string) => graph(sim, await appToken(sim))(method, path);
const MB = "jsmith@contoso.test";
const DAY = 86_400_000;
const WINDOW = "startDateTime=2030-05-01T00:00:00Z&endDateTime=2030-06-01T00:00:00Z";

beforeAll(async () => {
  sim = await startGraphSim({ deltaTokenMaxAgeMs: 7 * DAY });
});
afterAll(async () => {
  await sim.stop();
});

describe("delta token age", () => {
  it("a deltaLink younger than the limit works; older → 410 with Location holding a fresh delta URL for the window", async () => {
    const first = await g("GET", `/users/${MB}/calendarView/delta?${WINDOW}`);
    const deltaLink = first.body["@odata.deltaLink"] as string;
    sim.advanceClock(7 * DAY - 60_000);
    const young = await g("GET", deltaLink);
    expect(young.status).toBe(200);
    const renewed = young.body["@odata.deltaLink"] as string;

    sim.advanceClock(7 * DAY + 60_000);
    const old = await g("GET", renewed);
    expect(old.status).toBe(410);
    expect(old.body.error.code).toBe("syncStateNotFound");
    const location = old.headers.get("location")!;
    expect(new URL(location).searchParams.get("startDateTime")).toBe("2030-05-01T00:00:00.000Z");
    expect(new URL(location).searchParams.get("endDateTime")).toBe("2030-06-01T00:00:00.000Z");

    sim.createEvent(MB, {
      subject: "in the window",
      start: { dateTime: "2030-05-10T09:00:00", timeZone: "UTC" },
      end: { dateTime: "2030-05-10T10:00:00", timeZone: "UTC" },
    });
    const fresh = await g("GET", location);
    expect(fresh.status).toBe(200);
    expect((fresh.body.value as { subject: string }[]).map((e) => e.subject)).toContain("in the window");
  });
});
