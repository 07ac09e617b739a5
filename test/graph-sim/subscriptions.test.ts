// Tests of subscriptions: the validation handshake, limits, renew/delete, notifications with retries and lifecycle events.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startGraphSim, type GraphSim } from "./index.js";
import { waitUntil } from "../harness/waitUntil.js";
import { appToken, graph, inMinutes, Webhook } from "./testkit.js";

/** Webhook answers a test releases itself (after the simulator gave up waiting for them). */
const late: (() => void)[] = [];

let sim: GraphSim;
let g: ReturnType<typeof graph>;
let hook: Webhook;
const MB = "jsmith@contoso.test";
const evBody = {
  subject: "n",
  start: { dateTime: "2030-06-01T09:00:00", timeZone: "UTC" },
  end: { dateTime: "2030-06-01T10:00:00", timeZone: "UTC" },
};

beforeAll(async () => {
  sim = await startGraphSim({
    handshakeTimeoutMs: 400,
    notificationTimeoutMs: 300,
    notificationRetryBaseMs: 40,
    notificationMaxAttempts: 4,
  });
  g = graph(sim, await appToken(sim));
  hook = await new Webhook().start();
});
afterEach(async () => {
  hook.handler = Webhook.correct;
  for (const s of sim.subscriptions()) await g("DELETE", `/subscriptions/${s.id}`);
  await sim.notificationsIdle();
  hook.received = [];
});
afterAll(async () => {
  await hook.stop();
  await sim.stop();
});

const create = (extra: Record<string, unknown> = {}) =>
  g("POST", "/subscriptions", {
    changeType: "created,updated,deleted",
    notificationUrl: hook.url,
    resource: `users/${MB}/events`,
    expirationDateTime: inMinutes(60),
    clientState: "s3cret",
    ...extra,
  });

describe("validation handshake", () => {
  it("is accepted when the webhook echoes the token as 200 text/plain", async () => {
    let seen = "";
    hook.handler = (req, body, res) => {
      seen = new URL(req.url!, "http://x").searchParams.get("validationToken") ?? "";
      Webhook.correct(req, body, res);
    };
    const r = await create({ lifecycleNotificationUrl: `${hook.url}/lifecycle` });
    expect(r.status).toBe(201);
    expect(seen).toMatch(/^Validation: /);
    expect(r.body).toMatchObject({
      resource: `users/${MB}/events`,
      clientState: "s3cret",
      applicationId: sim.defaultApp.clientId,
      notificationContentType: "application/json",
    });
    expect(sim.subscriptions().map((s) => s.id)).toEqual([r.body.id]);
  });

  it.each([
    [
      "a wrong body",
      (res: import("node:http").ServerResponse) => (
        res.writeHead(200, { "content-type": "text/plain" }),
        res.end("nope")
      ),
    ],
    [
      "a wrong content type",
      (res: import("node:http").ServerResponse, token: string) => (
        res.writeHead(200, { "content-type": "application/json" }),
        res.end(token)
      ),
    ],
    [
      "a non-200 status",
      (res: import("node:http").ServerResponse, token: string) => (
        res.writeHead(202, { "content-type": "text/plain" }),
        res.end(token)
      ),
    ],
    [
      // Answered only after the simulator gave up (after create() returned): later than any timeout, by construction.
      "too slowly",
      (res: import("node:http").ServerResponse, token: string) =>
        void late.push(() => (res.writeHead(200, { "content-type": "text/plain" }), res.end(token))),
    ],
  ])("is refused (400 ValidationError) when the webhook answers with %s", async (_n, answer) => {
    hook.handler = (req, _b, res) =>
      answer(res, new URL(req.url!, "http://x").searchParams.get("validationToken") ?? "");
    const r = await create();
    for (const answerLate of late.splice(0)) answerLate();
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("ValidationError");
    expect(sim.subscriptions()).toEqual([]);
  });

  it("also validates lifecycleNotificationUrl", async () => {
    hook.handler = (req, body, res) =>
      req.url!.includes("/lifecycle") ? (res.writeHead(500), res.end()) : Webhook.correct(req, body, res);
    const r = await create({ lifecycleNotificationUrl: `${hook.url}/lifecycle` });
    expect(r.status).toBe(400);
  });
});

describe("subscription limits", () => {
  it.each([
    ["an expiry beyond 10,080 minutes for events", { expirationDateTime: inMinutes(10_081) }],
    ["an expiry in the past", { expirationDateTime: inMinutes(-1) }],
    ["a clientState longer than 128 characters", { clientState: "x".repeat(129) }],
    ["an http notificationUrl off loopback", { notificationUrl: "http://example.com/hook" }],
  ])("refuses %s with 400", async (_n, extra) => {
    expect((await create(extra)).status).toBe(400);
  });

  it("allows 10,080 minutes for events but only 4,230 for To Do tasks", async () => {
    expect((await create({ expirationDateTime: inMinutes(10_079) })).status).toBe(201);
    const list = sim.todoLists(MB).find((l) => l.displayName === "COINS")!;
    const d = graph(sim, sim.issueToken({ user: MB }));
    const body = {
      changeType: "created,updated,deleted",
      notificationUrl: hook.url,
      resource: `me/todo/lists/${list.id}/tasks`,
      clientState: "x",
    };
    expect((await d("POST", "/subscriptions", { ...body, expirationDateTime: inMinutes(4_231) })).status).toBe(400);
    expect((await d("POST", "/subscriptions", { ...body, expirationDateTime: inMinutes(4_229) })).status).toBe(201);
  });

  it("needs the resource's read permission", async () => {
    const noPerm = graph(sim, await appToken(sim, "22222222-2222-4222-8222-222222222222", "no-perms-secret"));
    const r = await noPerm("POST", "/subscriptions", {
      changeType: "created",
      notificationUrl: hook.url,
      resource: `users/${MB}/events`,
      expirationDateTime: inMinutes(60),
    });
    expect(r.status).toBe(403);
  });

  it("PATCH renews, GET reads, DELETE removes; another app cannot see it", async () => {
    const c = await create();
    const p = await g("PATCH", `/subscriptions/${c.body.id}`, { expirationDateTime: inMinutes(120) });
    expect(p.status).toBe(200);
    expect(Date.parse(p.body.expirationDateTime)).toBeGreaterThan(Date.parse(c.body.expirationDateTime));
    expect((await g("GET", `/subscriptions/${c.body.id}`)).body.id).toBe(c.body.id);
    expect((await g("GET", "/subscriptions")).body.value.length).toBe(1);
    const other = graph(sim, await appToken(sim, "22222222-2222-4222-8222-222222222222", "no-perms-secret"));
    expect((await other("GET", `/subscriptions/${c.body.id}`)).status).toBe(404);
    expect((await g("DELETE", `/subscriptions/${c.body.id}`)).status).toBe(204);
    expect((await g("GET", `/subscriptions/${c.body.id}`)).status).toBe(404);
  });
});

describe("notifications", () => {
  it("POSTs a change notification with clientState, resource and resourceData for each change", async () => {
    const c = await create();
    const e = await g("POST", `/users/${MB}/events`, evBody);
    sim.updateEvent(MB, e.body.id, { subject: "by the user" });
    await sim.waitForDeliveries(sim.deliveredNotifications().filter((d) => d.status === 202).length + 2);
    const items = hook.received.map((r) => (r.body as { value: Record<string, any>[] }).value[0]!); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(items.map((i) => i.changeType)).toEqual(["created", "updated"]);
    expect(items[0]).toMatchObject({
      subscriptionId: c.body.id,
      clientState: "s3cret",
      tenantId: sim.tenantId,
      resourceData: { id: e.body.id, "@odata.type": "#Microsoft.Graph.Event" },
    });
    expect(items[0]!.resource).toContain(`/events/${e.body.id}`);
  });

  it("retries a failing endpoint with backoff until it answers 2xx", async () => {
    await create({ changeType: "created" });
    let calls = 0;
    hook.handler = (req, body, res) => {
      if (req.url!.includes("validationToken")) return Webhook.correct(req, body, res);
      calls++;
      if (calls < 3) {
        res.writeHead(500);
        res.end();
      } else Webhook.correct(req, body, res);
    };
    sim.createEvent(MB, evBody);
    await sim.notificationsIdle();
    expect(calls).toBe(3);
    const attempts = sim.deliveredNotifications().slice(-3);
    expect(attempts.map((a) => [a.status, a.attempt])).toEqual([
      [500, 1],
      [500, 2],
      [202, 3],
    ]);
    expect(attempts[2]!.at.getTime() - attempts[0]!.at.getTime()).toBeGreaterThanOrEqual(100); // 40 + 80 ms backoff
  });

  it("gives up after the last attempt and sends a `missed` lifecycle notification", async () => {
    await create({ changeType: "created", lifecycleNotificationUrl: `${hook.url}/lifecycle` });
    hook.handler = (req, body, res) => {
      if (req.url!.includes("validationToken") || req.url!.includes("/lifecycle"))
        return Webhook.correct(req, body, res);
      res.writeHead(503);
      res.end();
    };
    sim.createEvent(MB, evBody);
    await sim.notificationsIdle();
    const changeAttempts = hook.received.filter((r) => !r.url.includes("/lifecycle"));
    expect(changeAttempts.length).toBe(4);
    const lifecycle = hook.received.filter((r) => r.url.includes("/lifecycle"));
    expect(lifecycle.map((r) => (r.body as { value: { lifecycleEvent: string }[] }).value[0]!.lifecycleEvent)).toEqual([
      "missed",
    ]);
  });

  it("treats an endpoint slower than the timeout as failed and retries", async () => {
    await create({ changeType: "created" });
    let calls = 0;
    hook.handler = (req, body, res) => {
      calls++;
      // The first POST is answered only once the simulator recorded it as timed out (status 0).
      if (calls === 1) late.push(() => Webhook.correct(req, body, res));
      else Webhook.correct(req, body, res);
    };
    sim.createEvent(MB, evBody);
    await waitUntil("the first attempt to time out", () => sim.deliveredNotifications().some((d) => d.status === 0));
    for (const answerLate of late.splice(0)) answerLate();
    await sim.notificationsIdle();
    const last = sim.deliveredNotifications().slice(-2);
    expect(last.map((a) => a.status)).toEqual([0, 202]);
  });

  it("an expired subscription disappears and sends nothing", async () => {
    const c = await create();
    sim.expireSubscription(c.body.id);
    expect(sim.subscriptions()).toEqual([]);
    sim.createEvent(MB, evBody);
    // A change for a live subscription is pending at once (queued in the same turn); for an expired one nothing is.
    expect(sim.pendingNotifications()).toBe(0);
    await sim.notificationsIdle();
    expect(hook.received).toEqual([]);
    const d = await create({ expirationDateTime: inMinutes(5) });
    sim.advanceClock(6 * 60_000);
    try {
      expect((await g("GET", `/subscriptions/${d.body.id}`)).status).toBe(404);
    } finally {
      sim.advanceClock(-6 * 60_000);
    }
  });

  it("duplicates, drops and delays notifications on demand", async () => {
    await create({ changeType: "created" });
    sim.notificationFaults.duplicateNext();
    sim.createEvent(MB, evBody);
    await sim.notificationsIdle();
    expect(hook.received.length).toBe(2);
    sim.notificationFaults.dropNext();
    sim.createEvent(MB, evBody);
    await sim.notificationsIdle();
    expect(hook.received.length).toBe(2);
    sim.notificationFaults.delayNextMs(200);
    const t0 = Date.now();
    sim.createEvent(MB, evBody);
    await sim.notificationsIdle();
    expect(hook.received.length).toBe(3);
    expect(hook.received[2]!.at - t0).toBeGreaterThanOrEqual(190);
  });

  it("sends lifecycle notifications to lifecycleNotificationUrl; subscriptionRemoved also removes it", async () => {
    const c = await create({ lifecycleNotificationUrl: `${hook.url}/lifecycle` });
    await sim.triggerLifecycle(c.body.id, "reauthorizationRequired");
    await sim.notificationsIdle();
    expect(hook.received[0]!.url).toContain("/lifecycle");
    expect(hook.received[0]!.body).toEqual({
      value: [
        {
          lifecycleEvent: "reauthorizationRequired",
          subscriptionId: c.body.id,
          subscriptionExpirationDateTime: expect.any(String),
          clientState: "s3cret",
          tenantId: sim.tenantId,
        },
      ],
    });
    expect((await g("POST", `/subscriptions/${c.body.id}/reauthorize`)).status).toBe(204);
    await sim.triggerLifecycle(c.body.id, "subscriptionRemoved");
    expect(sim.subscriptions()).toEqual([]);
  });

  it("notifies To Do task changes to a delegated subscription on that list only", async () => {
    const list = sim.todoLists(MB).find((l) => l.displayName === "COINS")!;
    const other = sim.todoLists(MB).find((l) => l.displayName === "Tasks")!;
    const d = graph(sim, sim.issueToken({ user: MB }));
    const s = await d("POST", "/subscriptions", {
      changeType: "created,updated,deleted",
      notificationUrl: hook.url,
      resource: `me/todo/lists/${list.id}/tasks`,
      expirationDateTime: inMinutes(60),
      clientState: "t",
    });
    expect(s.status).toBe(201);
    sim.createTask(MB, other.id, { title: "elsewhere" });
    const t = sim.createTask(MB, list.id, { title: "here" });
    await sim.notificationsIdle();
    expect(hook.received.length).toBe(1);
    expect((hook.received[0]!.body as { value: { resourceData: { id: string } }[] }).value[0]!.resourceData.id).toBe(
      t.id,
    );
    await d("DELETE", `/subscriptions/${s.body.id}`);
  });
});

describe("batched notifications", () => {
  it("changes that come together reach the webhook in one POST (value holds each), as Graph batches them", async () => {
    const r = await create();
    expect(r.status).toBe(201);
    const before = hook.received.length;
    const ids = [1, 2, 3, 4, 5].map((n) => sim.createEvent(MB, { ...evBody, subject: `batch ${n}` }).id);
    await sim.notificationsIdle();
    const posts = hook.received.slice(before);
    expect(posts).toHaveLength(1);
    const value = (posts[0]!.body as { value: { resourceData: { id: string }; changeType: string }[] }).value;
    expect(value.map((n) => [n.changeType, n.resourceData.id])).toEqual(ids.map((id) => ["created", id]));
  });
});
