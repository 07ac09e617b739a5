// acceptNotifications against the real tables and the bus stand-in: one point read per subscription, one PULL per
// subscription, and a store that does not answer in time gives "unavailable" (→ 503) instead of a hung request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import { SubscriptionsTable } from "../../../shared/adapters/tables/subscriptionsTable.js";
import { ensureSubscription } from "../../../shared/app/subscriptions/ensureSubscription.js";
import { acceptNotifications } from "../../../shared/app/webhook/acceptNotifications.js";
import type { SubscriptionRecord } from "../../../shared/adapters/tables/subscriptionsTable.js";
import { freePort } from "../../harness/freePort.js";
import { ADOE, JSMITH, changeNotification, startWebhookRig, type WebhookRig } from "./webhookRig.js";

/** The real table adapter, counting the webhook's point reads. */
class CountingSubscriptions extends SubscriptionsTable {
  reads: string[] = [];
  override async getBySubscriptionId(id: string) {
    this.reads.push(id);
    return super.getBySubscriptionId(id);
  }
}

let rig: WebhookRig;
let js: SubscriptionRecord;
let ad: SubscriptionRecord;
const lines: string[] = [];
const log = {
  log: (...a: unknown[]) => lines.push(a.join(" ")),
  warn: (...a: unknown[]) => lines.push(a.join(" ")),
  error: (...a: unknown[]) => lines.push(a.join(" ")),
};

beforeAll(async () => {
  rig = await startWebhookRig();
  const user = async (id: string) => {
    const l = await rig.deps.users.getUser(id);
    if (!l?.valid) throw new Error(id);
    return l.user;
  };
  js = await ensureSubscription(rig.deps, await user(JSMITH.userId), "events");
  ad = await ensureSubscription(rig.deps, await user(ADOE.userId), "events");
});
afterAll(async () => {
  await rig?.stop();
});

describe("acceptNotifications", () => {
  it("reads each subscription once and enqueues one PULL per genuine subscription, in its user's session", async () => {
    const subscriptions = new CountingSubscriptions(rig.deps.subscriptions.client);
    const before = rig.pullMessages().length;
    const outcome = await acceptNotifications(
      { ...rig.deps, subscriptions },
      [
        changeNotification(js.subscriptionId, js.clientState, "e1", 'W/"1"'),
        changeNotification(ad.subscriptionId, ad.clientState, "e2", 'W/"2"'),
        changeNotification(js.subscriptionId, js.clientState, "e3", 'W/"3"'),
        changeNotification("unknown-sub", "x", "e4", 'W/"4"'),
        changeNotification(ad.subscriptionId, js.clientState, "e5", 'W/"5"'), // another user's secret: forged
      ],
      log,
    );
    expect(subscriptions.reads.sort()).toEqual([ad.subscriptionId, js.subscriptionId, "unknown-sub"].sort());
    expect(outcome).toMatchObject({ status: "accepted", enqueued: 2 });
    expect(outcome.status === "accepted" && outcome.rejected).toEqual([
      { subscriptionId: "unknown-sub", reason: "unknownSubscription" },
      { subscriptionId: ad.subscriptionId, reason: "clientStateMismatch" },
    ]);
    const fresh = rig.pullMessages().slice(before);
    expect(fresh.map((m) => [m.sessionId, m.bodyJson]).sort()).toEqual(
      [
        ["ADOE", { source: "MSEVENT", subscriptionId: ad.subscriptionId, user: "ADOE" }],
        ["JSMITH", { source: "MSEVENT", subscriptionId: js.subscriptionId, user: "JSMITH" }],
      ].sort(),
    );
  });

  it("logs a posted subscription id without its control characters and at most 100 characters long", async () => {
    lines.length = 0;
    const outcome = await acceptNotifications(
      rig.deps,
      [changeNotification(`evil\nINFO forged line ${"x".repeat(200)}`, "s")],
      log,
    );
    expect(outcome).toMatchObject({ status: "accepted", enqueued: 0 });
    expect(lines.join("|")).toContain("subscription evil?INFO forged line xxx");
    expect(lines.every((l) => !l.includes("\n") && l.length < 250)).toBe(true);
  });

  it("the same post again is dropped by duplicate detection (same MessageIds)", async () => {
    const post = [changeNotification(js.subscriptionId, js.clientState, "dup", 'W/"d"')];
    const before = rig.pullMessages().length;
    await acceptNotifications(rig.deps, post, log);
    await acceptNotifications(rig.deps, post, log);
    expect(rig.pullMessages().length).toBe(before + 1);
  });

  it("a store that does not answer by the deadline → unavailable, quickly", async () => {
    const deadConn = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${Buffer.from("k").toString("base64")};TableEndpoint=http://127.0.0.1:${await freePort()}/devstoreaccount1;`;
    const subscriptions = new SubscriptionsTable(
      TableClient.fromConnectionString(deadConn, "Subscriptions", { allowInsecureConnection: true }),
    );
    const started = Date.now();
    const outcome = await acceptNotifications(
      { ...rig.deps, subscriptions },
      [changeNotification(js.subscriptionId, js.clientState)],
      log,
      { deadlineMs: 300 },
    );
    expect(outcome).toMatchObject({
      status: "unavailable",
      reason: expect.stringMatching(/^subscriptions unavailable/),
    });
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
