// acceptNotifications against the real tables and the bus stand-in: one point read per subscription, one PULL per
// subscription, and a store that does not answer in time gives "unavailable" (→ 503) instead of a hung request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import { SubscriptionsTable } from "../../../shared/adapters/tables/subscriptionsTable.js";
import { ensureSubscription } from "../../../shared/app/subscriptions/ensureSubscription.js";
import { acceptNotifications, LIFECYCLE_BUCKET_MS } from "../../../shared/app/webhook/acceptNotifications.js";
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

/** A deadline no loaded machine reaches: every test but the deadline's own is about something else. */
const GENEROUS = { deadlineMs: 60_000 };

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
      GENEROUS,
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

  it("POSTs for one subscription arriving while its read is in flight share that read; a later POST reads again", async () => {
    const subscriptions = new CountingSubscriptions(rig.deps.subscriptions.client);
    const deps = { ...rig.deps, subscriptions };
    const post = (event: string) =>
      acceptNotifications(deps, [changeNotification(js.subscriptionId, js.clientState, event, 'W/"s"')], log, GENEROUS);
    const together = await Promise.all([post("s1"), post("s2"), post("s3")]);
    expect(together.map((o) => o.status === "accepted" && o.enqueued)).toEqual([1, 1, 1]);
    expect(subscriptions.reads).toEqual([js.subscriptionId]);
    expect(await post("s4")).toMatchObject({ status: "accepted", enqueued: 1 });
    expect(subscriptions.reads).toEqual([js.subscriptionId, js.subscriptionId]);
  });

  it("logs a posted subscription id without its control characters and at most 100 characters long", async () => {
    lines.length = 0;
    const outcome = await acceptNotifications(
      rig.deps,
      [changeNotification(`evil\nINFO forged line ${"x".repeat(200)}`, "s")],
      log,
      GENEROUS,
    );
    expect(outcome).toMatchObject({ status: "accepted", enqueued: 0 });
    expect(lines.join("|")).toContain("subscription evil?INFO forged line xxx");
    expect(lines.every((l) => !l.includes("\n") && l.length < 250)).toBe(true);
  });

  it("the same post again is dropped by duplicate detection (same MessageIds)", async () => {
    const post = [changeNotification(js.subscriptionId, js.clientState, "dup", 'W/"d"')];
    const before = rig.pullMessages().length;
    await acceptNotifications(rig.deps, post, log, GENEROUS);
    await acceptNotifications(rig.deps, post, log, GENEROUS);
    expect(rig.pullMessages().length).toBe(before + 1);
  });

  it("a lifecycle notification (no id) re-posted within 5 minutes collapses; a later one of the same day gets through", async () => {
    // Graph sends `missed` without an id and with the same subscription expiry all day: only the receive time differs.
    const missed = {
      lifecycleEvent: "missed" as const,
      subscriptionId: js.subscriptionId,
      subscriptionExpirationDateTime: js.expiresAt,
      clientState: js.clientState,
    };
    const lifecycles = () =>
      rig.pullMessages().filter((m) => (m.bodyJson as { source?: string } | undefined)?.source === "LIFECYCLE");
    const before = lifecycles().length;
    const now = rig.deps.now().getTime();
    rig.advance(LIFECYCLE_BUCKET_MS - (now % LIFECYCLE_BUCKET_MS) + 1_000); // 1 s into a bucket: no boundary below
    await acceptNotifications(rig.deps, [missed], log, GENEROUS);
    rig.advance(30_000);
    await acceptNotifications(rig.deps, [missed], log, GENEROUS); // Graph's retry of the same post
    expect(lifecycles().length).toBe(before + 1);
    rig.advance(2 * 3_600_000); // another `missed` later that day
    const outcome = await acceptNotifications(rig.deps, [missed], log, GENEROUS);
    expect(outcome).toMatchObject({ status: "accepted", enqueued: 1 });
    expect(lifecycles().length).toBe(before + 2);
    expect(lifecycles().slice(before)).toMatchObject([
      { sessionId: "JSMITH", bodyJson: { source: "LIFECYCLE", lifecycleEvent: "missed", user: "JSMITH" } },
      { sessionId: "JSMITH", bodyJson: { source: "LIFECYCLE", lifecycleEvent: "missed", user: "JSMITH" } },
    ]);
  });

  it("more than 100 distinct subscription ids → invalid, without a single read or message", async () => {
    const subscriptions = new CountingSubscriptions(rig.deps.subscriptions.client);
    const before = rig.pullMessages().length;
    const many = Array.from({ length: 101 }, (_, i) => changeNotification(`sub-${i}`, "s", `e${i}`, `W/"${i}"`));
    const outcome = await acceptNotifications({ ...rig.deps, subscriptions }, many, log, GENEROUS);
    expect(outcome).toEqual({
      status: "invalid",
      reason: "value: notifications for 101 distinct subscriptions exceed the limit of 100 per post",
    });
    expect(subscriptions.reads).toEqual([]);
    expect(rig.pullMessages().length).toBe(before);
    // 100 is still fine: each is read once (and unknown, so dropped)
    // (a generous deadline: this is about the limit, and 100 reads on a loaded machine may outlast the default 2 s)
    expect(await acceptNotifications({ ...rig.deps, subscriptions }, many.slice(0, 100), log, GENEROUS)).toMatchObject({
      status: "accepted",
    });
    expect(subscriptions.reads).toHaveLength(100);
  });

  it("a store that does not answer by the deadline → unavailable, cut short by the deadline", async () => {
    const deadConn = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${Buffer.from("k").toString("base64")};TableEndpoint=http://127.0.0.1:${await freePort()}/devstoreaccount1;`;
    const subscriptions = new SubscriptionsTable(
      TableClient.fromConnectionString(deadConn, "Subscriptions", { allowInsecureConnection: true }),
    );
    const outcome = await acceptNotifications(
      { ...rig.deps, subscriptions },
      [changeNotification(js.subscriptionId, js.clientState)],
      log,
      { deadlineMs: 300 },
    );
    expect(outcome).toMatchObject({
      status: "unavailable",
      // "(timeout)": the deadline cut the read short; the storage client's own retries would give up much later.
      reason: "subscriptions unavailable (timeout)",
    });
  });
});
