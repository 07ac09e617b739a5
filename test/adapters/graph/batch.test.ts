// $batch against the simulator: > 20 requests split into several calls, results in input order, throttled items
// re-sent after their own Retry-After (with their dependents), dependsOn kept within one call.
import { describe, expect, it } from "vitest";
import { chunkForBatch, type BatchRequest } from "../../../shared/adapters/graph/batch.js";
import { PermanentError, TransientError } from "../../../shared/domain/errors.js";
import { endpointCount, JSMITH } from "./simGateway.js";
import { useGraphSim } from "./useGraphSim.js";

const graph = useGraphSim();

const batchCalls = () => endpointCount(graph.sim, /^POST \/\$batch$/);
const createReq = (i: number, extra: Partial<BatchRequest> = {}): BatchRequest => ({
  method: "POST",
  url: `/users/${JSMITH}/events`,
  body: {
    subject: `B${i}`,
    start: { dateTime: `2026-12-10T${String(i % 24).padStart(2, "0")}:00:00`, timeZone: "UTC" },
    end: { dateTime: `2026-12-10T${String(i % 24).padStart(2, "0")}:30:00`, timeZone: "UTC" },
  },
  ...extra,
});
const subjectOf = (body: unknown) => (body as { subject?: string } | undefined)?.subject;

describe("chunkForBatch (pure)", () => {
  it.each([
    [45, [20, 20, 5]],
    [20, [20]],
    [21, [20, 1]],
    [1, [1]],
  ])("%d independent requests → chunks %j", (n, sizes) => {
    const items = Array.from({ length: n }, (_, i) => ({ id: String(i) }));
    expect(chunkForBatch(items).map((c) => c.length)).toEqual(sizes);
  });

  it("keeps a dependsOn chain in one chunk", () => {
    const items = Array.from({ length: 25 }, (_, i) => ({ id: String(i), ...(i === 22 ? { dependsOn: ["3"] } : {}) }));
    const chunks = chunkForBatch(items);
    const withChain = chunks.find((c) => c.some((x) => x.id === "3"));
    expect(withChain?.some((x) => x.id === "22")).toBe(true);
    expect(chunks.every((c) => c.length <= 20)).toBe(true);
  });

  it("refuses a chain longer than 20", () => {
    const items = Array.from({ length: 21 }, (_, i) => ({
      id: String(i),
      ...(i ? { dependsOn: [String(i - 1)] } : {}),
    }));
    expect(() => chunkForBatch(items)).toThrow(PermanentError);
  });
});

describe("GraphGateway.batch", () => {
  it("45 requests → 3 HTTP batch calls, results in input order", async () => {
    const results = await graph.gw.batch(
      JSMITH,
      Array.from({ length: 45 }, (_, i) => createReq(i)),
    );
    expect(batchCalls()).toBe(3);
    expect(results).toHaveLength(45);
    expect(results.map((r) => r.id)).toEqual(Array.from({ length: 45 }, (_, i) => String(i + 1)));
    expect(results.map((r) => subjectOf(r.body))).toEqual(Array.from({ length: 45 }, (_, i) => `B${i}`));
    expect(results.every((r) => r.status === 201 && r.error === undefined)).toBe(true);
  });

  it("a throttled item (429 inside a 200 batch) is re-sent after its own Retry-After", async () => {
    graph.sim.injectFault({ method: "POST", path: /\/events$/, status: 429, retryAfterSeconds: 0.6, times: 1 });
    const t0 = performance.now();
    const results = await graph.gw.batch(
      JSMITH,
      Array.from({ length: 25 }, (_, i) => createReq(100 + i)),
    );
    expect(performance.now() - t0).toBeGreaterThanOrEqual(600);
    expect(batchCalls()).toBe(3); // 20 + 5, then one call with the throttled item
    expect(results.map((r) => r.status)).toEqual(Array(25).fill(201));
    expect(results.map((r) => subjectOf(r.body))).toEqual(Array.from({ length: 25 }, (_, i) => `B${100 + i}`));
    expect(graph.sim.events(JSMITH).filter((e) => /^B1\d\d$/.test(e.subject))).toHaveLength(25);
  });

  it("dependsOn: a dependent of a throttled request (424) is re-sent with it", async () => {
    graph.sim.injectFault({ method: "POST", path: /\/events$/, status: 429, retryAfterSeconds: 0.2, times: 1 });
    const results = await graph.gw.batch(JSMITH, [
      createReq(200, { id: "a" }),
      { id: "b", method: "GET", url: `/users/${JSMITH}`, dependsOn: ["a"] },
    ]);
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ["a", 201],
      ["b", 200],
    ]);
    expect(batchCalls()).toBe(2);
  });

  it("still throttled after the bound → that item carries a TransientError with retryAfterMs; the rest succeed", async () => {
    graph.sim.injectFault({ method: "POST", path: /\/events$/, status: 429, retryAfterSeconds: 120, times: 1 });
    const results = await graph.gw.batch(JSMITH, [createReq(300), createReq(301)], { maxWaitMs: 1000 });
    expect(results[0]?.status).toBe(429);
    expect(results[0]?.error).toBeInstanceOf(TransientError);
    expect((results[0]?.error as TransientError).retryAfterMs).toBe(120_000);
    expect(results[1]?.status).toBe(201);
    expect(batchCalls()).toBe(1);
  });

  it("per-item errors are mapped (404 → not_found) and bad input names the field", async () => {
    const results = await graph.gw.batch(JSMITH, [{ method: "GET", url: `/users/${JSMITH}/events/AAMkAGmissing=` }]);
    expect(results[0]?.error?.code).toBe("not_found");
    await expect(graph.gw.batch(JSMITH, [{ id: "x", method: "GET", url: "/a", dependsOn: ["nope"] }])).rejects.toThrow(
      /requests\[0\]\.dependsOn/,
    );
  });
});
