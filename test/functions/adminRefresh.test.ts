// POST manage/users/{user}/refresh over real HTTP: a new subscription in Graph, the old one gone, a RESYNC queued.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSubscription } from "../../shared/app/subscriptions/ensureSubscription.js";
import { parsePullMessage } from "../../shared/domain/messages/parseMessage.js";
import { startAdminRig, type AdminRig } from "../app/admin/adminRig.js";

let rig: AdminRig;
beforeAll(async () => {
  rig = await startAdminRig();
}, 30_000);
afterAll(async () => rig?.stop());

const pullMessages = () => rig.bus.queue("msgraph-pull").messages();

describe("POST manage/users/{user}/refresh", () => {
  it("recreates the events subscription (new id and clientState) and queues a RESYNC for the user", async () => {
    const lookup = await rig.deps.users.getUser("JSMITH");
    if (!lookup?.valid) throw new Error("seed");
    const before = await ensureSubscription(rig.deps, lookup.user, "events");
    const queuedBefore = pullMessages().length;

    const res = await rig.call("POST", "manage/users/JSMITH/refresh");
    expect(res.status).toBe(202);
    const events = (res.json.subscriptions as Record<string, Record<string, unknown>>).events!;
    expect(events.subscriptionId).not.toBe(before.subscriptionId);
    expect(res.json.notSubscribed).toEqual({});

    // Graph: exactly the new subscription is live for jsmith; the stored one matches it.
    const live = rig.sim.subscriptions().filter((s) => s.resource.includes("jsmith"));
    expect(live.map((s) => s.id)).toEqual([events.subscriptionId]);
    const stored = await rig.deps.subscriptions.get("JSMITH", "events");
    expect(stored?.subscriptionId).toBe(events.subscriptionId);
    expect(stored?.clientState).not.toBe(before.clientState);
    expect(live[0]?.clientState).toBe(stored?.clientState);
    expect(events.state).toBe(`…••••${stored?.clientState.slice(-4)}`);
    expect(events.expiresAt).toBe(stored?.expiresAt);
    expect(res.text).not.toContain(stored!.clientState);
    expect(rig.host.logs.join("\n")).not.toContain(stored!.clientState);
    expect(rig.host.logs.join("\n")).toContain(`events subscription ${stored?.subscriptionId} expires`);

    // The pull queue: one RESYNC for JSMITH, reason admin, valid by the queue's own contract.
    const added = pullMessages().slice(queuedBefore);
    expect(added).toHaveLength(1);
    expect(added[0]?.sessionId).toBe("JSMITH");
    expect((res.json.resync as Record<string, unknown>).messageId).toBe(added[0]?.messageId);
    const parsed = parsePullMessage(added[0]?.bodyJson);
    expect(parsed).toMatchObject({ ok: true, message: { source: "RESYNC", user: "JSMITH", reason: "admin" } });
  });

  it("queues a fresh RESYNC on every click (not swallowed by duplicate detection)", async () => {
    const before = pullMessages().length;
    expect((await rig.call("POST", "manage/users/ADOE/refresh")).status).toBe(202);
    expect((await rig.call("POST", "manage/users/ADOE/refresh")).status).toBe(202);
    const added = pullMessages().slice(before);
    expect(added.map((m) => m.sessionId)).toEqual(["ADOE", "ADOE"]);
    expect(rig.sim.subscriptions().filter((s) => s.resource.includes("adoe"))).toHaveLength(1);
  });

  it("answers 404 for an unknown user and 409 with the row's error for an invalid one; nothing queued", async () => {
    const before = pullMessages().length;
    const unknown = await rig.call("POST", "manage/users/NOBODY/refresh");
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toBe("user_not_found");
    const invalid = await rig.call("POST", "manage/users/BROKEN/refresh");
    expect(invalid.status).toBe(409);
    expect(invalid.json).toMatchObject({ error: "user_invalid", columns: ["syncAppointments"] });
    expect(invalid.json.reason).toContain('syncAppointments: expected true/false, got "yes"');
    const mailOnly = await rig.call("POST", "manage/users/MAILONLY/refresh");
    expect(mailOnly.status).toBe(409);
    expect(mailOnly.json.error).toBe("nothing_to_refresh");
    expect(pullMessages().length).toBe(before);
  });

  it("a 403 from Graph → 403 with a readable reason, user status auth_required, nothing queued", async () => {
    const before = pullMessages().length;
    rig.sim.injectFault({ method: "POST", path: "^/subscriptions$", status: 403, code: "ExtensionError" });
    const res = await rig.call("POST", "manage/users/ADOE/refresh");
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: "auth_required", user: "ADOE", code: "ExtensionError" });
    expect(res.json.reason).toMatch(/^subscribing events for adoe@contoso.test: Graph 403 ExtensionError/);
    const row = await rig.deps.users.getUser("ADOE");
    expect(row?.valid && row.user.status).toBe("auth_required");
    expect(pullMessages().length).toBe(before);
  });
});
