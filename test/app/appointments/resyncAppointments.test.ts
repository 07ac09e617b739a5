// RESYNC against the Graph simulator: drift missed while notifications were lost is repaired, the subscription is
// recreated when Graph lost it, and the ERP request is sent only when ERP → Outlook is on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleAppointmentPush } from "../../../shared/app/appointments/handleAppointmentPush.js";
import { resyncAppointments } from "../../../shared/app/appointments/resyncAppointments.js";
import { appointment, MB, startAppointmentRig, utc, type AppointmentRig } from "./appointmentRig.js";

let rig: AppointmentRig;
const resync = async (user = "JSMITH") => {
  const ctx = rig.ctx();
  await resyncAppointments(rig.deps, { source: "RESYNC", user, reason: "admin" }, ctx);
  return ctx.lines.join("\n");
};

beforeAll(async () => {
  rig = await startAppointmentRig();
}, 30_000);
afterAll(async () => rig?.stop());

describe("resyncAppointments", () => {
  it("repairs Outlook-side drift nobody was told about: changed → UPDATE, deleted → DELETE, new → CREATE", async () => {
    await resync();
    await handleAppointmentPush(rig.deps, appointment("CREATE", "H40"), rig.ctx());
    await handleAppointmentPush(rig.deps, appointment("CREATE", "H41"), rig.ctx());
    rig.newInbound();
    // No PULL runs here: the notifications these cause are never handled.
    rig.sim.updateEvent(MB, rig.eventFor("H40")!.id, { subject: "Edited offline" });
    rig.sim.deleteEvent(MB, rig.eventFor("H41")!.id);
    const born = rig.sim.createEvent(MB, {
      subject: "Walk",
      start: utc(2, 9),
      end: utc(2, 10),
      categories: ["Meeting"],
    });
    await resync();
    const sent = rig.newInbound();
    // The ERP request for this window was already sent by the first resync: duplicate detection drops the repeat.
    expect(sent.map((m) => `${m.op} ${String(m.hsaRef)}`).sort()).toEqual(["CREATE null", "DELETE H41", "UPDATE H40"]);
    expect(sent.find((m) => m.op === "CREATE")).toMatchObject({ outlookId: born.id, actionType: "MEET" });
    // The link is now a tombstone (the ERP was sent DELETE; a late push of it re-creates nothing).
    expect(await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", "H41")).toMatchObject({
      state: "outlookDeleted",
    });
    // In step now: another resync sends nothing new (the same request again is dropped as a duplicate).
    const duplicates = rig.bus.queue("erp-inbound").duplicateCount();
    await resync();
    expect(rig.newInbound()).toEqual([]);
    expect(rig.bus.queue("erp-inbound").duplicateCount()).toBe(duplicates + 1);
  });

  it("recreates the subscription when Graph no longer has it, and starts the delta afresh", async () => {
    const before = (await rig.deps.subscriptions.get("JSMITH", "events"))!;
    rig.sim.expireSubscription(before.subscriptionId);
    await resync();
    const after = (await rig.deps.subscriptions.get("JSMITH", "events"))!;
    expect(after.subscriptionId).not.toBe(before.subscriptionId);
    expect(rig.sim.subscriptions().map((s) => s.id)).toContain(after.subscriptionId);
    expect(after.deltaUrl).toMatch(/deltatoken/i);
    expect(await rig.deps.subscriptions.getBySubscriptionId(after.subscriptionId)).toMatchObject({ user: "JSMITH" });
    expect(await rig.deps.subscriptions.getBySubscriptionId(before.subscriptionId)).toBeUndefined();
    expect(rig.newInbound()).toEqual([]);
  });

  it("Outlook → ERP only: subscribed and read, but the ERP is not asked to push (its pushes would be ignored)", async () => {
    await rig.deps.users.upsertUser({
      userId: "ADOE",
      mailbox: "adoe@contoso.test",
      defaultCompany: "1",
      appointmentsFromOutlook: true,
    });
    await resync("ADOE");
    expect(await rig.deps.subscriptions.get("ADOE", "events")).toMatchObject({
      deltaUrl: expect.stringMatching(/deltatoken/i),
    });
    expect(rig.newInbound()).toEqual([]);
  });
});
