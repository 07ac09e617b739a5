// WriteBatcher: the flush rule and the request/answer mapping table-driven, then through the real Graph client against
// the simulator: concurrent participants' writes leave as one $batch, a lone write goes direct, a 412 item throws the
// error a direct PATCH throws, a 404 DELETE reads as "already gone", reads are never held.
import { describe, expect, it } from "vitest";
import {
  responseOf,
  WriteBatcher,
  writeRequestsOf,
  writesToFlush,
  type FlushState,
} from "../../../shared/adapters/graph/writeBatcher.js";
import { AppError, PermanentError } from "../../../shared/domain/errors.js";
import { endpointCount, JSMITH } from "./simGateway.js";
import { useGraphSim } from "./useGraphSim.js";

const graph = useGraphSim();
const settled = [
  (value: unknown): PromiseSettledResult<unknown> => ({ status: "fulfilled", value }),
  (reason: unknown): PromiseSettledResult<unknown> => ({ status: "rejected", reason }),
] as const;
const batchCalls = () => endpointCount(graph.sim, /^POST \/\$batch$/);

describe("writesToFlush", () => {
  const cases: [string, FlushState, number][] = [
    ["nothing queued", { queued: 0, inFlight: 0, running: 3, max: 20 }, 0],
    ["some handlers still running", { queued: 2, inFlight: 0, running: 3, max: 20 }, 0],
    ["every running handler waits", { queued: 3, inFlight: 0, running: 3, max: 20 }, 3],
    ["the rest wait on a batch in flight", { queued: 2, inFlight: 1, running: 3, max: 20 }, 2],
    ["a full batch goes at once", { queued: 20, inFlight: 0, running: 40, max: 20 }, 20],
    ["more than a batch: one full batch", { queued: 25, inFlight: 0, running: 25, max: 20 }, 20],
    ["a write from outside any participant", { queued: 1, inFlight: 0, running: 0, max: 20 }, 1],
    ["a handler finished: the others all wait", { queued: 4, inFlight: 0, running: 4, max: 20 }, 4],
  ];
  it.each(cases)("%s", (_, state, expected) => {
    expect(writesToFlush(state)).toBe(expected);
  });
});

describe("writeRequestsOf / responseOf", () => {
  it("orders writes to the same item (PATCH, DELETE) and leaves creates independent", () => {
    const spec = (method: "POST" | "PATCH" | "DELETE", path: string, headers?: Record<string, string>) => ({
      spec: { method, path, ...(method === "DELETE" ? {} : { body: { n: 1 } }), ...(headers ? { headers } : {}) },
    });
    expect(
      writeRequestsOf([spec("POST", "/users/a/events"), spec("PATCH", "/users/a/events/1", { "If-Match": "W/1" })]),
    ).toEqual([
      { id: "1", method: "POST", url: "/users/a/events", body: { n: 1 } },
      {
        id: "2",
        method: "PATCH",
        url: "/users/a/events/1",
        body: { n: 1 },
        headers: { "If-Match": "W/1" },
        orderKey: "/users/a/events/1",
      },
    ]);
  });

  it("answers a done item as the direct response and throws a failed item's mapped error", () => {
    const done = responseOf({ id: "1", kind: "done", status: 201, body: { id: "x" }, headers: { ETag: "e" } });
    expect([done.status, done.body, done.headers.get("etag")]).toEqual([201, { id: "x" }, "e"]);
    const error = new PermanentError("precondition_failed", "stale");
    expect(() => responseOf({ id: "2", kind: "conflict", status: 412, error })).toThrow(error);
  });
});

describe("WriteBatcher against the simulator", () => {
  const event = (n: number) => ({
    subject: `WB${n}`,
    transactionId: `wb-${n}-${Math.random().toString(36).slice(2)}`,
    start: { dateTime: "2026-12-14T09:00:00", timeZone: "UTC" },
    end: { dateTime: "2026-12-14T10:00:00", timeZone: "UTC" },
  });

  it("sends the writes of concurrent participants as one $batch, each caller getting its own created event", async () => {
    const batcher = new WriteBatcher(graph.gw.http);
    const gw = batcher.gateway();
    const created = await batcher.runAll(
      [1, 2, 3, 4, 5].map((n) => async () => {
        if (n === 1) await gw.getProfile(JSMITH); // a read: never held, sent at once; the others' writes wait for it
        return gw.createEvent(JSMITH, event(n));
      }),
    );
    expect(created.map((e) => e.subject)).toEqual(["WB1", "WB2", "WB3", "WB4", "WB5"]);
    expect(batchCalls()).toBe(1);
    expect(batcher.stats).toEqual({ batches: 1, batchedWrites: 5, directWrites: 0 });
    expect(graph.sim.counters().requests).toBe(2); // the read and the $batch; `total` counts the 5 items too
    expect(graph.sim.counters().total).toBe(7);
  });

  it("sends a lone write directly (no $batch of one)", async () => {
    const batcher = new WriteBatcher(graph.gw.http);
    const [e] = await batcher.runAll([() => batcher.gateway().createEvent(JSMITH, event(9))]);
    expect(e?.subject).toBe("WB9");
    expect(batchCalls()).toBe(0);
    expect(batcher.stats.directWrites).toBe(1);
  });

  it("a stale If-Match item throws what a direct PATCH throws; a 404 DELETE item reads as already gone", async () => {
    const a = graph.sim.createEvent(JSMITH, event(20));
    const b = graph.sim.createEvent(JSMITH, event(21));
    graph.sim.deleteEvent(JSMITH, b.id);
    const batcher = new WriteBatcher(graph.gw.http);
    const gw = batcher.gateway();
    const [patched, removed] = await batcher.runAll<PromiseSettledResult<unknown>>([
      () => gw.updateEvent(JSMITH, a.id, { subject: "x" }, { ifMatch: 'W/"stale"' }).then(...settled),
      () => gw.deleteEvent(JSMITH, b.id).then(...settled),
    ]);
    expect(batchCalls()).toBe(1);
    expect(patched?.status).toBe("rejected");
    const error = (patched as PromiseRejectedResult).reason as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe("precondition_failed");
    expect(removed).toEqual({ status: "fulfilled", value: { deleted: false } });
  });

  it("shares one read per key for the whole invocation (`once`)", async () => {
    const batcher = new WriteBatcher(graph.gw.http);
    let reads = 0;
    const read = () => Promise.resolve(++reads);
    expect(await Promise.all([batcher.once("k", read), batcher.once("k", read), batcher.once("j", read)])).toEqual([
      1, 1, 2,
    ]);
  });
});
