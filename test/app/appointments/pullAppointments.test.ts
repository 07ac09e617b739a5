// PULL of calendar events against the Graph simulator: stale/unknown subscriptions, partial delta items read whole,
// the user's status on auth failures.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleAppointmentPush } from "../../../shared/app/appointments/handleAppointmentPush.js";
import { pullAppointments } from "../../../shared/app/appointments/pullAppointments.js";
import { resyncAppointments } from "../../../shared/app/appointments/resyncAppointments.js";
import { AuthError } from "../../../shared/domain/errors.js";
import { appointment, MB, startAppointmentRig, utc, type AppointmentRig } from "./appointmentRig.js";

let rig: AppointmentRig;
let subscriptionId = "";

const pull = async (user = "JSMITH", id = subscriptionId) => {
  const ctx = rig.ctx();
  await pullAppointments(rig.deps, { source: "MSEVENT", subscriptionId: id, user }, ctx);
  return ctx.lines.join("\n");
};

beforeAll(async () => {
  rig = await startAppointmentRig({ sim: { deltaUpdates: "changedOnly" } });
  await resyncAppointments(rig.deps, { source: "RESYNC", user: "JSMITH" }, rig.ctx());
  subscriptionId = (await rig.deps.subscriptions.get("JSMITH", "events"))!.subscriptionId;
  rig.newInbound();
}, 30_000);
afterAll(async () => rig?.stop());

describe("pullAppointments", () => {
  it("a message for another subscription than the stored one is logged and ignored (no Graph call)", async () => {
    const calls = rig.sim.counters().total;
    expect(await pull("JSMITH", "old-subscription")).toMatch(/pull ignored: subscription old-subscription is not/);
    expect(await pull("ADOE", "any")).toMatch(/ADOE has syncAppointments and appointmentsFromOutlook off/);
    expect(rig.sim.counters().total).toBe(calls);
  });

  it("an unknown user is a PermanentError naming it; an invalid row is logged and ignored", async () => {
    await expect(pull("NOBODY")).rejects.toMatchObject({ code: "unknown_user", message: /NOBODY/ });
    await rig.deps.users.upsertUser({ userId: "BROKEN", mailbox: "nope", appointmentsFromOutlook: true });
    expect(await pull("BROKEN")).toMatch(
      /pull ignored: user: the Users row of "BROKEN" is invalid: mailbox: expected a user principal name/,
    );
  });

  it("delta items carrying only the changed properties are read whole before deciding", async () => {
    await handleAppointmentPush(rig.deps, appointment("CREATE", "H30"), rig.ctx());
    const ev = rig.eventFor("H30")!;
    await pull(); // the echo of our create
    const calls = rig.sim.counters().byEndpoint["GET /users/{id}/events/{id}"] ?? 0;
    rig.sim.updateEvent(MB, ev.id, { subject: "Only the subject changed" });
    const born = rig.sim.createEvent(MB, {
      subject: "Walk",
      start: utc(3, 9),
      end: utc(3, 10),
      categories: ["Site visit"],
    });
    rig.sim.updateEvent(MB, born.id, { location: { displayName: "North gate" } });
    const log = await pull();
    expect(log).toMatch(/2 changes: inbound UPDATE 1, inbound CREATE 1/);
    expect(rig.sim.counters().byEndpoint["GET /users/{id}/events/{id}"]! - calls).toBe(2);
    const sent = rig.newInbound();
    expect(sent.find((m) => m.op === "UPDATE")).toMatchObject({
      hsaRef: "H30",
      actionType: "MEET",
      data: { subject: "Only the subject changed", location: "Depot", notes: "Bring boots", allDay: false },
    });
    expect(sent.find((m) => m.op === "CREATE")).toMatchObject({
      outlookId: born.id,
      actionType: "VISIT",
      data: { subject: "Walk", location: "North gate" },
    });
    expect(await rig.deps.users.getUser("JSMITH")).toMatchObject({ user: { status: "ok", lastError: undefined } });
  });

  it("an edit back to earlier content (A → B → A) reaches the ERP each time, not dropped as a duplicate", async () => {
    const ev = rig.eventFor("H30")!;
    rig.newInbound();
    for (const subject of ["Changed to B", "Only the subject changed"]) {
      rig.sim.updateEvent(MB, ev.id, { subject });
      await pull();
    }
    const sent = rig.newInbound();
    expect(sent.map((m) => [m.op, m.hsaRef, (m as { data?: { subject?: string } }).data?.subject])).toEqual([
      ["UPDATE", "H30", "Changed to B"],
      ["UPDATE", "H30", "Only the subject changed"],
    ]);
  });

  it("403 from Graph → AuthError, the user's status becomes auth_required and the cursor is kept", async () => {
    const before = (await rig.deps.subscriptions.get("JSMITH", "events"))!.deltaUrl;
    rig.sim.injectFault({ path: "/calendarView/delta", status: 403, code: "ErrorAccessDenied" });
    await expect(pull()).rejects.toBeInstanceOf(AuthError);
    const user = await rig.deps.users.getUser("JSMITH");
    expect(user).toMatchObject({
      user: { status: "auth_required", lastError: expect.stringMatching(/^calendar pull: /) },
    });
    expect((await rig.deps.subscriptions.get("JSMITH", "events"))!.deltaUrl).toBe(before);
    await pull();
    expect(await rig.deps.users.getUser("JSMITH")).toMatchObject({ user: { status: "ok" } });
  });
});
