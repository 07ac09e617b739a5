// PUSH of ERP appointments against the Graph simulator: users, switches, links, 412/404 resolution by the conflict rule.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppDeps } from "../../../shared/app/appDeps.js";
import { handleAppointmentPush } from "../../../shared/app/appointments/handleAppointmentPush.js";
import { outlookEventFingerprint } from "../../../shared/domain/appointments/appointmentFingerprint.js";
import { parseGraphEvent } from "../../../shared/domain/appointments/graphEvent.js";
import { PermanentError } from "../../../shared/domain/errors.js";
import { saveLink } from "../../../shared/app/appointments/appointmentLinks.js";
import { inboundDataFromEvent } from "../../../shared/domain/appointments/erpAppointment.js";
import { ERP_KEY_PROPERTY_ID } from "../../../shared/domain/appointments/erpKey.js";
import { appointment, MB, startAppointmentRig, utc, type AppointmentRig } from "./appointmentRig.js";

let rig: AppointmentRig;
let outlookWins: AppDeps;

beforeAll(async () => {
  rig = await startAppointmentRig();
  outlookWins = { ...rig.deps, config: { ...rig.deps.config, conflictRule: "outlook-wins" } };
}, 30_000);
afterAll(async () => rig?.stop());

const push = (m: ReturnType<typeof appointment>, deps: AppDeps = rig.deps) => {
  const ctx = rig.ctx();
  return handleAppointmentPush(deps, m, ctx).then(() => ctx.lines);
};

describe("handleAppointmentPush", () => {
  it.each([
    ["an unknown user", "NOBODY", "unknown_user", /user: no Users row for "NOBODY"/],
    ["an invalid Users row", "BROKEN", "invalid_user", /"BROKEN" is invalid: mailbox: expected a user principal name/],
  ])("%s → PermanentError naming it", async (_what, user, code, message) => {
    await rig.deps.users.upsertUser({ userId: "BROKEN", mailbox: "not a mailbox", syncAppointments: true });
    const error = await push(appointment("CREATE", "X1", {}, { user })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it("switch off → completes, logs, writes nothing", async () => {
    const writes = rig.graphWrites();
    const lines = await push(appointment("CREATE", "A1", {}, { user: "ADOE" }));
    expect(lines.join("\n")).toMatch(/ADOE 1\/A1: nothing written \(switchOff\)/);
    expect(rig.graphWrites()).toBe(writes);
    expect(rig.sim.events("adoe@contoso.test")).toEqual([]);
  });

  it("412 with erp-wins: the event changed in Outlook meanwhile is overwritten with the ERP version", async () => {
    await push(appointment("CREATE", "H10"));
    const ev = rig.eventFor("H10")!;
    rig.sim.updateEvent(MB, ev.id, { subject: "User edit" });
    const lines = await push(appointment("UPDATE", "H10", { location: "Yard" }));
    expect(lines.join("\n")).toMatch(/answered precondition_failed[\s\S]*pushErp \(both changed, erp-wins\)/);
    const now = rig.eventFor("H10")!;
    expect(now).toMatchObject({ id: ev.id, subject: "Site meeting H10", location: { displayName: "Yard" } });
    const link = await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", "H10");
    expect(link).toMatchObject({ outlookId: ev.id, outlookChangeKey: now.changeKey });
    expect(link?.outlookFingerprint).toBe(outlookEventFingerprint(parseGraphEvent(now)));
    expect(rig.newInbound()).toEqual([]);
  });

  it("412 with outlook-wins: Outlook is kept and its version goes to the ERP as an UPDATE; the ERP's echo writes nothing", async () => {
    await push(appointment("CREATE", "H11"), outlookWins);
    const ev = rig.eventFor("H11")!;
    rig.sim.updateEvent(MB, ev.id, { subject: "User edit 11" });
    const writes = rig.graphWrites();
    await push(appointment("UPDATE", "H11", { location: "Yard" }), outlookWins);
    expect(rig.graphWrites()).toBe(writes + 1); // the refused PATCH only
    expect(rig.eventFor("H11")).toMatchObject({ subject: "User edit 11", location: { displayName: "Depot" } });
    const [sent, ...rest] = rig.newInbound();
    expect(rest).toEqual([]);
    expect(sent).toMatchObject({
      op: "UPDATE",
      kco: "1",
      hsaRef: "H11",
      outlookId: ev.id,
      actionType: "MEET",
      data: { subject: "User edit 11", location: "Depot", notes: "Bring boots" },
    });
    await push(appointment("UPDATE", "H11", { ...sent!.data, actionType: "MEET" }), outlookWins);
    expect(rig.graphWrites()).toBe(writes + 1);
  });

  it("404 on PATCH (deleted in Outlook) with an ERP change and erp-wins → the event is created again and relinked", async () => {
    await push(appointment("CREATE", "H12"));
    const old = rig.eventFor("H12")!;
    rig.sim.deleteEvent(MB, old.id);
    await push(appointment("UPDATE", "H12", { subject: "Changed in the ERP" }));
    const again = rig.eventFor("H12")!;
    expect(again.id).not.toBe(old.id);
    expect(again.subject).toBe("Changed in the ERP");
    expect(await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", "H12")).toMatchObject({
      outlookId: again.id,
    });
    expect(await rig.deps.links.getByOutlookId("JSMITH", old.id)).toBeUndefined();
  });

  it("UPDATE naming a vanished outlookId without a link (an ERP item never synced) → created in Outlook", async () => {
    const gone = rig.sim.createEvent(MB, { subject: "tmp", start: utc(3, 9), end: utc(3, 10) });
    rig.sim.deleteEvent(MB, gone.id);
    await push(appointment("UPDATE", "H13", {}, { outlookId: gone.id }));
    expect(rig.eventFor("H13")).toMatchObject({ subject: "Site meeting H13", categories: ["Meeting"] });
  });

  it("DELETE naming an outlookId linked to another ERP item does not touch that event", async () => {
    await push(appointment("CREATE", "H14"));
    const other = rig.eventFor("H14")!;
    const lines = await push(appointment("DELETE", "H15", {}, { outlookId: other.id }));
    expect(lines.join("\n")).toMatch(/linked to 1\/H14; ignored[\s\S]*nothing written \(notLinked\)/);
    expect(rig.eventFor("H14")?.id).toBe(other.id);
  });

  it("an ERP UPDATE answering an Outlook-born item with identical content turns the pending link into a keyed one", async () => {
    const born = rig.sim.createEvent(MB, {
      subject: "Walk",
      start: utc(3, 9),
      end: utc(3, 10),
      categories: ["Meeting"],
    });
    const event = parseGraphEvent(
      await rig.deps.graph.getEvent(MB, born.id, { extendedPropertyId: ERP_KEY_PROPERTY_ID }),
    );
    const fp = outlookEventFingerprint(event);
    await saveLink(rig.deps, {
      user: "JSMITH",
      kco: "1",
      hsaRef: null,
      outlookId: born.id,
      erpFingerprint: fp,
      outlookFingerprint: fp,
      outlookChangeKey: event.changeKey ?? "",
      lastSyncedAt: new Date(),
    });
    const writes = rig.graphWrites();
    await push(
      appointment("UPDATE", "H16", { ...inboundDataFromEvent(event), actionType: "MEET" }, { outlookId: born.id }),
    );
    expect(rig.graphWrites()).toBe(writes);
    expect(await rig.deps.links.getByOutlookId("JSMITH", born.id)).toMatchObject({ kco: "1", hsaRef: "H16" });
    expect(await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", "H16")).toMatchObject({ outlookId: born.id });
  });
});
