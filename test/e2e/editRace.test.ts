// An Outlook edit racing an ERP DELETE or UPDATE of the same appointment, through the real push and pull workers: the
// pull round has read Outlook and decided to send the edit when the push side deletes or rewrites the event. It never
// sends an UPDATE for a record the ERP deleted, never brings its link back, and never lets Outlook's older state
// overwrite an ERP change the conflict rule let win; a later Outlook edit still reaches the ERP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appointment, MB } from "../app/appointments/appointmentRig.js";
import type { ConflictRule } from "../../shared/domain/appointments/types.js";
import { startSyncRig, type SyncRig } from "./syncRig.js";

/** Where the pull round is held: the link read of its recheck, after it read Outlook and decided, before it sends. */
const RECHECK = "pull:links.getByErpKey";

function editRaceSuite(rule: ConflictRule) {
  describe(`an Outlook edit racing an ERP change, ${rule}`, () => {
    let rig: SyncRig;
    let n = 0;
    beforeAll(async () => {
      rig = await startSyncRig({ rule, manualClock: true });
      await rig.sendPull({ source: "RESYNC", user: "JSMITH", reason: "admin" }, "first");
      await rig.settle();
    }, 60_000);
    afterAll(async () => {
      await rig?.stop();
    });

    /** A linked event the user has just edited in Outlook (the pull not run yet); returns its key and id. */
    async function editedInOutlook(subject: string) {
      const hsaRef = `${rule === "erp-wins" ? "W" : "O"}${++n}`;
      await rig.sendPush(appointment("CREATE", hsaRef));
      await rig.settle();
      const [event] = rig.eventsFor(MB, "1", hsaRef);
      expect(event).toBeDefined();
      rig.sim.updateEvent(MB, event!.id, { subject });
      await rig.sim.notificationsIdle();
      return { hsaRef, id: event!.id, inboundBefore: rig.inbound().length };
    }

    /** Holds the pull round at its recheck, runs `meanwhile` (the push side), then lets the pull go on. */
    async function pullHeldAtRecheck(meanwhile: () => Promise<void>) {
      const hold = rig.gates.hold(RECHECK);
      const pull = rig.drain("pull");
      await Promise.race([hold.reached, pull]);
      await meanwhile();
      hold.release();
      await pull;
      rig.gates.clear();
      await rig.settle();
    }

    async function quietAfterwards() {
      const writes = rig.graphWrites();
      const inbound = rig.inbound().length;
      await rig.settle();
      expect(rig.graphWrites()).toBe(writes);
      expect(rig.inbound()).toHaveLength(inbound);
      expect(await rig.deps.rejected.list()).toEqual([]);
    }

    it("the ERP deletes the record while the pull is about to send the edit: no UPDATE, no link, no event", async () => {
      const { hsaRef, inboundBefore } = await editedInOutlook("Edited in Outlook");
      await rig.sendPush(appointment("DELETE", hsaRef));
      await pullHeldAtRecheck(() => rig.drain("push").then(() => undefined));

      expect(rig.inbound().slice(inboundBefore)).toEqual([]);
      expect(rig.eventsFor(MB, "1", hsaRef)).toEqual([]);
      expect(await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", hsaRef)).toBeUndefined();
      await quietAfterwards();
    });

    it("the ERP updates the record meanwhile: the conflict rule's outcome stands on both sides", async () => {
      const { hsaRef, id, inboundBefore } = await editedInOutlook("Edited in Outlook");
      await rig.sendPush(appointment("UPDATE", hsaRef, { subject: "Changed in the ERP" }));
      await pullHeldAtRecheck(() => rig.drain("push").then(() => undefined));

      const sent = rig.inbound().slice(inboundBefore);
      const [event] = rig.eventsFor(MB, "1", hsaRef);
      if (rule === "erp-wins") {
        // The push resolved the 412 for the ERP: Outlook's older edit must not reach the ERP after that.
        expect(sent).toEqual([]);
        expect(event).toMatchObject({ id, subject: "Changed in the ERP" });
      } else {
        // The push sent Outlook's version; the pull, deciding again on the new link, sends nothing more.
        expect(sent).toEqual([
          expect.objectContaining({
            op: "UPDATE",
            hsaRef,
            data: expect.objectContaining({ subject: "Edited in Outlook" }),
          }),
        ]);
        expect(event).toMatchObject({ id, subject: "Edited in Outlook" });
      }
      await quietAfterwards();
    });

    it("the user edits again after the ERP's write: the newer edit reaches the ERP", async () => {
      const { hsaRef, id, inboundBefore } = await editedInOutlook("First edit");
      await rig.sendPush(appointment("UPDATE", hsaRef, { subject: "Changed in the ERP" }));
      await pullHeldAtRecheck(async () => {
        await rig.drain("push");
        rig.sim.updateEvent(MB, id, { subject: "Second edit" });
        await rig.sim.notificationsIdle();
      });

      const updates = rig
        .inbound()
        .slice(inboundBefore)
        .filter((m) => m.op === "UPDATE");
      expect(updates.at(-1)).toMatchObject({ hsaRef, data: expect.objectContaining({ subject: "Second edit" }) });
      expect(updates.map((m) => (m.data as { subject?: string }).subject)).not.toContain(
        rule === "erp-wins" ? "First edit" : "Changed in the ERP",
      );
      expect(rig.eventsFor(MB, "1", hsaRef)).toEqual([expect.objectContaining({ id, subject: "Second edit" })]);
      const link = await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", hsaRef);
      expect(link).toMatchObject({ outlookId: id });
      await quietAfterwards();
    });
  });
}

editRaceSuite("erp-wins");
editRaceSuite("outlook-wins");
