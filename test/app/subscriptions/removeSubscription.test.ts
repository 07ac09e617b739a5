// removeSubscription: DELETE in Graph (gone already is fine), then the table row and its index row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransientError } from "../../../shared/domain/errors.js";
import { ensureSubscription } from "../../../shared/app/subscriptions/ensureSubscription.js";
import { removeSubscription } from "../../../shared/app/subscriptions/removeSubscription.js";
import { ADOE, JSMITH, startWebhookRig, type WebhookRig } from "../webhook/webhookRig.js";

let rig: WebhookRig;
beforeAll(async () => {
  rig = await startWebhookRig();
});
afterAll(async () => {
  await rig?.stop();
});
const subscribe = async (id: string) => {
  const lookup = await rig.deps.users.getUser(id);
  if (!lookup?.valid) throw new Error(id);
  return ensureSubscription(rig.deps, lookup.user, "events");
};

describe("removeSubscription", () => {
  it("deletes it in Graph and in the table (index row too); a second call finds nothing", async () => {
    const rec = await subscribe(JSMITH.userId);
    expect(await removeSubscription(rig.deps, "jsmith", "events")).toEqual({
      removedInGraph: true,
      removedInTable: true,
    });
    expect(rig.sim.subscriptions().some((s) => s.id === rec.subscriptionId)).toBe(false);
    expect(await rig.deps.subscriptions.get(JSMITH.userId, "events")).toBeUndefined();
    expect(await rig.deps.subscriptions.getBySubscriptionId(rec.subscriptionId)).toBeUndefined();
    expect(await removeSubscription(rig.deps, JSMITH.userId, "events")).toEqual({
      removedInGraph: false,
      removedInTable: false,
    });
  });

  it("a subscription Graph already forgot (404) still leaves the table clean", async () => {
    const rec = await subscribe(ADOE.userId);
    rig.sim.expireSubscription(rec.subscriptionId);
    expect(await removeSubscription(rig.deps, ADOE.userId, "events")).toEqual({
      removedInGraph: false,
      removedInTable: true,
    });
    expect(await rig.deps.subscriptions.get(ADOE.userId, "events")).toBeUndefined();
  });

  it("a Graph failure keeps the row, so a retry still knows what to delete", async () => {
    const rec = await subscribe(JSMITH.userId);
    rig.sim.injectFault({ method: "DELETE", path: "^/subscriptions/", status: 503, times: 10 });
    try {
      await expect(removeSubscription(rig.deps, JSMITH.userId, "events")).rejects.toBeInstanceOf(TransientError);
    } finally {
      rig.sim.clearFaults();
    }
    expect((await rig.deps.subscriptions.get(JSMITH.userId, "events"))?.subscriptionId).toBe(rec.subscriptionId);
    expect(await removeSubscription(rig.deps, JSMITH.userId, "events")).toEqual({
      removedInGraph: true,
      removedInTable: true,
    });
  });
});
