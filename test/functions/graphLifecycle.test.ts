// The lifecycle endpoint fed by the simulator's own lifecycle notifications, and the LIFECYCLE pull handler run by
// the real pull worker through the delivery harness: reauthorizationRequired → renewed; subscriptionRemoved →
// recreated + RESYNC; missed → RESYNC.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { InvocationContext } from "@azure/functions";
import { runPullWorker } from "../../functions/pullWorker.js";
import { buildPullHandlers } from "../../shared/app/pullHandlers.js";
import { ensureSubscription } from "../../shared/app/subscriptions/ensureSubscription.js";
import type { SubscriptionRecord } from "../../shared/adapters/tables/subscriptionsTable.js";
import { createDeliveryHarness, type DrainResult } from "../harness/deliveryHarness.js";
import { QUEUES } from "../harness/appRig.js";
import { JSMITH, startWebhookRig, waitUntil, type WebhookRig } from "../app/webhook/webhookRig.js";
import type { Registration } from "../harness/captureRegistrations.js";

const registrations = vi.hoisted(() => [] as Registration[]);
vi.mock("@azure/functions", async (importOriginal) =>
  (await import("../harness/captureRegistrations.js")).mockFunctionsApp(
    importOriginal,
    registrations,
    ["http"],
    ["serviceBusQueue"],
  ),
);

const HOUR = 3_600_000;
let rig: WebhookRig;
let sub: SubscriptionRecord;

beforeAll(async () => {
  rig = await startWebhookRig();
});
afterAll(async () => {
  await rig?.stop();
});
beforeEach(async () => {
  const lookup = await rig.deps.users.getUser(JSMITH.userId);
  if (!lookup?.valid) throw new Error("seed");
  sub = await ensureSubscription(rig.deps, lookup.user, "events");
});

/** Runs msgraph-pull through the real pull worker with the registry's LIFECYCLE handler (other sources: set aside). */
async function drainPull(): Promise<DrainResult> {
  const { LIFECYCLE } = buildPullHandlers(rig.deps);
  expect(LIFECYCLE).toBeTypeOf("function");
  const harness = createDeliveryHarness({
    connectionString: rig.bus.connectionString,
    queue: QUEUES.pull,
    handler: (message: unknown, context: InvocationContext) =>
      runPullWorker(message, context, { queue: QUEUES.pull, handlers: { LIFECYCLE }, rejected: rig.deps.rejected }),
  });
  try {
    return await harness.drain();
  } finally {
    await harness.stop();
  }
}

async function lifecycleFromSim(
  id: string,
  event: "reauthorizationRequired" | "subscriptionRemoved" | "missed",
): Promise<{ messageId?: string; bodyJson?: unknown; sessionId?: string }> {
  const before = rig.pullMessages().length;
  await rig.sim.triggerLifecycle(id, event);
  await waitUntil(() => rig.pullMessages().length > before, "a LIFECYCLE message");
  const fresh = rig.pullMessages().slice(before);
  expect(fresh).toHaveLength(1);
  return fresh[0]!;
}

describe("graphLifecycle", () => {
  it("is registered as an anonymous POST on graph/notifications/lifecycle", () => {
    expect(registrations.find((r) => r.name === "graphLifecycle")?.options).toMatchObject({
      methods: ["POST"],
      authLevel: "anonymous",
      route: "graph/notifications/lifecycle",
    });
  });

  it("reauthorizationRequired → a LIFECYCLE message; the pull worker renews the subscription to now + 48 h", async () => {
    const msg = await lifecycleFromSim(sub.subscriptionId, "reauthorizationRequired");
    expect(msg).toMatchObject({
      sessionId: "JSMITH",
      bodyJson: {
        source: "LIFECYCLE",
        subscriptionId: sub.subscriptionId,
        user: "JSMITH",
        lifecycleEvent: "reauthorizationRequired",
      },
    });

    rig.advance(10 * HOUR);
    const result = await drainPull();
    expect(result.deliveries.map((d) => [d.body, d.outcome])).toEqual([[msg.bodyJson, "completed"]]);

    const inSim = rig.sim.subscriptions().find((s) => s.id === sub.subscriptionId);
    const expected = rig.deps.now().getTime() + 48 * HOUR;
    expect(Math.abs(Date.parse(inSim?.expirationDateTime ?? "") - expected)).toBeLessThan(5_000);
    const stored = await rig.deps.subscriptions.get(JSMITH.userId, "events");
    expect(stored?.subscriptionId).toBe(sub.subscriptionId);
    expect(Date.parse(stored?.expiresAt ?? "") - Date.parse(sub.expiresAt)).toBeGreaterThan(9 * HOUR);
  });

  it("subscriptionRemoved → recreated in Graph and a RESYNC for the user is enqueued", async () => {
    const msg = await lifecycleFromSim(sub.subscriptionId, "subscriptionRemoved");
    expect(rig.sim.subscriptions().some((s) => s.id === sub.subscriptionId)).toBe(false);
    const before = rig.pullMessages().length;

    const result = await drainPull();

    const stored = await rig.deps.subscriptions.get(JSMITH.userId, "events");
    expect(stored?.subscriptionId).toBeDefined();
    expect(stored?.subscriptionId).not.toBe(sub.subscriptionId);
    expect(rig.sim.subscriptions().find((s) => s.id === stored?.subscriptionId)?.clientState).toBe(stored?.clientState);
    const resyncs = rig.pullMessages().slice(before);
    expect(resyncs).toMatchObject([
      {
        sessionId: "JSMITH",
        bodyJson: { source: "RESYNC", user: "JSMITH", subscriptionId: stored?.subscriptionId, reason: "missed" },
      },
    ]);
    expect(result.deliveries[0]).toMatchObject({ body: msg.bodyJson, outcome: "completed" });
  });

  it("missed → a RESYNC for the user is enqueued (the subscription stays)", async () => {
    await lifecycleFromSim(sub.subscriptionId, "missed");
    const before = rig.pullMessages().length;
    await drainPull();
    expect(rig.pullMessages().slice(before)).toMatchObject([
      {
        sessionId: "JSMITH",
        bodyJson: { source: "RESYNC", user: "JSMITH", subscriptionId: sub.subscriptionId, reason: "missed" },
      },
    ]);
    expect((await rig.deps.subscriptions.get(JSMITH.userId, "events"))?.subscriptionId).toBe(sub.subscriptionId);
  });

  it("a forged lifecycle notification: 202, nothing enqueued, the secret not logged", async () => {
    const before = rig.pullMessages().length;
    const logFrom = rig.host.logs.length;
    const res = await rig.post(rig.lifecycleUrl, {
      value: [
        {
          lifecycleEvent: "subscriptionRemoved",
          subscriptionId: sub.subscriptionId,
          clientState: "guessed-secret-xyz",
        },
      ],
    });
    expect(res.status).toBe(202);
    expect(rig.pullMessages().length).toBe(before);
    const log = rig.host.logs.slice(logFrom).join("\n");
    expect(log).toContain(sub.subscriptionId);
    expect(log).not.toContain("guessed-secret-xyz");
    expect(log).not.toContain(sub.clientState);
  });

  it("malformed body → 400 with a reason", async () => {
    const res = await rig.post(rig.lifecycleUrl, "not json");
    expect(res.status).toBe(400);
    expect(res.text).toContain("body: malformed JSON");
  });
});
