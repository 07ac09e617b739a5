// Nightly renewal plan (every subscription to exactly now + lifetime) and what a moved window adds/removes.
import { describe, expect, it } from "vitest";
import { planRenewal, planWindowShift, type SubscriptionState } from "../../shared/domain/renewal.js";
import { syncWindow, type SyncWindow } from "../../shared/domain/window.js";

const now = new Date("2026-11-30T02:00:00Z");
const in48h = "2026-12-02T02:00:00.000Z";

describe("planRenewal", () => {
  it.each<[string, SubscriptionState, "create" | "renew"]>([
    [
      "alive",
      { user: "A", kind: "appointments", subscriptionId: "s1", expiresAt: new Date("2026-11-30T20:00:00Z") },
      "renew",
    ],
    [
      "alive, ISO string from the table",
      { user: "A", kind: "tasks", subscriptionId: "s2", expiresAt: "2026-12-01T00:00:00Z" },
      "renew",
    ],
    ["never subscribed", { user: "B", kind: "appointments" }, "create"],
    ["id but no expiry", { user: "B", kind: "appointments", subscriptionId: "s3" }, "create"],
    ["expired", { user: "C", kind: "appointments", subscriptionId: "s4", expiresAt: "2026-11-29T02:00:00Z" }, "create"],
    ["expires exactly now", { user: "C", kind: "appointments", subscriptionId: "s5", expiresAt: now }, "create"],
    ["unreadable expiry", { user: "D", kind: "appointments", subscriptionId: "s6", expiresAt: "soon" }, "create"],
    ["empty id", { user: "D", kind: "appointments", subscriptionId: "", expiresAt: "2026-12-01T00:00:00Z" }, "create"],
  ])("%s", (_name, subscription, action) => {
    const [step] = planRenewal([subscription], now, 48);
    expect(step).toMatchObject({ user: subscription.user, kind: subscription.kind, action });
    expect(step!.newExpiry.toISOString()).toBe(in48h);
    if (action === "renew") expect(step!.subscriptionId).toBe(subscription.subscriptionId);
    else expect(step).not.toHaveProperty("subscriptionId");
  });

  it("renews everything to now + 48 h exactly, one step per subscription, in order", () => {
    const steps = planRenewal(
      [
        { user: "A", kind: "appointments", subscriptionId: "s1", expiresAt: "2026-12-01T00:00:00Z" },
        { user: "A", kind: "tasks" },
      ],
      now,
      48,
    );
    expect(steps.map((s) => [s.user, s.kind, s.action, s.newExpiry.getTime() - now.getTime()])).toEqual([
      ["A", "appointments", "renew", 48 * 3_600_000],
      ["A", "tasks", "create", 48 * 3_600_000],
    ]);
  });

  it.each([[0], [71], [1.5], [Number.NaN]])("refuses lifetime %s hours", (hours) => {
    expect(() => planRenewal([], now, hours)).toThrow(/SUBSCRIPTION_LIFETIME_HOURS/);
  });
});

describe("planWindowShift", () => {
  const iso = (ws: SyncWindow[]) =>
    ws.map((w) => `${w.start.toISOString().slice(0, 10)}..${w.end.toISOString().slice(0, 10)}`);
  const today = syncWindow(now, 1, 21); // 11-29 .. 12-22
  it.each<[string, SyncWindow | undefined, SyncWindow, boolean, string[], string[]]>([
    ["first run", undefined, today, true, ["2026-11-29..2026-12-22"], []],
    ["same day", today, syncWindow(new Date("2026-11-30T23:00:00Z"), 1, 21), false, [], []],
    [
      "next day",
      today,
      syncWindow(new Date("2026-12-01T02:00:00Z"), 1, 21),
      true,
      ["2026-12-22..2026-12-23"],
      ["2026-11-29..2026-11-30"],
    ],
    ["more days forward", today, syncWindow(now, 1, 28), true, ["2026-12-22..2026-12-29"], []],
    ["fewer days back", today, syncWindow(now, 0, 21), true, [], ["2026-11-29..2026-11-30"]],
    [
      "far ahead (no overlap)",
      today,
      syncWindow(new Date("2027-01-30T02:00:00Z"), 1, 21),
      true,
      ["2027-01-29..2027-02-21"],
      ["2026-11-29..2026-12-22"],
    ],
  ])("%s", (_name, oldWindow, newWindow, changed, added, removed) => {
    const shift = planWindowShift(oldWindow, newWindow);
    expect(shift.changed).toBe(changed);
    expect(shift.restartDelta).toBe(changed);
    expect(iso(shift.added)).toEqual(added);
    expect(iso(shift.removed)).toEqual(removed);
  });
});
