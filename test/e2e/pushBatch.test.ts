// ERP push bursts through $batch end to end: the push worker's batch entry (cardinality many, as the host delivers a
// session's messages), the real Graph client + MSAL against the simulator, Azurite links, the Service Bus stand-in.
// Requests are counted by the simulator (`requests`: a $batch counts once).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ERP_KEY_PROPERTY_ID } from "../../shared/domain/appointments/erpKey.js";
import type { PushMessage, PushMessageOf } from "../../shared/domain/messages/pushMessage.js";
import { pushMessageId } from "../../shared/domain/messages/messageIds.js";
import { linkOfErpKey } from "../../shared/app/sync/links.js";
import { startAppRig, QUEUES, type AppRig } from "../harness/appRig.js";
import { drainPushWorker, drainPushWorkerBatched } from "../harness/drainWorkers.js";

const MB = "jsmith@contoso.test";
const USER = "JSMITH";

type Appointment = PushMessageOf<"appointment">;
const day = (i: number) => `2026-12-${String(10 + (i % 15)).padStart(2, "0")}`;
function appointment(op: "CREATE" | "UPDATE", hsaRef: string, i: number, subject = `Visit ${hsaRef}`): Appointment {
  return {
    kind: "appointment",
    op,
    user: USER,
    kco: "1",
    hsaRef,
    data: { subject, start: `${day(i)}T09:00:00+00:00`, end: `${day(i)}T10:00:00+00:00`, allDay: false },
  };
}

const erpKeyOf = (ev: { singleValueExtendedProperties?: { id: string; value: string }[] }) =>
  ev.singleValueExtendedProperties?.find((p) => p.id.toLowerCase() === ERP_KEY_PROPERTY_ID.toLowerCase())?.value;
const regex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

async function send(rig: AppRig, messages: PushMessage[], tag = "") {
  for (const m of messages) {
    await rig.deps.queues.send(QUEUES.push, m, { sessionId: m.user, messageId: `${pushMessageId(m)}${tag}` });
  }
}

/** A rig for the describe block (CONFLICT_RULE `rule`) with JSMITH syncing appointments (both ways) and tasks. */
function useRig(rule: "erp-wins" | "outlook-wins"): () => AppRig {
  let rig: AppRig | undefined;
  beforeAll(async () => {
    rig = await startAppRig({ env: { CONFLICT_RULE: rule } });
    await rig.deps.users.upsertUser({
      userId: USER,
      mailbox: MB,
      defaultCompany: "1",
      syncAppointments: true,
      appointmentsFromOutlook: true,
      syncTasks: true,
    });
  }, 60_000);
  afterAll(async () => rig?.stop());
  return () => {
    if (!rig) throw new Error("rig not started");
    return rig;
  };
}

/** The next PATCH of `eventId` is answered 429 with a short Retry-After. */
const throttleNextPatch = (rig: AppRig, eventId: string) =>
  rig.sim.injectFault({
    method: "PATCH",
    path: `/users/[^/]+/events/${regex(eventId)}$`,
    status: 429,
    retryAfterSeconds: 0.05,
    times: 1,
  });

const eventsFor = (rig: AppRig, hsaRef: string) => rig.sim.events(MB).filter((e) => erpKeyOf(e) === `1|${hsaRef}`);
const count = (rig: AppRig, endpoint: string) => rig.sim.counters().byEndpoint[endpoint] ?? 0;

/** Creates `refs` one message per call (cardinality one, direct writes): the starting point of the conflict tests. */
async function seed(rig: AppRig, refs: string[]) {
  await send(
    rig,
    refs.map((r, i) => appointment("CREATE", r, i)),
  );
  await drainPushWorker(rig);
  return refs.map((r) => eventsFor(rig, r)[0]!);
}

describe("push burst through $batch (erp-wins)", () => {
  const theRig = useRig("erp-wins");
  let rig: AppRig;
  beforeEach(() => {
    rig = theRig();
  });

  it("48 creates + updates for one user reach Outlook in far fewer Graph requests than changes, every link saved", async () => {
    const refs = Array.from({ length: 24 }, (_, i) => `B${i}`);
    const burst = [
      ...refs.map((r, i) => appointment("CREATE", r, i)),
      ...refs.map((r, i) => appointment("UPDATE", r, i, `Visit ${r} (moved)`)),
    ];
    await send(rig, burst);
    rig.sim.resetCounters();
    const result = await drainPushWorkerBatched(rig, 100);

    expect(result.failed).toBe(0);
    expect(result.handled).toBe(burst.length);
    expect(Math.max(...result.deliveries.map((d) => d.batchSize ?? 1))).toBeGreaterThan(20);
    for (const r of refs) {
      const events = eventsFor(rig, r);
      expect(events.map((e) => e.subject)).toEqual([`Visit ${r} (moved)`]);
      const link = await linkOfErpKey(rig.deps, "appointment", USER, "1", r);
      expect(link?.outlookId).toBe(events[0]!.id);
    }
    const c = rig.sim.counters();
    // Every change written once (items counted in `total`), in far fewer HTTP requests.
    expect(count(rig, "POST /users/{id}/events")).toBe(refs.length);
    expect(count(rig, "PATCH /users/{id}/events/{id}")).toBe(refs.length);
    expect(c.byEndpoint["POST /$batch"]).toBeGreaterThanOrEqual(3);
    expect(c.requests * 4).toBeLessThanOrEqual(burst.length);
    expect(Math.max(0, ...Object.values(c.maxConcurrentByMailbox))).toBeLessThanOrEqual(4);
    expect(c.throttled).toBe(0);
  });

  it("in ONE batch: a 429 item is re-sent after its Retry-After and written once; a 412 item goes through erp-wins", async () => {
    const [a, b, c] = await seed(rig, ["T429", "T412", "TOK"]);
    // The user edits B in Outlook: our If-Match on B is stale now.
    rig.sim.updateEvent(MB, b!.id, { subject: "Edited in Outlook" });
    throttleNextPatch(rig, a!.id);
    await send(rig, [
      appointment("UPDATE", "T429", 0, "ERP 429"),
      appointment("UPDATE", "T412", 1, "ERP 412"),
      appointment("UPDATE", "TOK", 2, "ERP ok"),
    ]);
    rig.sim.resetCounters();
    const result = await drainPushWorkerBatched(rig, 100);

    expect(result.failed).toBe(0);
    expect(result.deliveries.map((d) => d.batchSize)).toEqual([3, 3, 3]);
    expect(rig.sim.counters().throttled).toBe(1);
    expect(eventsFor(rig, "T429").map((e) => e.subject)).toEqual(["ERP 429"]);
    expect(eventsFor(rig, "T412").map((e) => e.subject)).toEqual(["ERP 412"]);
    expect(eventsFor(rig, "TOK").map((e) => e.subject)).toEqual(["ERP ok"]);
    expect(eventsFor(rig, "TOK")[0]!.id).toBe(c!.id);
    // The 429 item twice (throttled, then written), the 412 item twice (stale, then with the fresh ETag), C once.
    expect(count(rig, "PATCH /users/{id}/events/{id}")).toBe(5);
    expect(count(rig, "GET /users/{id}/events/{id}")).toBe(1);
    expect(count(rig, "POST /$batch")).toBeGreaterThanOrEqual(2);
    const link = await linkOfErpKey(rig.deps, "appointment", USER, "1", "T412");
    expect(link?.outlookChangeKey).toBe(eventsFor(rig, "T412")[0]!.changeKey);
  });

  it("a transient failure of one message abandons its batch: redelivered, nothing lost, nothing written twice", async () => {
    const [x] = await seed(rig, ["TX"]);
    rig.sim.injectFault({ method: "PATCH", path: `/users/[^/]+/events/${regex(x!.id)}$`, status: 500, times: 1 });
    const fresh = ["N1", "N2", "N3", "N4", "N5"];
    await send(rig, [...fresh.map((r, i) => appointment("CREATE", r, i)), appointment("UPDATE", "TX", 3, "ERP X")]);
    rig.sim.resetCounters();
    const result = await drainPushWorkerBatched(rig, 100);

    expect(result.deliveries.filter((d) => d.outcome === "abandoned")).toHaveLength(6);
    expect(result.deliveries.filter((d) => d.outcome === "completed")).toHaveLength(6);
    expect(result.deliveries.filter((d) => d.outcome === "completed").map((d) => d.deliveryCount)).toEqual(
      Array(6).fill(2),
    );
    for (const r of fresh) expect(eventsFor(rig, r)).toHaveLength(1);
    expect(eventsFor(rig, "TX").map((e) => e.subject)).toEqual(["ERP X"]);
    // The creates ran in the first delivery only (the redelivery found their links); the PATCH failed, then worked.
    expect(count(rig, "POST /users/{id}/events")).toBe(fresh.length);
    expect(count(rig, "PATCH /users/{id}/events/{id}")).toBe(2);
  });

  it("an item still throttled past the batch's wait: that message alone is rescheduled after its Retry-After", async () => {
    const [y] = await seed(rig, ["TY"]);
    rig.sim.injectFault({
      method: "PATCH",
      path: `/users/[^/]+/events/${regex(y!.id)}$`,
      status: 429,
      retryAfterSeconds: 120, // beyond what the batch runner waits in-process (30 s): no sleeping here
      times: 1,
    });
    const update = appointment("UPDATE", "TY", 4, "ERP Y");
    await send(rig, [update, appointment("CREATE", "NY", 5)]);
    const result = await drainPushWorkerBatched(rig, 100);

    expect(result.deliveries.map((d) => d.outcome)).toEqual(["completed", "completed"]);
    expect(eventsFor(rig, "NY")).toHaveLength(1);
    expect(eventsFor(rig, "TY").map((e) => e.subject)).toEqual([`Visit TY`]);
    const copies = rig.bus
      .queue(QUEUES.push)
      .messages()
      .filter((m) => m.state === "scheduled");
    expect(copies.map((m) => [m.messageId, m.sessionId, (m.bodyJson as { hsaRef: string }).hsaRef])).toEqual([
      [`${pushMessageId(update)}-r1`, USER, "TY"],
    ]);
  });

  it("a task burst for one user: creates + updates through $batch, every task written once and linked", async () => {
    const list = rig.sim.todoLists(MB).find((l) => l.displayName === "COINS")!;
    const refs = Array.from({ length: 12 }, (_, i) => `K${i}`);
    const task = (op: "CREATE" | "UPDATE", r: string, title: string): PushMessage => ({
      kind: "task",
      op,
      user: USER,
      kco: "1",
      hsaRef: r,
      data: { title, status: "notStarted", priority: "normal" },
    });
    const burst = [
      ...refs.map((r) => task("CREATE", r, `Call ${r}`)),
      ...refs.map((r) => task("UPDATE", r, `Call ${r}!`)),
    ];
    await send(rig, burst);
    rig.sim.resetCounters();
    const result = await drainPushWorkerBatched(rig, 100);

    expect(result.failed).toBe(0);
    const tasks = rig.sim.tasks(MB, list.id);
    for (const r of refs) {
      const mine = tasks.filter((t) => (t.linkedResources ?? []).some((l) => l.externalId === `1|${r}`));
      expect(mine.map((t) => t.title)).toEqual([`Call ${r}!`]);
      expect((await linkOfErpKey(rig.deps, "task", USER, "1", r))?.outlookId).toBe(mine[0]!.id);
    }
    const writes = Object.entries(rig.sim.counters().byEndpoint)
      .filter(([k]) => /^(POST|PATCH) .*\/todo\//.test(k))
      .reduce((n, [, v]) => n + v, 0);
    expect(writes).toBe(burst.length);
    expect(rig.sim.counters().requests * 3).toBeLessThanOrEqual(burst.length);
  });
});

describe("push burst through $batch (outlook-wins)", () => {
  const theRig = useRig("outlook-wins");
  let rig: AppRig;
  beforeEach(() => {
    rig = theRig();
  });

  it("in ONE batch: the 429 item is written once after its Retry-After; the 412 item sends Outlook's version to the ERP", async () => {
    const [a, b] = await seed(rig, ["W429", "W412"]);
    rig.sim.updateEvent(MB, b!.id, { subject: "Edited in Outlook" });
    throttleNextPatch(rig, a!.id);
    await send(rig, [appointment("UPDATE", "W429", 0, "ERP 429"), appointment("UPDATE", "W412", 1, "ERP 412")]);
    rig.sim.resetCounters();
    const result = await drainPushWorkerBatched(rig, 100);

    expect(result.failed).toBe(0);
    expect(result.deliveries.map((d) => d.batchSize)).toEqual([2, 2]);
    expect(rig.sim.counters().throttled).toBe(1);
    expect(count(rig, "POST /$batch")).toBe(2);
    expect(eventsFor(rig, "W429").map((e) => e.subject)).toEqual(["ERP 429"]);
    expect(eventsFor(rig, "W412").map((e) => e.subject)).toEqual(["Edited in Outlook"]);
    const inbound = rig.bus
      .queue(QUEUES.inbound)
      .messages()
      .map((m) => m.bodyJson as { op: string; hsaRef?: string; data?: { subject?: string } });
    expect(inbound.filter((m) => m.hsaRef === "W412").map((m) => [m.op, m.data?.subject])).toEqual([
      ["UPDATE", "Edited in Outlook"],
    ]);
  });
});
