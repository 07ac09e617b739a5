// ensureSubscription against the Graph simulator (real handshake with the real webhook), Azurite and the bus stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthError, PermanentError } from "../../../shared/domain/errors.js";
import { ensureSubscription } from "../../../shared/app/subscriptions/ensureSubscription.js";
import type { UserSettings } from "../../../shared/adapters/tables/usersTable.js";
import {
  ADOE,
  JSMITH,
  changeNotification,
  eventInput,
  startWebhookRig,
  waitUntil,
  type WebhookRig,
} from "../webhook/webhookRig.js";

const HOUR = 3_600_000;
let rig: WebhookRig;

beforeAll(async () => {
  rig = await startWebhookRig();
});
afterAll(async () => {
  await rig?.stop();
});

async function user(id: string): Promise<UserSettings> {
  const lookup = await rig.deps.users.getUser(id);
  if (!lookup?.valid) throw new Error(`user ${id} not valid in the seed`);
  return lookup.user;
}
const simSub = (id: string) => rig.sim.subscriptions().find((s) => s.id === id);
/** Runs `call` and returns its result with the app-clock instants just before and just after it. */
async function timed<T>(call: () => Promise<T>): Promise<{ value: T; t0: number; t1: number }> {
  const t0 = rig.deps.now().getTime();
  const value = await call();
  return { value, t0, t1: rig.deps.now().getTime() };
}
/** `actual` is `offset` after some instant inside the call (causality, not the machine's speed). */
const expectAfterCall = (actual: string, call: { t0: number; t1: number }, offset: number) => {
  expect(Date.parse(actual)).toBeGreaterThanOrEqual(call.t0 + offset);
  expect(Date.parse(actual)).toBeLessThanOrEqual(call.t1 + offset);
};

describe("ensureSubscription (events)", () => {
  it("creates a subscription as issue 5 specifies, after Graph's handshake with our webhook and lifecycle URL", async () => {
    const before = rig.host.calls.length;
    const jsmith = await user(JSMITH.userId);
    const call = await timed(() => ensureSubscription(rig.deps, jsmith, "events"));
    const rec = call.value;

    const sub = simSub(rec.subscriptionId);
    expect(sub).toMatchObject({
      resource: "/users/jsmith@contoso.test/events",
      changeType: "created,updated,deleted",
      notificationUrl: rig.webhookUrl,
      lifecycleNotificationUrl: rig.lifecycleUrl,
    });
    expect(sub?.clientState).toBe(rec.clientState);
    expect(rec.clientState.length).toBeGreaterThanOrEqual(43); // ≥ 32 random bytes in base64url
    expect(rec.clientState.length).toBeLessThanOrEqual(128);
    expect(rec.clientState).toMatch(/^[A-Za-z0-9_-]+$/);
    expectAfterCall(rec.expiresAt, call, 48 * HOUR);

    // the simulator's validation handshake reached both endpoints and got the token back
    const handshakes = rig.host.calls.slice(before).filter((c) => c.url.includes("validationToken="));
    expect(handshakes.map((c) => [c.name, c.status])).toEqual([
      ["graphWebhook", 200],
      ["graphLifecycle", 200],
    ]);

    const stored = await rig.deps.subscriptions.get(JSMITH.userId, "events");
    expect(stored).toMatchObject({
      subscriptionId: rec.subscriptionId,
      clientState: rec.clientState,
      resource: sub?.resource,
    });
    expect(await rig.deps.subscriptions.getBySubscriptionId(rec.subscriptionId)).toMatchObject({
      user: "JSMITH",
      kind: "events",
      clientState: rec.clientState,
    });
  });

  it("renews by PATCH to now + 48 h, keeping id, clientState, deltaUrl and window", async () => {
    const first = await ensureSubscription(rig.deps, await user(JSMITH.userId), "events");
    const stored = await rig.deps.subscriptions.get(JSMITH.userId, "events");
    await rig.deps.subscriptions.save(
      {
        ...first,
        deltaUrl: `${rig.sim.graphUrl}/users/x/calendarView/delta?$deltatoken=abc`,
        windowStart: "2026-01-01T00:00:00.000Z",
        windowEnd: "2026-01-22T00:00:00.000Z",
      },
      stored?.etag,
    );
    rig.advance(20 * HOUR);
    const patchesBefore = rig.sim.counters().byEndpoint["PATCH /subscriptions/{id}"] ?? 0;

    const jsmith = await user(JSMITH.userId);
    const call = await timed(() => ensureSubscription(rig.deps, jsmith, "events"));
    const renewed = call.value;

    expect(rig.sim.counters().byEndpoint["PATCH /subscriptions/{id}"] ?? 0).toBe(patchesBefore + 1);
    expect(renewed.subscriptionId).toBe(first.subscriptionId);
    expect(renewed.clientState).toBe(first.clientState);
    expectAfterCall(renewed.expiresAt, call, 48 * HOUR);
    expect(Date.parse(renewed.expiresAt) - Date.parse(first.expiresAt)).toBeGreaterThan(19 * HOUR);
    expectAfterCall(simSub(first.subscriptionId)?.expirationDateTime ?? "", call, 48 * HOUR);
    expect(await rig.deps.subscriptions.get(JSMITH.userId, "events")).toMatchObject({
      subscriptionId: first.subscriptionId,
      expiresAt: renewed.expiresAt,
      deltaUrl: `${rig.sim.graphUrl}/users/x/calendarView/delta?$deltatoken=abc`,
      windowStart: "2026-01-01T00:00:00.000Z",
      windowEnd: "2026-01-22T00:00:00.000Z",
    });
    expect((await rig.deps.subscriptions.getBySubscriptionId(first.subscriptionId))?.expiresAt).toBe(renewed.expiresAt);
  });

  it("recreates when Graph forgot the subscription (PATCH 404): new id and secret, no deltaUrl, old id refused", async () => {
    const old = await ensureSubscription(rig.deps, await user(JSMITH.userId), "events");
    await rig.deps.subscriptions.saveDeltaUrl(JSMITH.userId, "events", `${rig.sim.graphUrl}/old-delta`);
    rig.sim.expireSubscription(old.subscriptionId);

    const fresh = await ensureSubscription(rig.deps, await user(JSMITH.userId), "events");

    expect(fresh.subscriptionId).not.toBe(old.subscriptionId);
    expect(fresh.clientState).not.toBe(old.clientState);
    expect(simSub(fresh.subscriptionId)).toBeDefined();
    const stored = await rig.deps.subscriptions.get(JSMITH.userId, "events");
    expect(stored?.subscriptionId).toBe(fresh.subscriptionId);
    expect(stored?.deltaUrl).toBeUndefined();
    expect(await rig.deps.subscriptions.getBySubscriptionId(old.subscriptionId)).toBeUndefined();

    // the index row of the new id works end to end: a change in Outlook → one PULL for the new subscription
    const pullsBefore = rig.pullMessages().length;
    rig.sim.createEvent(JSMITH.mailbox, eventInput("after recreate"));
    await waitUntil(() => rig.pullMessages().length > pullsBefore, "a PULL message");
    expect(rig.pullMessages().at(-1)).toMatchObject({
      sessionId: "JSMITH",
      bodyJson: { source: "MSEVENT", subscriptionId: fresh.subscriptionId, user: "JSMITH" },
    });

    // a (replayed) notification for the old id, with the old secret, is no longer accepted
    const count = rig.pullMessages().length;
    const res = await rig.post(rig.webhookUrl, { value: [changeNotification(old.subscriptionId, old.clientState)] });
    expect(res.status).toBe(202);
    expect(rig.pullMessages().length).toBe(count);
  });

  it("recreate: true makes a new subscription and deletes the old one in Graph", async () => {
    const old = await ensureSubscription(rig.deps, await user(JSMITH.userId), "events");
    const fresh = await ensureSubscription(rig.deps, await user(JSMITH.userId), "events", { recreate: true });
    expect(fresh.subscriptionId).not.toBe(old.subscriptionId);
    expect(simSub(old.subscriptionId)).toBeUndefined();
    expect(simSub(fresh.subscriptionId)).toBeDefined();
  });

  it("creates without a PATCH when the stored expiry has passed", async () => {
    const old = await ensureSubscription(rig.deps, await user(JSMITH.userId), "events");
    rig.advance(49 * HOUR);
    const patches = rig.sim.counters().byEndpoint["PATCH /subscriptions/{id}"] ?? 0;
    const jsmith = await user(JSMITH.userId);
    const call = await timed(() => ensureSubscription(rig.deps, jsmith, "events"));
    const fresh = call.value;
    expect(rig.sim.counters().byEndpoint["PATCH /subscriptions/{id}"] ?? 0).toBe(patches);
    expect(fresh.subscriptionId).not.toBe(old.subscriptionId);
    expectAfterCall(fresh.expiresAt, call, 48 * HOUR);
  });

  it("watches the new mailbox when an admin changed the user's mailbox", async () => {
    await ensureSubscription(rig.deps, await user(JSMITH.userId), "events");
    const moved = { ...(await user(JSMITH.userId)), mailbox: "adoe@contoso.test" };
    const rec = await ensureSubscription(rig.deps, moved, "events");
    expect(rec.resource).toBe("/users/adoe@contoso.test/events");
    expect(simSub(rec.subscriptionId)?.resource).toBe("/users/adoe@contoso.test/events");
    await ensureSubscription(rig.deps, await user(JSMITH.userId), "events"); // back to normal for later tests
  });

  it("records auth_required on the user and rethrows when Graph refuses (403)", async () => {
    await rig.deps.subscriptions.remove(ADOE.userId, "events");
    rig.sim.injectFault({ method: "POST", path: "^/subscriptions$", status: 403, code: "ErrorAccessDenied" });
    await expect(ensureSubscription(rig.deps, await user(ADOE.userId), "events")).rejects.toBeInstanceOf(AuthError);
    const lookup = await rig.deps.users.getUser(ADOE.userId);
    expect(lookup?.valid && lookup.user.status).toBe("auth_required");
    expect(lookup?.valid && lookup.user.lastError).toMatch(/subscription \(events\)/);
    expect(await rig.deps.subscriptions.get(ADOE.userId, "events")).toBeUndefined();
  });
});

describe("ensureSubscription (todoTasks)", () => {
  it("a mailbox without the TASK_LIST_NAME list → status no_task_list and PermanentError no_task_list", async () => {
    const err = await ensureSubscription(rig.deps, await user(ADOE.userId), "todoTasks").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as PermanentError).code).toBe("no_task_list");
    const lookup = await rig.deps.users.getUser(ADOE.userId);
    expect(lookup?.valid && lookup.user).toMatchObject({
      status: "no_task_list",
      lastError: "TASK_LIST_NAME: To Do list 'COINS' not found in mailbox adoe@contoso.test",
    });
  });

  it("subscribes to the COINS list's tasks; Graph refuses app-only To Do subscriptions → auth_required", async () => {
    const coins = rig.sim.todoLists(JSMITH.mailbox).find((l) => l.displayName === "COINS");
    const creates = rig.sim.counters().byEndpoint["POST /subscriptions"] ?? 0;
    await expect(ensureSubscription(rig.deps, await user(JSMITH.userId), "todoTasks")).rejects.toBeInstanceOf(
      AuthError,
    );
    expect(rig.sim.counters().byEndpoint["POST /subscriptions"] ?? 0).toBe(creates + 1);
    expect(coins).toBeDefined();
    const lookup = await rig.deps.users.getUser(JSMITH.userId);
    expect(lookup?.valid && lookup.user.status).toBe("auth_required");
  });
});
