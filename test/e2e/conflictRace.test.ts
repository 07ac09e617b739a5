// An Outlook delete racing an ERP UPDATE of the same appointment, through the real push and pull workers: every
// interleaving ends as the conflict rule says — one linked event showing the ERP's change, or one DELETE to the ERP and
// no event — never an orphan event, a second DELETE, or an UPDATE for a record the ERP was told to delete.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appointment, at, MB } from "../app/appointments/appointmentRig.js";
import { eventBodyFromErp } from "../../shared/domain/appointments/eventBody.js";
import type { ConflictRule } from "../../shared/domain/appointments/types.js";
import { startSyncRig, type SyncRig, type Worker } from "./syncRig.js";

/** How the two workers meet: one runs to the end first, or one is held before a call while the other runs. */
type Interleaving = { first: Worker } | { held: Worker; at: string };

/** "kept": the ERP record survives and exactly one linked event shows it; "deleted": one DELETE, no event. */
type Outcome = "kept" | "deleted";

/**
 * erp-wins: whichever commits to the link row first is the fact. The push's "recreating" intent (or its finished
 * re-create) beats a later confirmation of the Outlook delete; a tombstone written first (DELETE on its way to the
 * ERP) makes the push back off — the ERP is deleting that record, so nothing may re-create it.
 */
const erpWins: [Interleaving, Outcome][] = [
  [{ first: "push" }, "kept"],
  [{ first: "pull" }, "deleted"],
  [{ held: "push", at: "graph.updateEvent" }, "deleted"],
  [{ held: "push", at: "graph.getEvent" }, "deleted"],
  [{ held: "push", at: "links.save" }, "deleted"],
  [{ held: "push", at: "graph.createEvent" }, "kept"],
  [{ held: "pull", at: "graph.readCalendarDelta" }, "kept"],
  [{ held: "pull", at: "graph.getEvent" }, "kept"],
  [{ held: "pull", at: "links.save" }, "kept"],
  [{ held: "pull", at: "queues.sendBatch" }, "deleted"],
];
/** outlook-wins: always exactly one DELETE and no event, whoever sends it. */
const outlookWins: [Interleaving, Outcome][] = erpWins.map(([i]) => [i, "deleted"]);

function raceSuite(rule: ConflictRule, cases: [Interleaving, Outcome][]) {
  describe(`Outlook delete racing an ERP UPDATE, ${rule}`, () => {
    let rig: SyncRig;
    beforeAll(async () => {
      rig = await startSyncRig({ rule });
      await rig.sendPull({ source: "RESYNC", user: "JSMITH", reason: "admin" }, "first");
      await rig.settle();
    }, 60_000);
    afterAll(async () => {
      await rig?.stop();
    });

    let n = 0;
    it.each(cases)("%#: %j → %s", async (interleaving, outcome) => {
      const hsaRef = `R${++n}`;
      await rig.sendPush(appointment("CREATE", hsaRef));
      await rig.settle();
      const [original] = rig.eventsFor(MB, "1", hsaRef);
      expect(original).toBeDefined();
      const inboundBefore = rig.inbound().length;

      // The user deletes the event while the ERP sends an UPDATE of the same appointment.
      rig.sim.deleteEvent(MB, original!.id);
      await rig.sendPush(appointment("UPDATE", hsaRef, { subject: `Changed in the ERP ${hsaRef}` }));
      await rig.sim.notificationsIdle(8_000);

      if ("first" in interleaving) {
        await rig.drain(interleaving.first);
        await rig.drain(interleaving.first === "push" ? "pull" : "push");
      } else {
        const other: Worker = interleaving.held === "push" ? "pull" : "push";
        const hold = rig.gates.hold(`${interleaving.held}:${interleaving.at}`);
        const heldRun = rig.drain(interleaving.held);
        await Promise.race([hold.reached, heldRun]);
        await rig.drain(other);
        hold.release();
        await heldRun;
        rig.gates.clear();
      }
      await rig.settle();

      const sent = rig.inbound().slice(inboundBefore);
      const events = rig.eventsFor(MB, "1", hsaRef);
      const link = await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", hsaRef);
      expect(sent.filter((m) => m.op !== "DELETE")).toEqual([]);
      if (outcome === "kept") {
        expect(sent).toEqual([]);
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ subject: `Changed in the ERP ${hsaRef}` });
        expect(link).toMatchObject({ outlookId: events[0]!.id });
        expect(link?.state).toBeUndefined();
      } else {
        expect(sent).toEqual([expect.objectContaining({ op: "DELETE", hsaRef, outlookId: original!.id })]);
        expect(events).toEqual([]);
        expect(link?.state).toBe("outlookDeleted");
      }
      expect(rig.deliveries.filter((d) => d.outcome !== "completed" && d.deliveryCount >= 10)).toEqual([]);
      expect(await rig.deps.rejected.list()).toEqual([]);

      // Nothing left to do: a further quiet period writes nothing and sends nothing.
      const writes = rig.graphWrites();
      const inbound = rig.inbound().length;
      await rig.settle();
      expect(rig.graphWrites()).toBe(writes);
      expect(rig.inbound()).toHaveLength(inbound);
    });

    /** An event carrying our ERP key, written without a link and without its notification (a divergence). */
    async function orphanFor(hsaRef: string) {
      const erp = {
        ...{ kco: "1", hsaRef, subject: `Orphan ${hsaRef}`, start: at(3, 9), end: at(3, 10), allDay: false },
        actionTypeDescription: "Meeting",
      };
      rig.sim.notificationFaults.dropNext(1);
      const created = await rig.deps.graph.createEvent(MB, { ...eventBodyFromErp(erp, `orphan-${hsaRef}`) });
      await rig.sim.notificationsIdle(8_000);
      return created.id;
    }
    async function resync(run: string) {
      await rig.sendPull({ source: "RESYNC", user: "JSMITH", reason: "nightly" }, run);
      await rig.settle();
    }

    it("the resync deletes an event carrying an ERP key whose link is a tombstone; the ERP hears nothing of it", async () => {
      const tombstoned = "T1";
      await rig.sendPush(appointment("CREATE", tombstoned));
      await rig.settle();
      rig.sim.deleteEvent(MB, rig.eventsFor(MB, "1", tombstoned)[0]!.id);
      await rig.settle();
      expect((await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", tombstoned))?.state).toBe(
        "outlookDeleted",
      );
      const orphan = await orphanFor(tombstoned);
      const before = rig.inbound().length;
      await resync(`orphan-${rule}`);
      expect(rig.sim.events(MB).some((e) => e.id === orphan)).toBe(false);
      expect(
        rig
          .inbound()
          .slice(before)
          .filter((m) => m.op !== "RESYNC"),
      ).toEqual([]);
      expect((await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", tombstoned))?.state).toBe(
        "outlookDeleted",
      );
      // An ERP push for it still re-creates nothing.
      await rig.sendPush(appointment("UPDATE", tombstoned, { subject: "Late" }));
      await rig.settle();
      expect(rig.eventsFor(MB, "1", tombstoned)).toEqual([]);
    });

    it(`the resync and an event carrying an ERP key with no link: ${rule === "erp-wins" ? "relinked" : "deleted"}`, async () => {
      const orphan = await orphanFor("U1");
      const before = rig.inbound().length;
      await resync(`unlinked-${rule}`);
      const link = await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", "U1");
      if (rule === "erp-wins") {
        expect(link).toMatchObject({ outlookId: orphan });
        expect(rig.eventsFor(MB, "1", "U1").map((e) => e.id)).toEqual([orphan]);
      } else {
        expect(link).toBeUndefined();
        expect(rig.eventsFor(MB, "1", "U1")).toEqual([]);
      }
      expect(
        rig
          .inbound()
          .slice(before)
          .filter((m) => m.op !== "RESYNC"),
      ).toEqual([]);
    });
  });
}

raceSuite("erp-wins", erpWins);
raceSuite("outlook-wins", outlookWins);
