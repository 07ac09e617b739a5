// The webhook screens item by item over real HTTP: a schema-invalid item is dropped (logged by subscription id, never
// the clientState) while the genuine items of the same POST are enqueued; only a broken envelope is 400.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSubscription } from "../../shared/app/subscriptions/ensureSubscription.js";
import type { SubscriptionRecord } from "../../shared/adapters/tables/subscriptionsTable.js";
import { JSMITH, ADOE, changeNotification, startWebhookRig, type WebhookRig } from "../app/webhook/webhookRig.js";

let rig: WebhookRig;
let sub: SubscriptionRecord;
let adoe: SubscriptionRecord;

beforeAll(async () => {
  rig = await startWebhookRig();
  const j = await rig.deps.users.getUser(JSMITH.userId);
  const a = await rig.deps.users.getUser(ADOE.userId);
  if (!j?.valid || !a?.valid) throw new Error("seed");
  sub = await ensureSubscription(rig.deps, j.user, "events");
  adoe = await ensureSubscription(rig.deps, a.user, "events");
}, 30_000);
afterAll(async () => rig?.stop());

const pullsFor = (from: number, user: string) =>
  rig
    .pullMessages()
    .slice(from)
    .filter((m) => m.sessionId === user);

describe("graph webhook: item-by-item screening", () => {
  it("one genuine and one schema-invalid item → 202, the genuine one enqueued, the bad one logged by subscription id", async () => {
    const before = rig.pullMessages().length;
    const logFrom = rig.host.logs.length;
    const bad = { ...changeNotification(adoe.subscriptionId, adoe.clientState, "ev-bad"), changeType: "renamed" };
    const res = await rig.post(rig.webhookUrl, {
      value: [changeNotification(sub.subscriptionId, sub.clientState, "ev-good"), bad],
    });
    expect(res.status).toBe(202);
    expect(pullsFor(before, "JSMITH")).toHaveLength(1);
    expect(pullsFor(before, "ADOE")).toHaveLength(0);
    const log = rig.host.logs.slice(logFrom).join("\n");
    expect(log).toContain(`dropped value[1] of subscription ${adoe.subscriptionId}: value[1].changeType:`);
    expect(log).not.toContain(adoe.clientState);
    expect(log).not.toContain(sub.clientState);
  });

  it("items without resource, subscriptionExpirationDateTime and tenantId (as in Microsoft's docs) are accepted", async () => {
    const before = rig.pullMessages().length;
    const { resource, subscriptionExpirationDateTime, tenantId, ...lean } = changeNotification(
      sub.subscriptionId,
      sub.clientState,
      "ev-lean",
    );
    expect([resource, subscriptionExpirationDateTime, tenantId].every((v) => v !== undefined)).toBe(true);
    const res = await rig.post(rig.webhookUrl, { value: [lean] });
    expect(res.status).toBe(202);
    expect(pullsFor(before, "JSMITH")).toHaveLength(1);
  });

  it.each([
    ["not JSON", "{", /^body: /],
    ["an array", "[]", /^body: /],
    ["value not an array", '{"value": {}}', /^value: /],
    ["no value", '{"items": []}', /^value: /],
  ])("an envelope that is not a notification collection (%s) → 400 naming the field", async (_n, body, reason) => {
    const res = await rig.post(rig.webhookUrl, body);
    expect(res.status).toBe(400);
    expect((JSON.parse(res.text) as { reason: string }).reason).toMatch(reason);
  });

  it.each([
    [
      "without subscriptionId",
      { changeType: "created", resource: "x" },
      /dropped value\[0\] of subscription \?: value\[0\]\.subscriptionId/,
    ],
    [
      "with an unknown changeType",
      { subscriptionId: "s", changeType: "moved" },
      /of subscription s: value\[0\]\.changeType/,
    ],
    [
      "with an unknown lifecycleEvent",
      { subscriptionId: "s", lifecycleEvent: "gone" },
      /of subscription s: value\[0\]\.lifecycleEvent/,
    ],
  ])("an item %s → 202, dropped, the log names the field", async (_what, item, logLine) => {
    const before = rig.pullMessages().length;
    const logFrom = rig.host.logs.length;
    const res = await rig.post(rig.webhookUrl, { value: [item] });
    expect(res.status).toBe(202);
    expect(rig.pullMessages().length).toBe(before);
    expect(rig.host.logs.slice(logFrom).join("\n")).toMatch(logLine);
  });

  it("a POST whose items are all invalid → 202 (nothing Graph could fix by retrying), nothing enqueued", async () => {
    const before = rig.pullMessages().length;
    const res = await rig.post(rig.webhookUrl, { value: [1, { subscriptionId: "x" }, { changeType: "created" }] });
    expect(res.status).toBe(202);
    expect(rig.pullMessages().length).toBe(before);
  });
});
