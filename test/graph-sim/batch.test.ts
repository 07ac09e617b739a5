// Tests of JSON batching: the 20-request limit, dependsOn with 424, relative urls, per-item status and throttling.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphSim, type GraphSim } from "./index.js";
import { appToken, graph } from "./testkit.js";

let sim: GraphSim;
let g: ReturnType<typeof graph>;
const MB = "jsmith@contoso.test";
const evBody = (s: string) => ({
  subject: s,
  start: { dateTime: "2030-07-01T09:00:00", timeZone: "UTC" },
  end: { dateTime: "2030-07-01T10:00:00", timeZone: "UTC" },
});
const JSON_H = { "Content-Type": "application/json" };

beforeAll(async () => {
  sim = await startGraphSim();
  g = graph(sim, await appToken(sim));
});
afterAll(async () => {
  await sim.stop();
});

describe("$batch", () => {
  it("runs up to 20 requests with a status per item; urls with or without a leading slash", async () => {
    const requests = Array.from({ length: 20 }, (_, i) => ({
      id: String(i + 1),
      method: "POST",
      url: i % 2 ? `/users/${MB}/events` : `users/${MB}/events`,
      headers: JSON_H,
      body: evBody(`b${i}`),
    }));
    const r = await g("POST", "/$batch", { requests });
    expect(r.status).toBe(200);
    expect(r.body.responses.length).toBe(20);
    expect(r.body.responses.every((x: { status: number }) => x.status === 201)).toBe(true);
    expect(r.body.responses[0].body.subject).toBe("b0");
    expect(sim.counters().byEndpoint["POST /users/{id}/events"]).toBeGreaterThanOrEqual(20);
  });

  it("refuses more than 20 requests with 400", async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({ id: String(i + 1), method: "GET", url: `/users/${MB}` }));
    const r = await g("POST", "/$batch", { requests });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("BadRequest");
  });

  it("answers 424 for requests depending on a failed one, and runs independent ones", async () => {
    const r = await g("POST", "/$batch", {
      requests: [
        { id: "1", method: "GET", url: `/users/${MB}/events/does-not-exist` },
        {
          id: "2",
          method: "PATCH",
          url: `/users/${MB}/events/does-not-exist`,
          dependsOn: ["1"],
          headers: JSON_H,
          body: { subject: "x" },
        },
        { id: "3", method: "GET", url: `/users/${MB}`, dependsOn: ["2"] },
        { id: "4", method: "GET", url: `/users/${MB}` },
      ],
    });
    const byId = Object.fromEntries(r.body.responses.map((x: { id: string; status: number }) => [x.id, x.status]));
    expect(byId).toEqual({ "1": 404, "2": 424, "3": 424, "4": 200 });
  });

  it("throttles items like direct calls (429 with Retry-After inside a 200 batch)", async () => {
    sim.injectFault({ method: "POST", path: "/events$", status: 429, retryAfterSeconds: 3, times: 1 });
    const r = await g("POST", "/$batch", {
      requests: [
        { id: "a", method: "POST", url: `/users/${MB}/events`, headers: JSON_H, body: evBody("a") },
        { id: "b", method: "POST", url: `/users/${MB}/events`, headers: JSON_H, body: evBody("b") },
      ],
    });
    expect(r.status).toBe(200);
    const a = r.body.responses.find((x: { id: string }) => x.id === "a");
    expect(a.status).toBe(429);
    expect(a.headers["Retry-After"]).toBe("3");
    expect(r.body.responses.find((x: { id: string }) => x.id === "b").status).toBe(201);
  });

  it("items need a Content-Type when they carry a body; the batch itself needs a token", async () => {
    const r = await g("POST", "/$batch", {
      requests: [{ id: "1", method: "POST", url: `/users/${MB}/events`, body: evBody("x") }],
    });
    expect(r.body.responses[0].status).toBe(400);
    const anon = await graph(sim, undefined)("POST", "/$batch", {
      requests: [{ id: "1", method: "GET", url: `/users/${MB}` }],
    });
    expect(anon.status).toBe(401);
  });
});
