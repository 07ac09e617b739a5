// The webhook over real HTTP: handshake, the simulator's own notifications → msgraph-pull, duplicates, forgeries,
// malformed bodies, a dead queue, and how fast it answers.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createQueueSender } from "../../shared/adapters/servicebus/queueSender.js";
import { ensureSubscription } from "../../shared/app/subscriptions/ensureSubscription.js";
import type { SubscriptionRecord } from "../../shared/adapters/tables/subscriptionsTable.js";
import { DEFAULT_DEADLINE_MS } from "../../shared/app/webhook/acceptNotifications.js";
import { freePort } from "../harness/freePort.js";
import {
  JSMITH,
  changeNotification,
  eventInput,
  startWebhookRig,
  waitUntil,
  type WebhookRig,
} from "../app/webhook/webhookRig.js";
import type { Registration } from "../harness/captureRegistrations.js";

const registrations = vi.hoisted(() => [] as Registration[]);
vi.mock("@azure/functions", async (importOriginal) =>
  (await import("../harness/captureRegistrations.js")).mockFunctionsApp(importOriginal, registrations, ["http"]),
);

let rig: WebhookRig;
let sub: SubscriptionRecord;

beforeAll(async () => {
  rig = await startWebhookRig();
  const lookup = await rig.deps.users.getUser(JSMITH.userId);
  if (!lookup?.valid) throw new Error("seed");
  sub = await ensureSubscription(rig.deps, lookup.user, "events");
});
afterAll(async () => {
  await rig?.stop();
});

const newLogs = (from: number) => rig.host.logs.slice(from).join("\n");

describe("graphWebhook", () => {
  it("is registered as an anonymous POST on graph/notifications", () => {
    expect(registrations.find((r) => r.name === "graphWebhook")?.options).toMatchObject({
      methods: ["POST"],
      authLevel: "anonymous",
      route: "graph/notifications",
    });
  });

  it("answers the validation handshake with the decoded token as text/plain", async () => {
    const token = "Validation: Testing client application reachability for subscription Request-Id: 1f6e+a/b=c&d";
    const res = await fetch(`${rig.webhookUrl}?validationToken=${encodeURIComponent(token)}`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(token);
  });

  it("turns the simulator's notification for a new event into one PULL message (source, subscription, user, SessionId)", async () => {
    const before = rig.pullMessages().length;
    const delivered = rig.sim.deliveredNotifications().length;
    rig.sim.createEvent(JSMITH.mailbox, eventInput("Site visit"));
    await rig.sim.waitForDeliveries(delivered + 1);
    await waitUntil(() => rig.pullMessages().length > before, "a PULL message");
    const fresh = rig.pullMessages().slice(before);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]).toMatchObject({
      sessionId: "JSMITH",
      messageId: expect.stringMatching(/^pull-[0-9a-f]{64}$/),
      bodyJson: { source: "MSEVENT", subscriptionId: sub.subscriptionId, user: "JSMITH" },
    });
    const answered = rig.sim.deliveredNotifications().slice(delivered);
    expect(answered.map((d) => d.status)).toEqual([202]);
  });

  it("a notification Graph posts twice yields exactly one PULL message", async () => {
    const before = rig.pullMessages().length;
    const dropped = rig.bus.queue("msgraph-pull").duplicateCount();
    const delivered = rig.sim.deliveredNotifications().length;
    rig.sim.notificationFaults.duplicateNext();
    rig.sim.createEvent(JSMITH.mailbox, eventInput("Meeting twice"));
    await rig.sim.waitForDeliveries(delivered + 2);
    await rig.sim.notificationsIdle();
    const posts = rig.sim.deliveredNotifications().slice(delivered);
    expect(posts.filter((d) => d.status === 202)).toHaveLength(2);
    expect(rig.pullMessages().slice(before)).toHaveLength(1);
    expect(rig.bus.queue("msgraph-pull").duplicateCount()).toBe(dropped + 1);
  });

  it("forged clientState and unknown subscription: 202, nothing enqueued, log names the subscription but no secret", async () => {
    const before = rig.pullMessages().length;
    const logFrom = rig.host.logs.length;
    const forgedSecret = "forged-secret-0123456789-0123456789-0123456789";
    const forged = await rig.post(rig.webhookUrl, { value: [changeNotification(sub.subscriptionId, forgedSecret)] });
    const unknown = await rig.post(rig.webhookUrl, {
      value: [changeNotification("00000000-dead-4000-8000-000000000000", sub.clientState)],
    });
    expect([forged.status, unknown.status]).toEqual([202, 202]);
    expect(rig.pullMessages().length).toBe(before);
    const log = newLogs(logFrom);
    expect(log).toContain(`subscription ${sub.subscriptionId} (clientStateMismatch)`);
    expect(log).toContain("subscription 00000000-dead-4000-8000-000000000000 (unknownSubscription)");
    expect(log).not.toContain(forgedSecret);
    expect(log).not.toContain(sub.clientState);
  });

  it("in a mixed post only the genuine notification is enqueued; several changes of one subscription → one message", async () => {
    const before = rig.pullMessages().length;
    const res = await rig.post(rig.webhookUrl, {
      value: [
        changeNotification(sub.subscriptionId, sub.clientState, "ev-a", 'W/"a1"'),
        changeNotification(sub.subscriptionId, "nope", "ev-b", 'W/"b1"'),
        changeNotification(sub.subscriptionId, sub.clientState, "ev-c", 'W/"c1"'),
      ],
    });
    expect(res.status).toBe(202);
    expect(
      rig
        .pullMessages()
        .slice(before)
        .map((m) => m.bodyJson),
    ).toEqual([{ source: "MSEVENT", subscriptionId: sub.subscriptionId, user: "JSMITH" }]);
  });

  it("a lifecycle notification posted to the change URL becomes a LIFECYCLE message", async () => {
    const before = rig.pullMessages().length;
    const res = await rig.post(rig.webhookUrl, {
      value: [
        {
          lifecycleEvent: "missed",
          subscriptionId: sub.subscriptionId,
          subscriptionExpirationDateTime: sub.expiresAt,
          clientState: sub.clientState,
          tenantId: rig.sim.tenantId,
        },
      ],
    });
    expect(res.status).toBe(202);
    expect(rig.pullMessages().slice(before)).toMatchObject([
      {
        sessionId: "JSMITH",
        bodyJson: { source: "LIFECYCLE", subscriptionId: sub.subscriptionId, user: "JSMITH", lifecycleEvent: "missed" },
      },
    ]);
  });

  it.each([
    ["malformed JSON", '{"value": [', /^body: malformed JSON/],
    ["an empty body", "", /^body: empty/],
    ["no value array", { notifications: [] }, /^value: /],
  ])("%s → 400 with a reason naming the field", async (_what, body, reason) => {
    const before = rig.pullMessages().length;
    const res = await rig.post(rig.webhookUrl, body);
    expect(res.status).toBe(400);
    expect((JSON.parse(res.text) as { reason: string }).reason).toMatch(reason);
    expect(rig.pullMessages().length).toBe(before);
  });

  it("caps an anonymous post: > 1 MiB → 413, > 1000 items or > 100 subscriptions → 400 naming value; nothing read", async () => {
    const before = rig.pullMessages().length;
    const big = await rig.post(rig.webhookUrl, {
      value: [changeNotification(sub.subscriptionId, sub.clientState)],
      pad: "x".repeat(1024 * 1024),
    });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text)).toMatchObject({
      error: "payload_too_large",
      reason: expect.stringMatching(/^body: \d+ bytes exceeds the limit of 1048576 bytes$/),
    });
    const items = (n: number, subs: number) => ({
      value: Array.from({ length: n }, (_, i) =>
        changeNotification(i % subs === 0 ? sub.subscriptionId : `other-${i % subs}`, sub.clientState, `c${i}`),
      ),
    });
    const tooManyItems = await rig.post(rig.webhookUrl, items(1001, 1));
    expect(tooManyItems.status).toBe(400);
    expect(JSON.parse(tooManyItems.text).reason).toMatch(/^value: 1001 notifications exceed the limit of 1000/);
    const tooManySubs = await rig.post(rig.webhookUrl, items(101, 101));
    expect(tooManySubs.status).toBe(400);
    expect(JSON.parse(tooManySubs.text).reason).toMatch(/^value: notifications for 101 distinct subscriptions/);
    expect(rig.pullMessages().length).toBe(before);
  });

  it("a malformed body's echo in the log stays on one line (no forged log entries)", async () => {
    const logFrom = rig.host.logs.length;
    const res = await rig.post(rig.webhookUrl, "x\nINFO graph webhook: forged entry");
    expect(res.status).toBe(400);
    const logged = rig.host.logs.slice(logFrom).filter((l) => l.includes("bad request"));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('"x?INFO'); // V8 quotes the start of the posted text in its error
    expect(logged[0]).not.toMatch(/[\n\r]/);
  });

  it("a cold start that outlasts the deadline → 503 while the app is still starting (the start counts against the 2 s)", async () => {
    const before = rig.pullMessages().length;
    const body = { value: [changeNotification(sub.subscriptionId, sub.clientState, "ev-cold", 'W/"cold"')] };
    // The start finishes only when the test says so: the 503 can only come from the deadline, not from the start.
    let started = false;
    let finishStart: () => void = () => undefined;
    rig.useDeadline(DEFAULT_DEADLINE_MS);
    rig.useHandlerDeps(
      () =>
        new Promise((resolve) => {
          finishStart = () => ((started = true), resolve(rig.deps));
        }),
    );
    try {
      const res = await rig.post(rig.webhookUrl, body);
      expect(res.status).toBe(503);
      expect(JSON.parse(res.text)).toMatchObject({ reason: "the app is still starting" });
      expect(started).toBe(false);
      expect(rig.pullMessages().length).toBe(before);
    } finally {
      finishStart();
      rig.useHandlerDeps(undefined);
      rig.useDeadline(undefined);
    }
    expect((await rig.post(rig.webhookUrl, body)).status).toBe(202); // Graph's retry, once warm
    expect(rig.pullMessages().slice(before)).toHaveLength(1);
  });

  it("answers 5xx when the queue cannot be reached, so Graph retries; the retry then gets through once", async () => {
    const dead = createQueueSender(
      `Endpoint=sb://127.0.0.1:${await freePort()};SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;`,
    );
    const body = { value: [changeNotification(sub.subscriptionId, sub.clientState, "ev-retry", 'W/"r1"')] };
    const before = rig.pullMessages().length;
    rig.useHandlerDeps({ ...rig.deps, queues: dead });
    rig.useDeadline(DEFAULT_DEADLINE_MS);
    try {
      const res = await rig.post(rig.webhookUrl, body);
      expect(res.status).toBe(503);
      // The production deadline bounds the answer; the reason says which dependency failed.
      expect(JSON.parse(res.text)).toMatchObject({ reason: expect.stringMatching(/^queue unavailable/) });
      expect(rig.pullMessages().length).toBe(before);
    } finally {
      rig.useHandlerDeps(undefined);
      rig.useDeadline(undefined);
      await dead.close();
    }
    expect((await rig.post(rig.webhookUrl, body)).status).toBe(202);
    expect((await rig.post(rig.webhookUrl, body)).status).toBe(202);
    expect(rig.pullMessages().slice(before)).toHaveLength(1);
  });

  // Latency is measured by `npm run bench` (printed here for information); the test asserts every post is accepted.
  it("answers 50 posts in a row with 202 (against Azurite + the bus stand-in)", async () => {
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await rig.post(rig.webhookUrl, {
        value: [changeNotification(sub.subscriptionId, sub.clientState, `ev-perf-${i}`, `W/"p${i}"`)],
      });
      expect(res.status).toBe(202);
      times.push(res.ms);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
    console.log(
      `graphWebhook latency over 50 posts: p50 ${pct(50).toFixed(1)} ms, p95 ${pct(95).toFixed(1)} ms, max ${pct(100).toFixed(1)} ms`,
    );
  });
});
