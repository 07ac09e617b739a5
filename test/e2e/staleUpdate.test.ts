// Stale ERP updates end to end: an older UPDATE (modifiedAt) delivered after a newer one is completed, logged and
// writes nothing to Graph; the link keeps the newest modifiedAt.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appointment, MB } from "../app/appointments/appointmentRig.js";
import { startSyncRig, type SyncRig } from "./syncRig.js";

let rig: SyncRig;

beforeAll(async () => {
  rig = await startSyncRig();
  await rig.sendPull({ source: "RESYNC", user: "JSMITH", reason: "admin" }, "first");
  await rig.settle();
}, 60_000);

afterAll(async () => {
  await rig?.stop();
});

describe("stale updates", () => {
  it("an older UPDATE delivered after a newer one is skipped: completed, logged, no Graph write", async () => {
    await rig.sendPush(appointment("CREATE", "S1", { modifiedAt: "2026-11-30T08:00:00+01:00" }));
    await rig.settle();
    const newer = appointment("UPDATE", "S1", { subject: "Newest", modifiedAt: "2026-11-30T10:00:00+01:00" });
    const older = appointment("UPDATE", "S1", { subject: "Older", modifiedAt: "2026-11-30T09:00:00+01:00" });
    await rig.sendPush(newer);
    await rig.settle();
    const writes = rig.graphWrites();
    const inbound = rig.inbound().length;

    await rig.sendPush(older);
    await rig.settle();
    expect(rig.graphWrites()).toBe(writes);
    expect(rig.inbound()).toHaveLength(inbound);
    const [event, ...more] = rig.eventsFor(MB, "1", "S1");
    expect(more).toEqual([]);
    expect(event).toMatchObject({ subject: "Newest" });
    const olderDelivery = rig.deliveries.filter(
      (d) => (d.body as { data?: { subject?: string } }).data?.subject === "Older",
    );
    expect(olderDelivery.map((d) => d.outcome)).toEqual(["completed"]);
    expect(rig.logs().some((l) => /S1: nothing written \(stale: modifiedAt 2026-11-30T09:00:00\+01:00/.test(l))).toBe(
      true,
    );
    expect((await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", "S1"))?.erpModifiedAt).toBe(
      "2026-11-30T09:00:00.000Z",
    );
    expect(await rig.deps.rejected.list()).toEqual([]);
  });

  it("an UPDATE without modifiedAt is applied as before", async () => {
    await rig.sendPush(appointment("UPDATE", "S1", { subject: "No time given" }));
    await rig.settle();
    expect(rig.eventsFor(MB, "1", "S1")).toEqual([expect.objectContaining({ subject: "No time given" })]);
  });
});
