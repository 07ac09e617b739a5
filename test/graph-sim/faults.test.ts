// Tests of injected faults (429 with Retry-After, 503), the per-mailbox concurrency limit and the counters.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGraphSim, type GraphSim } from "./index.js";
import { appToken, graph } from "./testkit.js";

let sim: GraphSim;
let g: ReturnType<typeof graph>;
const U = "/users/jsmith@contoso.test";

beforeAll(async () => {
  sim = await startGraphSim();
  g = graph(sim, await appToken(sim));
});
beforeEach(() => {
  sim.clearFaults();
  sim.resetCounters();
});
afterAll(async () => {
  await sim.stop();
});

describe("faults", () => {
  it("429 with a fractional Retry-After and the throttling body, for `times` requests", async () => {
    sim.injectFault({
      method: "GET",
      path: "^/users/[^/]+/events$",
      mailbox: "jsmith@contoso.test",
      status: 429,
      retryAfterSeconds: 2.128,
      times: 2,
    });
    const a = await g("GET", `${U}/events`);
    expect(a.status).toBe(429);
    expect(a.headers.get("retry-after")).toBe("2.128");
    expect(a.body.error.code).toBe("TooManyRequests");
    expect(a.body.error.innerError).toMatchObject({ code: "429", status: "429", message: "Please retry after" });
    expect((await g("GET", `${U}/events`)).status).toBe(429);
    expect((await g("GET", `${U}/events`)).status).toBe(200);
    // another mailbox is not affected
    expect(sim.counters().throttled).toBe(2);
  });

  it("matches the mailbox by id or UPN", async () => {
    const id = sim.seed.mailboxes[1]!.id;
    sim.injectFault({ mailbox: "adoe@contoso.test", status: 503, times: Infinity });
    expect((await g("GET", `/users/${id}/events`)).status).toBe(503);
    expect((await g("GET", `/users/adoe@contoso.test`)).status).toBe(503);
    expect((await g("GET", `${U}/events`)).status).toBe(200);
    const r = await g("GET", `/users/${id}/events`);
    expect(r.body.error.code).toBe("ServiceUnavailable");
    expect(r.headers.get("retry-after")).toBe("1");
  });

  it("the 5th concurrent request to one mailbox gets 429 ApplicationThrottled", async () => {
    // Four requests are held inside the mailbox (a hold fault, released by the test): the fifth overlaps them for sure.
    sim.injectFault({ status: 200, hold: "four", times: 4, path: "/events$" });
    const held = Array.from({ length: 4 }, () => g("GET", `${U}/events`));
    await sim.waitForHeld("four", 4);
    const fifth = await g("GET", `${U}/events`);
    expect(fifth.status).toBe(429);
    expect(fifth.body.error.code).toBe("ApplicationThrottled");
    expect(fifth.headers.get("retry-after")).toBeTruthy();
    expect(sim.releaseHeld("four")).toBe(4);
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const c = sim.counters();
    expect(c.maxConcurrentByMailbox[sim.seed.mailboxes[0]!.id]).toBe(5);
    expect(c.byEndpoint["GET /users/{id}/events"]).toBe(5);
    expect(c.byMailbox[sim.seed.mailboxes[0]!.id]).toBe(5);
    expect(c.throttled).toBe(1);
    // Once they left, the mailbox has room again.
    expect((await g("GET", `${U}/events`)).status).toBe(200);
  });

  it("the limit is configurable", async () => {
    sim.setConcurrencyLimit(2);
    try {
      sim.injectFault({ status: 200, hold: "two", times: 2, path: "/events$" });
      const held = Array.from({ length: 2 }, () => g("GET", `${U}/events`));
      await sim.waitForHeld("two", 2);
      expect((await g("GET", `${U}/events`)).status).toBe(429);
      sim.releaseHeld("two");
      expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    } finally {
      sim.setConcurrencyLimit(4);
    }
  });

  it("a held request waits for its release, also through the control surface; clearFaults releases the rest", async () => {
    sim.injectFault({ status: 503, hold: "ctl", times: 2, path: "/events$" });
    const first = g("GET", `${U}/events`);
    await sim.waitForHeld("ctl", 1);
    expect(await (await fetch(`${sim.baseUrl}/_sim/holds/ctl`)).json()).toEqual({ held: 1 });
    const released = await fetch(`${sim.baseUrl}/_sim/holds/ctl/release`, { method: "POST" });
    expect(await released.json()).toEqual({ released: 1 });
    expect((await first).status).toBe(503);
    const second = g("GET", `${U}/events`);
    await sim.waitForHeld("ctl", 1);
    sim.clearFaults();
    expect((await second).status).toBe(503);
    expect(sim.heldCount("ctl")).toBe(0);
  });

  it("faults can be injected through the control surface", async () => {
    const r = await fetch(`${sim.baseUrl}/_sim/faults`, {
      method: "POST",
      body: JSON.stringify({ path: "^/users/[^/]+$", status: 429, retryAfterSeconds: 1.5 }),
    });
    expect(r.status).toBe(201);
    const a = await g("GET", U);
    expect([a.status, a.headers.get("retry-after")]).toEqual([429, "1.5"]);
    const c = (await (await fetch(`${sim.baseUrl}/_sim/counters`)).json()) as { throttled: number };
    expect(c.throttled).toBe(1);
  });
});
