// handleLifecycle's guards, called directly against the rig: stale ids, missing/invalid users, switches off.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HandlerContext } from "../../../shared/app/dispatchMessage.js";
import { ensureSubscription } from "../../../shared/app/subscriptions/ensureSubscription.js";
import { handleLifecycle, needsSubscription } from "../../../shared/app/subscriptions/handleLifecycle.js";
import type { UserSettings } from "../../../shared/adapters/tables/usersTable.js";
import { USERS_PARTITION } from "../../../shared/adapters/tables/usersTable.js";
import { JSMITH, startWebhookRig, type WebhookRig } from "../webhook/webhookRig.js";

let rig: WebhookRig;
beforeAll(async () => {
  rig = await startWebhookRig();
});
afterAll(async () => {
  await rig?.stop();
});

function context(): HandlerContext & { lines: string[] } {
  const lines: string[] = [];
  const push = (...a: unknown[]) => lines.push(a.map(String).join(" "));
  return {
    lines,
    log: { log: push, warn: push, error: push },
    delivery: {
      queue: "msgraph-pull",
      messageId: `m-${Math.random()}`,
      sessionId: undefined,
      deliveryCount: 1,
      enqueuedTimeUtc: undefined,
    },
  };
}
async function user(id: string): Promise<UserSettings> {
  const lookup = await rig.deps.users.getUser(id);
  if (!lookup?.valid) throw new Error(`user ${id}`);
  return lookup.user;
}
const lifecycle = (
  subscriptionId: string,
  user: string,
  lifecycleEvent: "reauthorizationRequired" | "subscriptionRemoved" | "missed",
) => ({ source: "LIFECYCLE", subscriptionId, user, lifecycleEvent }) as const;

describe("handleLifecycle", () => {
  it("ignores a lifecycle notification for a subscription that was replaced since (no Graph call, no message)", async () => {
    const old = await ensureSubscription(rig.deps, await user(JSMITH.userId), "events");
    const fresh = await ensureSubscription(rig.deps, await user(JSMITH.userId), "events", { recreate: true });
    const graphCalls = rig.sim.counters().total;
    const pulls = rig.pullMessages().length;
    const ctx = context();
    for (const ev of ["reauthorizationRequired", "subscriptionRemoved", "missed"] as const)
      expect(await handleLifecycle(rig.deps, lifecycle(old.subscriptionId, "JSMITH", ev), ctx)).toBe(
        "ignored:staleSubscription",
      );
    expect(rig.sim.counters().total).toBe(graphCalls);
    expect(rig.pullMessages().length).toBe(pulls);
    expect((await rig.deps.subscriptions.get("JSMITH", "events"))?.subscriptionId).toBe(fresh.subscriptionId);
    expect(ctx.lines.join("\n")).toContain(`subscription ${old.subscriptionId}`);
  });

  it("reauthorizationRequired for a subscription Graph no longer has: recreated AND a RESYNC for the new one", async () => {
    const old = await ensureSubscription(rig.deps, await user(JSMITH.userId), "events");
    await rig.deps.graph.deleteSubscription(JSMITH.mailbox, old.subscriptionId); // gone in Graph, still stored
    const before = rig.pullMessages().length;
    const ctx = context();
    expect(
      await handleLifecycle(rig.deps, lifecycle(old.subscriptionId, "JSMITH", "reauthorizationRequired"), ctx),
    ).toBe("recreated");
    const stored = await rig.deps.subscriptions.get("JSMITH", "events");
    expect(stored?.subscriptionId).not.toBe(old.subscriptionId);
    expect(rig.sim.subscriptions().some((s) => s.id === stored?.subscriptionId)).toBe(true);
    const resyncs = rig
      .pullMessages()
      .slice(before)
      .filter((m) => (m.bodyJson as { source?: string }).source === "RESYNC");
    expect(resyncs).toMatchObject([
      {
        sessionId: "JSMITH",
        bodyJson: { source: "RESYNC", subscriptionId: stored?.subscriptionId, user: "JSMITH", reason: "missed" },
      },
    ]);
    expect(ctx.lines.join("\n")).toContain(`recreated as ${stored?.subscriptionId}; RESYNC requested`);
  });

  it("reauthorizationRequired for a live subscription: renewed in place, no RESYNC", async () => {
    const rec = await ensureSubscription(rig.deps, await user(JSMITH.userId), "events");
    const before = rig.pullMessages().length;
    expect(
      await handleLifecycle(rig.deps, lifecycle(rec.subscriptionId, "JSMITH", "reauthorizationRequired"), context()),
    ).toBe("renewed");
    expect((await rig.deps.subscriptions.get("JSMITH", "events"))?.subscriptionId).toBe(rec.subscriptionId);
    expect(rig.pullMessages().slice(before)).toEqual([]);
  });

  it("ignores one whose user field does not own the subscription", async () => {
    const rec = await ensureSubscription(rig.deps, await user(JSMITH.userId), "events");
    expect(await handleLifecycle(rig.deps, lifecycle(rec.subscriptionId, "ADOE", "missed"), context())).toBe(
      "ignored:staleSubscription",
    );
  });

  it("ignores (logs) a user whose row became invalid or was deleted: the row's status tells the admin", async () => {
    await rig.deps.users.upsertUser({ userId: "BROKEN", mailbox: "jsmith@contoso.test", syncAppointments: true });
    const rec = await ensureSubscription(rig.deps, await user("BROKEN"), "events");
    // an admin switches appointmentsFromOutlook on but forgets defaultCompany → invalid row
    await rig.deps.users.upsertUser({
      userId: "BROKEN",
      mailbox: "jsmith@contoso.test",
      appointmentsFromOutlook: true,
    });
    const ctx = context();
    expect(
      await handleLifecycle(rig.deps, lifecycle(rec.subscriptionId, "BROKEN", "reauthorizationRequired"), ctx),
    ).toBe("ignored:invalidUser");
    expect(ctx.lines.join("\n")).toMatch(/row is invalid \(.*defaultCompany/);

    await rig.deps.users.client.deleteEntity(USERS_PARTITION, "BROKEN");
    expect(await handleLifecycle(rig.deps, lifecycle(rec.subscriptionId, "BROKEN", "missed"), context())).toBe(
      "ignored:unknownUser",
    );
    expect((await rig.deps.subscriptions.get("BROKEN", "events"))?.expiresAt).toBe(rec.expiresAt); // untouched
  });

  it("removes the subscription instead of renewing it when every switch for it is off", async () => {
    await rig.deps.users.upsertUser({ userId: "QUIET", mailbox: "adoe@contoso.test", syncAppointments: true });
    const rec = await ensureSubscription(rig.deps, await user("QUIET"), "events");
    await rig.deps.users.upsertUser({ userId: "QUIET", mailbox: "adoe@contoso.test", emails: true });
    expect(
      await handleLifecycle(rig.deps, lifecycle(rec.subscriptionId, "QUIET", "reauthorizationRequired"), context()),
    ).toBe("removed:switchedOff");
    expect(rig.sim.subscriptions().some((s) => s.id === rec.subscriptionId)).toBe(false);
    expect(await rig.deps.subscriptions.get("QUIET", "events")).toBeUndefined();
  });

  it.each([
    [{ syncAppointments: true }, "events", true],
    [{ appointmentsFromOutlook: true }, "events", true],
    [{ syncTasks: true }, "events", false],
    [{ emails: true }, "events", false],
    [{ syncTasks: true }, "todoTasks", true],
    [{ tasksFromOutlook: true }, "todoTasks", true],
    [{ syncAppointments: true }, "todoTasks", false],
  ] as const)("needsSubscription(%o, %s) = %s", (switches, kind, expected) => {
    const base = { syncAppointments: false, appointmentsFromOutlook: false, syncTasks: false, tasksFromOutlook: false };
    expect(needsSubscription({ ...base, ...switches } as UserSettings, kind)).toBe(expected);
  });
});
