// BatchWriter: the pure parts table-driven, then end to end through the real Graph client (MSAL token, middleware,
// mailbox limiter) against the Graph simulator: ≤ 20 per $batch, a 429 on one item and a 412 on another in one call,
// nothing else repeated, and the mailbox's 4 permits held while a batch's items run. No real sleeping.
import { describe, expect, it } from "vitest";
import {
  BatchWriter,
  chainByOrderKey,
  outcomeOf,
  type WriteOutcome,
  type WriteRequest,
} from "../../../shared/adapters/graph/batchWriter.js";
import { PermanentError, TransientError } from "../../../shared/domain/errors.js";
import { KeyedSemaphore } from "../../../shared/adapters/graph/keyedSemaphore.js";
import { endpointCount, gatewayFor, JSMITH } from "./simGateway.js";
import { useGraphSim } from "./useGraphSim.js";

const graph = useGraphSim();

const batchCalls = () => endpointCount(graph.sim, /^POST \/\$batch$/);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const EVENTS = `/users/${JSMITH}/events`;

const create = (n: number, extra: Partial<WriteRequest> = {}): WriteRequest => ({
  id: `create-${n}`,
  method: "POST",
  url: EVENTS,
  body: {
    subject: `W${n}`,
    transactionId: `bw-${n}-${Math.random().toString(36).slice(2)}`,
    start: { dateTime: `2026-12-11T${String(n % 24).padStart(2, "0")}:00:00`, timeZone: "UTC" },
    end: { dateTime: `2026-12-11T${String(n % 24).padStart(2, "0")}:30:00`, timeZone: "UTC" },
  },
  ...extra,
});

function seeded(subject: string) {
  return graph.sim.createEvent(JSMITH, {
    subject,
    start: { dateTime: "2026-12-12T09:00:00", timeZone: "UTC" },
    end: { dateTime: "2026-12-12T10:00:00", timeZone: "UTC" },
  });
}

const update = (id: string, eventId: string, subject: string, etag?: string): WriteRequest => ({
  id,
  method: "PATCH",
  url: `${EVENTS}/${eventId}`,
  body: { subject },
  ...(etag ? { headers: { "If-Match": etag } } : {}),
});

/** A sleeper that records what it was asked to wait and returns at once. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: (ms: number) => (waits.push(ms), Promise.resolve()) };
}

/** A limiter that records the most permits ever held at once for any mailbox. */
class RecordingSemaphore extends KeyedSemaphore {
  max = 0;
  override async acquire(key: string): Promise<() => void> {
    const release = await super.acquire(key);
    this.max = Math.max(this.max, this.inFlight(key));
    return release;
  }
}

const kinds = (outcomes: WriteOutcome[]) => outcomes.map((o) => [o.id, o.kind]);

describe("chainByOrderKey (pure)", () => {
  const w = (id: string, orderKey?: string): WriteRequest => ({
    id,
    method: "PATCH",
    url: `/x/${id}`,
    ...(orderKey ? { orderKey } : {}),
  });
  it.each<[string, WriteRequest[], (string[] | undefined)[]]>([
    ["no keys: all independent", [w("a"), w("b"), w("c")], [undefined, undefined, undefined]],
    ["same key: chained in input order", [w("a", "k"), w("b", "k"), w("c", "k")], [undefined, ["a"], ["b"]]],
    [
      "two keys interleaved",
      [w("a", "k1"), w("b", "k2"), w("c", "k1"), w("d", "k2")],
      [undefined, undefined, ["a"], ["b"]],
    ],
    ["a keyless write between keyed ones", [w("a", "k"), w("b"), w("c", "k")], [undefined, undefined, ["a"]]],
  ])("%s", (_name, writes, dependsOn) => {
    expect(chainByOrderKey(writes).map((r) => r.dependsOn)).toEqual(dependsOn);
  });

  it.each([
    ["duplicate ids", [w("a"), w("a")], /writes\[1\]\.id "a" is not unique/],
    ["an empty id", [w("")], /writes\[0\]\.id is empty/],
  ])("refuses %s, naming the field", (_name, writes, message) => {
    expect(() => chainByOrderKey(writes)).toThrow(PermanentError);
    expect(() => chainByOrderKey(writes)).toThrow(message);
  });
});

describe("outcomeOf (pure)", () => {
  const throttled = new TransientError("graph_throttled", "429", { retryAfterMs: 5000 });
  const stale = new PermanentError("precondition_failed", "412");
  it.each<[number, BatchResultError, WriteOutcome["kind"]]>([
    [201, undefined, "done"],
    [204, undefined, "done"],
    [412, stale, "conflict"],
    [429, throttled, "throttled"],
    [404, new PermanentError("not_found", "404"), "failed"],
    [503, new TransientError("graph_unavailable", "503"), "failed"],
    [424, new PermanentError("failed_dependency", "424"), "failed"],
  ])("status %d → its kind", (status, error, kind) => {
    expect(outcomeOf({ id: "1", status, headers: {}, body: undefined, ...(error ? { error } : {}) }).kind).toBe(kind);
  });
});
type BatchResultError = PermanentError | TransientError | undefined;

describe("BatchWriter against the Graph simulator", () => {
  it("45 writes → 3 $batch calls (≤ 20 each), every outcome in input order, each event created once", async () => {
    const writer = new BatchWriter(graph.gw.http);
    const writes = Array.from({ length: 45 }, (_, i) => create(i));
    const outcomes = await writer.write(JSMITH, writes);
    expect(batchCalls()).toBe(3);
    expect(outcomes.map((o) => o.id)).toEqual(writes.map((w) => w.id));
    expect(outcomes.every((o) => o.kind === "done" && o.status === 201)).toBe(true);
    const subjects = graph.sim.events(JSMITH).map((e) => e.subject);
    for (let i = 0; i < 45; i++) expect(subjects.filter((s) => s === `W${i}`)).toHaveLength(1);
  });

  it("a 429 on one item and a 412 on another in one 200 batch: only the 429 is re-sent, after its Retry-After", async () => {
    const { waits, sleep } = recordingSleep();
    const writer = new BatchWriter(graph.gw.http, { sleep });
    const fresh = seeded("fresh");
    const changed = seeded("changed meanwhile");
    const staleEtag = changed["@odata.etag"];
    graph.sim.updateEvent(JSMITH, changed.id, { subject: "changed in Outlook" }); // its etag moves on
    const throttledTarget = seeded("to be throttled");
    graph.sim.injectFault({
      method: "PATCH",
      path: new RegExp(`/events/${escape(throttledTarget.id)}$`),
      status: 429,
      retryAfterSeconds: 7,
      times: 1,
    });
    const outcomes = await writer.write(JSMITH, [
      create(100),
      update("u-fresh", fresh.id, "updated", fresh["@odata.etag"]),
      update("u-stale", changed.id, "ERP version", staleEtag),
      update("u-throttled", throttledTarget.id, "after the wait"),
      create(101),
    ]);
    expect(kinds(outcomes)).toEqual([
      ["create-100", "done"],
      ["u-fresh", "done"],
      ["u-stale", "conflict"],
      ["u-throttled", "done"],
      ["create-101", "done"],
    ]);
    const conflict = outcomes[2];
    expect(conflict?.kind === "conflict" && conflict.error.code).toBe("precondition_failed");
    expect(waits).toEqual([7000]); // its own Retry-After, through the injected sleeper
    expect(batchCalls()).toBe(2); // the first call, then one with the throttled item alone
    // Nothing but the throttled item went twice: 2 creates, 3 PATCHes + 1 re-sent.
    expect(endpointCount(graph.sim, /^POST \/users\/\{id\}\/events$/)).toBe(2);
    expect(endpointCount(graph.sim, /^PATCH /)).toBe(4);
    const byId = new Map(graph.sim.events(JSMITH).map((e) => [e.id, e.subject]));
    expect(byId.get(changed.id)).toBe("changed in Outlook"); // the conflict did not overwrite
    expect(byId.get(throttledTarget.id)).toBe("after the wait");
    expect(byId.get(fresh.id)).toBe("updated");
  });

  it("a 503 item is returned as failed and not repeated; a write chained after it gets 424, also not repeated", async () => {
    const { waits, sleep } = recordingSleep();
    const writer = new BatchWriter(graph.gw.http, { sleep });
    const target = seeded("flaky");
    graph.sim.injectFault({
      method: "PATCH",
      path: new RegExp(`/events/${escape(target.id)}$`),
      status: 503,
      times: 1,
    });
    const outcomes = await writer.write(JSMITH, [
      { ...update("first", target.id, "one"), orderKey: target.id },
      { ...update("second", target.id, "two"), orderKey: target.id },
      create(200),
    ]);
    expect(outcomes.map((o) => [o.id, o.kind, o.status])).toEqual([
      ["first", "failed", 503],
      ["second", "failed", 424],
      ["create-200", "done", 201],
    ]);
    expect(waits).toEqual([]);
    expect(batchCalls()).toBe(1);
    expect(graph.sim.events(JSMITH).find((e) => e.id === target.id)?.subject).toBe("flaky");
  });

  it("writes sharing an orderKey run in order (dependsOn), so the last one wins", async () => {
    const writer = new BatchWriter(graph.gw.http);
    const target = seeded("v0");
    const outcomes = await writer.write(
      JSMITH,
      ["v1", "v2", "v3"].map((s) => ({ ...update(`to-${s}`, target.id, s), orderKey: target.id })),
    );
    expect(outcomes.every((o) => o.kind === "done")).toBe(true);
    expect(graph.sim.events(JSMITH).find((e) => e.id === target.id)?.subject).toBe("v3");
  });

  it("a 429 still there after the bound → throttled with retryAfterMs, the rest done", async () => {
    const { waits, sleep } = recordingSleep();
    const writer = new BatchWriter(graph.gw.http, { sleep, maxWaitMs: 10_000 });
    const target = seeded("busy");
    graph.sim.injectFault({
      method: "PATCH",
      path: new RegExp(`/events/${escape(target.id)}$`),
      status: 429,
      retryAfterSeconds: 60,
      times: 1,
    });
    const outcomes = await writer.write(JSMITH, [update("busy", target.id, "later"), create(300)]);
    const first = outcomes[0];
    expect(first?.kind).toBe("throttled");
    expect(first?.kind === "throttled" && first.error.retryAfterMs).toBe(60_000);
    expect(outcomes[1]?.kind).toBe("done");
    expect(waits).toEqual([]);
  });

  it("a $batch holds min(items, 4) of the mailbox's permits while it runs; with reads beside it the limit holds", async () => {
    const limiter = new RecordingSemaphore(4);
    const gw = gatewayFor(graph.sim, { limiter });
    const writer = new BatchWriter(gw.http);
    const target = seeded("read me");
    await gw.getEvent(JSMITH, target.id); // token and connection first
    limiter.max = 0;
    await writer.write(JSMITH, [create(400), create(401)]);
    expect(limiter.max).toBe(2); // two items: the POST's own permit + one
    limiter.max = 0;
    await writer.write(
      JSMITH,
      Array.from({ length: 6 }, (_, i) => create(410 + i)),
    );
    expect(limiter.max).toBe(4); // alone, so only the batch can have taken all four
    limiter.max = 0;
    const outcomes = await Promise.all([
      writer.write(
        JSMITH,
        Array.from({ length: 6 }, (_, i) => create(420 + i)),
      ),
      writer.write(
        JSMITH,
        Array.from({ length: 6 }, (_, i) => create(430 + i)),
      ),
      ...Array.from({ length: 6 }, () => gw.getEvent(JSMITH, target.id)),
    ]);
    expect(limiter.max).toBe(4);
    expect(limiter.inFlight(JSMITH)).toBe(0);
    expect(
      outcomes
        .slice(0, 2)
        .flat()
        .every((o) => (o as WriteOutcome).kind === "done"),
    ).toBe(true);
    expect(outcomes.slice(2).every((e) => (e as { id?: string } | undefined)?.id === target.id)).toBe(true);
  });
});
