// DELETE manage/users/{user}/subscription over real HTTP: gone in Graph and in the table; ?kind validated; 404.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSubscription } from "../../shared/app/subscriptions/ensureSubscription.js";
import { startAdminRig, type AdminRig } from "../app/admin/adminRig.js";

let rig: AdminRig;
beforeAll(async () => {
  rig = await startAdminRig();
}, 30_000);
afterAll(async () => rig?.stop());

async function subscribe(userId: string) {
  const lookup = await rig.deps.users.getUser(userId);
  if (!lookup?.valid) throw new Error("seed");
  return ensureSubscription(rig.deps, lookup.user, "events");
}

describe("DELETE manage/users/{user}/subscription", () => {
  it("removes the events subscription in Graph, the table row and its index row", async () => {
    const created = await subscribe("JSMITH");
    expect(rig.sim.subscriptions().map((s) => s.id)).toContain(created.subscriptionId);

    const res = await rig.call("DELETE", "manage/users/JSMITH/subscription?kind=events");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ user: "JSMITH", removed: { events: { removedInGraph: true, removedInTable: true } } });
    expect(rig.sim.subscriptions().map((s) => s.id)).not.toContain(created.subscriptionId);
    expect(await rig.deps.subscriptions.get("JSMITH", "events")).toBeUndefined();
    expect(await rig.deps.subscriptions.getBySubscriptionId(created.subscriptionId)).toBeUndefined();

    // Again: nothing left to remove, still a 200 that says so.
    const again = await rig.call("DELETE", "manage/users/JSMITH/subscription");
    expect(again.status).toBe(200);
    expect(again.json.removed).toEqual({
      events: { removedInGraph: false, removedInTable: false },
      todoTasks: { removedInGraph: false, removedInTable: false },
    });
  });

  it("without ?kind removes every kind; a subscription Graph already dropped still leaves the table", async () => {
    const created = await subscribe("ADOE");
    rig.sim.expireSubscription(created.subscriptionId);
    const res = await rig.call("DELETE", "manage/users/adoe/subscription");
    expect(res.status).toBe(200);
    expect(res.json.removed).toMatchObject({ events: { removedInGraph: false, removedInTable: true } });
    expect(await rig.deps.subscriptions.get("ADOE", "events")).toBeUndefined();
  });

  it("answers 400 naming the field for a bad ?kind, and 404 for an unknown user", async () => {
    const bad = await rig.call("DELETE", "manage/users/JSMITH/subscription?kind=mail");
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: "bad_request", reason: 'kind: expected "events" or "todoTasks"' });
    const unknown = await rig.call("DELETE", "manage/users/NOBODY/subscription");
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: "user_not_found", user: "NOBODY" });
  });
});
