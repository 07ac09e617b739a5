// Appointments end to end: Azurite + Graph simulator (its own notification delivery to the real webhook) + Service Bus
// stand-in, the push and pull workers driven by the host-faithful delivery harness with the real SDK.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InvocationContext } from "@azure/functions";
import { runPullWorker } from "../../functions/pullWorker.js";
import { runPushWorker } from "../../functions/pushWorker.js";
import type { SubscriptionsTable } from "../../shared/adapters/tables/subscriptionsTable.js";
import type { AppDeps } from "../../shared/app/appDeps.js";
import { buildPullHandlers } from "../../shared/app/pullHandlers.js";
import { buildPushHandlers } from "../../shared/app/pushHandlers.js";
import { ERP_KEY_PROPERTY_ID } from "../../shared/domain/appointments/erpKey.js";
import { TransientError } from "../../shared/domain/errors.js";
import { pullMessageId, pushMessageId } from "../../shared/domain/messages/messageIds.js";
import type { PullMessage } from "../../shared/domain/messages/pullMessage.js";
import type { PushMessage } from "../../shared/domain/messages/pushMessage.js";
import { createDeliveryHarness, type DeliveryHarness, type Delivery } from "../harness/deliveryHarness.js";
import { QUEUES, startAppRig, type AppRig } from "../harness/appRig.js";
import { webhookRoutes } from "../harness/webhookRoutes.js";
import { appointment, at, DAY, MB, utc } from "../app/appointments/appointmentRig.js";

const ADOE_MB = "adoe@contoso.test";

let rig: AppRig;
let push: DeliveryHarness;
let pull: DeliveryHarness;
const pullDeliveries: Delivery[] = [];
/** Failures to inject into the pull worker's saveDeltaUrl (a crash between sending and saving the cursor). */
const faults = { saveDeltaUrl: 0 };

type Inbound = Record<string, unknown> & { op: string; kind: string; data?: Record<string, unknown> };

async function sendPush(message: PushMessage, messageId = pushMessageId(message)) {
  await rig.deps.queues.send(QUEUES.push, message, { sessionId: message.user, messageId });
}
async function sendPull(message: PullMessage, runId: string) {
  await rig.deps.queues.send(QUEUES.pull, message, {
    sessionId: message.user,
    messageId: pullMessageId(message, runId),
  });
}

const inboundAll = () =>
  rig.bus
    .queue(QUEUES.inbound)
    .messages()
    .map((m) => m.bodyJson as Inbound);
let inboundSeen = 0;
/** erp-inbound messages since the last call. */
function newInbound(): Inbound[] {
  const all = inboundAll();
  const out = all.slice(inboundSeen);
  inboundSeen = all.length;
  return out;
}

/** Graph writes to events the app made (the simulator's own user edits are not HTTP calls). */
function graphWrites(): number {
  return Object.entries(rig.sim.counters().byEndpoint)
    .filter(([k]) => /^(POST|PATCH|DELETE) \/users\/\{id\}\/events/.test(k))
    .reduce((n, [, v]) => n + v, 0);
}

/** Lets notifications reach the webhook and drains both queues until nothing is left anywhere. */
async function settle(): Promise<void> {
  for (let round = 0; round < 12; round++) {
    await rig.sim.notificationsIdle();
    const pushCount = rig.bus.queue(QUEUES.push).activeCount();
    const pullCount = rig.bus.queue(QUEUES.pull).activeCount();
    if (pushCount === 0 && pullCount === 0) return;
    // Both workers run at once, as in Azure (a PULL may overtake the link save of the PUSH that caused it).
    await Promise.all([
      pushCount ? push.drain() : undefined,
      pullCount ? pull.drain().then((r) => pullDeliveries.push(...r.deliveries)) : undefined,
    ]);
  }
  throw new Error("queues did not settle");
}

const eventsOf = (mb = MB) => rig.sim.events(mb);
const erpKeyOf = (ev: { singleValueExtendedProperties?: { id: string; value: string }[] }) =>
  ev.singleValueExtendedProperties?.find((p) => p.id.toLowerCase() === ERP_KEY_PROPERTY_ID.toLowerCase())?.value;
const eventFor = (hsaRef: string) => eventsOf().find((e) => erpKeyOf(e) === `1|${hsaRef}`);

function withFaultySaveDeltaUrl(real: SubscriptionsTable): SubscriptionsTable {
  const wrapped = Object.create(real) as SubscriptionsTable;
  wrapped.saveDeltaUrl = async (...args: Parameters<SubscriptionsTable["saveDeltaUrl"]>) => {
    if (faults.saveDeltaUrl > 0) {
      faults.saveDeltaUrl--;
      throw new TransientError("injected_crash", "test: the worker died before saving the cursor");
    }
    return real.saveDeltaUrl(...args);
  };
  return wrapped;
}

beforeAll(async () => {
  rig = await startAppRig({
    routes: (deps) => webhookRoutes(deps),
  });
  await rig.deps.users.upsertUser({
    userId: "JSMITH",
    mailbox: MB,
    defaultCompany: "1",
    syncAppointments: true,
    appointmentsFromOutlook: true,
  });
  await rig.deps.users.upsertUser({ userId: "ADOE", mailbox: ADOE_MB, defaultCompany: "1", emails: true });
  for (const [code, description] of [
    ["MEET", "Meeting"],
    ["VISIT", "Site visit"],
  ] as const)
    await rig.deps.actionTypes.upsert({ company: "1", code, description });

  const pushDeps = { queue: QUEUES.push, handlers: buildPushHandlers(rig.deps), rejected: rig.deps.rejected };
  const pullAppDeps: AppDeps = { ...rig.deps, subscriptions: withFaultySaveDeltaUrl(rig.deps.subscriptions) };
  const pullDeps = { queue: QUEUES.pull, handlers: buildPullHandlers(pullAppDeps), rejected: rig.deps.rejected };
  const connectionString = rig.bus.connectionString;
  push = createDeliveryHarness({
    connectionString,
    queue: QUEUES.push,
    handler: (m: unknown, c: InvocationContext) => runPushWorker(m, c, pushDeps),
  });
  pull = createDeliveryHarness({
    connectionString,
    queue: QUEUES.pull,
    handler: (m: unknown, c: InvocationContext) => runPullWorker(m, c, pullDeps),
  });
}, 30_000);

afterAll(async () => {
  if (process.env.DUMP_LOGS) console.log([...push.logs, ...pull.logs].map((l) => `${l.level} ${l.text}`).join("\n"));
  await push?.stop();
  await pull?.stop();
  await rig?.stop();
});

describe("appointments end to end", () => {
  it("RESYNC subscribes the user (expiry now + 48 h), reads the window and asks the ERP to push its appointments", async () => {
    await sendPull({ source: "RESYNC", user: "JSMITH", reason: "admin" }, "first");
    await settle();
    const stored = await rig.deps.subscriptions.get("JSMITH", "events");
    expect(stored?.deltaUrl).toMatch(/deltatoken/i);
    expect(Math.abs(Date.parse(stored!.expiresAt) - (rig.deps.now().getTime() + 48 * 3_600_000))).toBeLessThan(60_000);
    expect(rig.sim.subscriptions().map((s) => s.id)).toContain(stored!.subscriptionId);
    const sent = newInbound();
    expect(sent).toEqual([
      expect.objectContaining({
        kind: "appointment",
        op: "RESYNC",
        user: "JSMITH",
        kco: "1",
        windowStart: stored!.windowStart,
      }),
    ]);
    expect(await rig.deps.users.getUser("JSMITH")).toMatchObject({ valid: true, user: { status: "ok" } });
  });

  it("ERP create/update/delete reach Outlook, once each, without echo to the ERP", async () => {
    const writes0 = graphWrites();
    const create = appointment("CREATE", "H1");
    await sendPush(create);
    await settle();
    const created = eventFor("H1");
    expect(created).toMatchObject({
      subject: "Site meeting H1",
      categories: ["Meeting"],
      location: { displayName: "Depot" },
    });
    expect(Date.parse(`${created!.start.dateTime}Z`)).toBe(Date.parse(at(2, 9)));
    // The ERP sends the same CREATE again (a new message): no second event, no Graph write.
    await sendPush(create, "erp-resend-of-H1");
    await settle();
    expect(eventsOf().filter((e) => erpKeyOf(e) === "1|H1")).toHaveLength(1);
    expect(graphWrites() - writes0).toBe(1);

    await sendPush(appointment("UPDATE", "H1", { subject: "Site meeting moved", start: at(3, 14), end: at(3, 15) }));
    await settle();
    expect(eventFor("H1")).toMatchObject({ id: created!.id, subject: "Site meeting moved" });
    expect(Date.parse(`${eventFor("H1")!.start.dateTime}Z`)).toBe(Date.parse(at(3, 14)));

    await sendPush(appointment("DELETE", "H1"));
    await settle();
    expect(eventFor("H1")).toBeUndefined();
    expect(graphWrites() - writes0).toBe(3);
    expect(await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", "H1")).toBeUndefined();
    // Our own writes came back as notifications and PULLs ran, but nothing went to the ERP.
    expect(newInbound()).toEqual([]);
  });

  let outlookBorn = "";
  it("an Outlook event whose first category matches → exactly one CREATE; a non-matching one → none", async () => {
    const pullsBefore = pullDeliveries.length;
    const matching = rig.sim.createEvent(MB, {
      subject: "Client visit",
      start: utc(4, 8),
      end: utc(4, 9),
      categories: ["Meeting", "Other"],
      body: { contentType: "text", content: "Gate code 1234" },
    });
    rig.sim.createEvent(MB, { subject: "Dentist", start: utc(4, 12), end: utc(4, 13), categories: ["Personal"] });
    await settle();
    expect(pullDeliveries.length).toBeGreaterThan(pullsBefore);
    const sent = newInbound();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      kind: "appointment",
      op: "CREATE",
      user: "JSMITH",
      kco: "1",
      hsaRef: null,
      outlookId: matching.id,
      actionType: "MEET",
      data: { subject: "Client visit", allDay: false, notes: "Gate code 1234" },
    });
    outlookBorn = matching.id;

    // The ERP answers with the new record carrying outlookId: linked, nothing written to Outlook, nothing sent back.
    const writes0 = graphWrites();
    const data = sent[0]!.data!;
    await sendPush(appointment("CREATE", "H2", { ...data, actionType: "MEET" }, { outlookId: matching.id }));
    await settle();
    expect(await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", "H2")).toMatchObject({
      outlookId: matching.id,
    });
    expect(graphWrites()).toBe(writes0);
    expect(eventsOf().filter((e) => e.subject === "Client visit")).toHaveLength(1);
    expect(newInbound()).toEqual([]);
  });

  it("Outlook update/delete of a linked event → UPDATE/DELETE; the ERP's echo of the UPDATE writes nothing", async () => {
    rig.sim.updateEvent(MB, outlookBorn, { subject: "Client visit (moved)", start: utc(5, 8), end: utc(5, 10) });
    await settle();
    const [update, ...rest] = newInbound();
    expect(rest).toEqual([]);
    expect(update).toMatchObject({ op: "UPDATE", hsaRef: "H2", outlookId: outlookBorn, actionType: "MEET" });
    expect(update!.data).toMatchObject({
      subject: "Client visit (moved)",
      start: new Date(`${utc(5, 8).dateTime}Z`).toISOString(),
    });

    const writes0 = graphWrites();
    await sendPush(appointment("UPDATE", "H2", { ...update!.data, actionType: "MEET" }, { outlookId: outlookBorn }));
    await settle();
    expect(graphWrites()).toBe(writes0);
    expect(newInbound()).toEqual([]);

    // Duplicate notifications of one change → one UPDATE.
    rig.sim.notificationFaults.duplicateNext(3);
    rig.sim.updateEvent(MB, outlookBorn, { location: { displayName: "Head office" } });
    await settle();
    const dup = newInbound();
    expect(dup).toHaveLength(1);
    expect(dup[0]).toMatchObject({ op: "UPDATE", hsaRef: "H2", data: { location: "Head office" } });

    rig.sim.deleteEvent(MB, outlookBorn);
    await settle();
    expect(newInbound()).toEqual([
      expect.objectContaining({ op: "DELETE", kco: "1", hsaRef: "H2", outlookId: outlookBorn }),
    ]);
    // The link is now a tombstone (the ERP was sent DELETE; a late push of it re-creates nothing).
    expect(await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", "H2")).toMatchObject({
      state: "outlookDeleted",
    });
  });

  it("a crash between sending and saving the cursor: changes are read again, still exactly one effect each", async () => {
    await sendPush(appointment("CREATE", "H3"));
    await settle();
    const h3 = eventFor("H3")!;
    newInbound();
    const before = await rig.deps.subscriptions.get("JSMITH", "events");

    faults.saveDeltaUrl = 1;
    const pullsBefore = pullDeliveries.length;
    const visit = rig.sim.createEvent(MB, {
      subject: "Survey",
      start: utc(6, 9),
      end: utc(6, 11),
      categories: ["site visit"],
    });
    rig.sim.updateEvent(MB, h3.id, { subject: "Site meeting H3 (user edit)" });
    await settle();
    expect(faults.saveDeltaUrl).toBe(0);
    const runs = pullDeliveries.slice(pullsBefore);
    expect(runs.some((d) => d.outcome === "abandoned")).toBe(true);
    const sent = newInbound();
    expect(sent.map((m) => `${m.op} ${String(m.outlookId)}`).sort()).toEqual(
      [`CREATE ${visit.id}`, `UPDATE ${h3.id}`].sort(),
    );
    expect(sent.find((m) => m.op === "CREATE")).toMatchObject({ actionType: "VISIT", hsaRef: null });
    expect(sent.find((m) => m.op === "UPDATE")).toMatchObject({
      hsaRef: "H3",
      data: { subject: "Site meeting H3 (user edit)" },
    });
    const after = await rig.deps.subscriptions.get("JSMITH", "events");
    expect(after?.deltaUrl).not.toBe(before?.deltaUrl);
  });

  it("410 syncStateNotFound → full read of the window, nothing lost (missed delete and create both reach the ERP)", async () => {
    await sendPush(appointment("CREATE", "H4"));
    await settle();
    const h4 = eventFor("H4")!;
    newInbound();
    // Two changes whose notifications are lost, then a third whose PULL meets a 410 on the delta token.
    rig.sim.notificationFaults.dropNext(2);
    rig.sim.deleteEvent(MB, h4.id);
    const missed = rig.sim.createEvent(MB, {
      subject: "Missed",
      start: utc(7, 9),
      end: utc(7, 10),
      categories: ["Meeting"],
    });
    rig.sim.injectFault({ path: "/calendarView/delta", status: 410, code: "syncStateNotFound" });
    rig.sim.createEvent(MB, { subject: "Lunch", start: utc(7, 12), end: utc(7, 13) });
    await settle();
    expect(pull.logs.some((l) => /delta token refused .*syncStateNotFound.*full read/.test(l.text))).toBe(true);
    const sent = newInbound();
    expect(sent.map((m) => `${m.op} ${String(m.hsaRef)} ${String(m.outlookId)}`).sort()).toEqual(
      [`CREATE null ${missed.id}`, `DELETE H4 ${h4.id}`].sort(),
    );
    const stored = await rig.deps.subscriptions.get("JSMITH", "events");
    expect(stored?.deltaUrl).toMatch(/deltatoken/i);
    // The new cursor works: a later change flows as usual.
    rig.sim.updateEvent(MB, missed.id, { subject: "Missed (seen)" });
    await settle();
    expect(newInbound()).toEqual([expect.objectContaining({ op: "CREATE", outlookId: missed.id })]);
  });

  it("an event moved out of the window is not deleted in the ERP; an ERP DELETE of it is still honoured", async () => {
    await sendPush(appointment("CREATE", "H5"));
    await settle();
    const h5 = eventFor("H5")!;
    newInbound();
    rig.sim.updateEvent(MB, h5.id, { start: utc(60, 9), end: utc(60, 10) });
    await settle();
    expect(newInbound()).toEqual([]);
    expect(await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", "H5")).toMatchObject({ outlookId: h5.id });

    await sendPush(appointment("DELETE", "H5"));
    await sendPush(appointment("CREATE", "H6", { start: at(90, 9), end: at(90, 10) }));
    await settle();
    expect(eventsOf().some((e) => e.id === h5.id)).toBe(false);
    expect(eventFor("H6")).toBeUndefined();
    expect(newInbound()).toEqual([]);
  });

  it("a user without the switch is untouched: pushes complete with nothing written, RESYNC subscribes nothing", async () => {
    const writes0 = graphWrites();
    const m = { ...appointment("CREATE", "A1"), user: "ADOE" } as PushMessage;
    await sendPush(m);
    await sendPull({ source: "RESYNC", user: "ADOE", reason: "nightly" }, "adoe");
    await settle();
    expect(eventsOf(ADOE_MB)).toEqual([]);
    expect(graphWrites()).toBe(writes0);
    expect(await rig.deps.subscriptions.get("ADOE", "events")).toBeUndefined();
    expect(rig.sim.subscriptions().filter((s) => /adoe|a002/i.test(s.resource))).toEqual([]);
    expect(newInbound()).toEqual([]);
    expect(await rig.deps.rejected.list()).toEqual([]);
  });

  it("the nightly RESYNC renews the subscription to now + 48 h, moves the window and sends the ERP RESYNC request", async () => {
    const before = (await rig.deps.subscriptions.get("JSMITH", "events"))!;
    rig.advance(DAY);
    await sendPull(
      { source: "RESYNC", user: "JSMITH", subscriptionId: before.subscriptionId, reason: "nightly" },
      "night-2",
    );
    await settle();
    const after = (await rig.deps.subscriptions.get("JSMITH", "events"))!;
    expect(after.subscriptionId).toBe(before.subscriptionId);
    const expected = rig.deps.now().getTime() + 48 * 3_600_000;
    expect(Math.abs(Date.parse(after.expiresAt) - expected)).toBeLessThan(60_000);
    const inGraph = rig.sim.subscriptions().find((s) => s.id === after.subscriptionId)!;
    expect(Math.abs(Date.parse(inGraph.expirationDateTime) - expected)).toBeLessThan(60_000);
    expect(Date.parse(after.windowStart!) - Date.parse(before.windowStart!)).toBe(DAY);
    expect(Date.parse(after.windowEnd!) - Date.parse(before.windowEnd!)).toBe(DAY);
    expect(after.deltaUrl).not.toBe(before.deltaUrl);
    // Everything was in step: only the request goes to the ERP.
    expect(newInbound()).toEqual([
      expect.objectContaining({
        op: "RESYNC",
        user: "JSMITH",
        windowStart: after.windowStart,
        windowEnd: after.windowEnd,
      }),
    ]);
    expect(await rig.deps.rejected.list()).toEqual([]);
  });
});
