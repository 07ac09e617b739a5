// An Outlook delete racing an ERP UPDATE of the same appointment, through the real push and pull workers: every
// interleaving ends as the conflict rule says — one linked event showing the ERP's change, or one DELETE to the ERP and
// no event — never an orphan event, a second DELETE, or an UPDATE for a record the ERP was told to delete.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appointment, MB } from "../app/appointments/appointmentRig.js";
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
  });
}

raceSuite("erp-wins", erpWins);
raceSuite("outlook-wins", outlookWins);
