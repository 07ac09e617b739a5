// GET manage/users/{user}/status over real HTTP: settings, masked subscription state, expiry; invalid row; unknown user.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSubscription } from "../../shared/app/subscriptions/ensureSubscription.js";
import type { SubscriptionRecord } from "../../shared/adapters/tables/subscriptionsTable.js";
import { startAdminRig, type AdminRig } from "../app/admin/adminRig.js";

let rig: AdminRig;
let created: SubscriptionRecord;

beforeAll(async () => {
  rig = await startAdminRig();
  const lookup = await rig.deps.users.getUser("JSMITH");
  if (!lookup?.valid) throw new Error("seed: JSMITH should be valid");
  created = await ensureSubscription(rig.deps, lookup.user, "events");
  await rig.deps.subscriptions.saveDeltaUrl("JSMITH", "events", "https://graph.test/delta?$deltatoken=abc", {
    lastSyncAt: "2026-11-30T02:00:00.000Z",
  });
}, 30_000);
afterAll(async () => rig?.stop());

describe("GET manage/users/{user}/status", () => {
  it("shows the settings and the subscription with its state masked but for the last 4 characters", async () => {
    const res = await rig.call("GET", "manage/users/jsmith/status");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      user: "JSMITH",
      valid: true,
      settings: { mailbox: "jsmith@contoso.test", defaultCompany: "1", syncAppointments: true, syncTasks: false },
      grantedScopes: [],
      subscriptions: {
        events: {
          subscriptionId: created.subscriptionId,
          state: `…••••${created.clientState.slice(-4)}`,
          expiresAt: created.expiresAt,
          expired: false,
          resource: "/users/jsmith@contoso.test/events",
          deltaUrl: "https://graph.test/delta?$deltatoken=abc",
          lastSyncAt: "2026-11-30T02:00:00.000Z",
        },
        todoTasks: null,
      },
    });
    // The secret must appear nowhere, not even a long piece of it.
    expect(created.clientState.length).toBeGreaterThanOrEqual(32);
    expect(res.text).not.toContain(created.clientState);
    expect(res.text).not.toContain(created.clientState.slice(0, 12));
    expect(res.text).not.toContain(created.clientState.slice(-8));
    // …and the expiry is about now + SUBSCRIPTION_LIFETIME_HOURS (48 h).
    const hours = (Date.parse(created.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(47.9);
    expect(hours).toBeLessThanOrEqual(48.01);
    expect(rig.host.logs.join("\n")).not.toContain(created.clientState);
  });

  it("answers 404 with a reason for an unknown user", async () => {
    const res = await rig.call("GET", "manage/users/NOBODY/status");
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      error: "user_not_found",
      user: "NOBODY",
      reason: "no row for NOBODY in the Users table",
    });
  });

  it("shows an invalid Users row as status invalid with the column named", async () => {
    const res = await rig.call("GET", "manage/users/BROKEN/status");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ user: "BROKEN", valid: false, status: "invalid", settings: null });
    expect(res.json.lastError).toMatch(/^syncAppointments: expected true\/false, got "yes"/);
    expect(res.json.errors).toEqual([{ column: "syncAppointments", message: 'expected true/false, got "yes"' }]);
    // The row itself now carries the status too (what Storage Explorer shows).
    const row = await rig.deps.users.client.getEntity<Record<string, unknown>>("users", "BROKEN");
    expect(row.status).toBe("invalid");
  });

  it("answers 400 naming the field for a user id the tables cannot hold", async () => {
    const res = await rig.call("GET", `manage/users/${encodeURIComponent("A'B")}/status`);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: "bad_request",
      reason: `user: expected ASCII letters, digits, _ - . only (1–128 characters), got "A'B"`,
    });
  });
});
