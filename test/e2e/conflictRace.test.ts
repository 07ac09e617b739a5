// An Outlook delete racing an ERP UPDATE of the same appointment, through the real push and pull workers: every
// interleaving ends as the conflict rule says — one linked event showing the ERP's change, or one DELETE to the ERP and
// no event — never an orphan event, a second DELETE, or an UPDATE for a record the ERP was told to delete.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appointment, at, MB } from "../app/appointments/appointmentRig.js";
import { eventBodyFromErp } from "../../shared/domain/appointments/eventBody.js";
import type { ConflictRule } from "../../shared/domain/appointments/types.js";
import { ServiceBusClient } from "@azure/service-bus";
import { QUEUES } from "../harness/appRig.js";
import { startSyncRig, type SyncRig, type Worker } from "./syncRig.js";

/** How the two workers meet: one runs to the end first, or one is held before a call while the other runs. */
type Interleaving = { first: Worker } | { held: Worker; at: string };

/** "kept": the ERP record survives and exactly one linked event shows it; "deleted": one DELETE, no event. */
type Outcome = "kept" | "deleted";

/**
 * erp-wins: an Outlook delete waits OUTLOOK_DELETE_GRACE_SECONDS before the ERP is sent DELETE (a pending tombstone
 * on the link row, then a scheduled CONFIRMDELETE). An ERP change that crossed the delete — whichever worker runs
 * first, wherever either is held — re-creates the event over the pending tombstone, so the ERP record survives with
 * exactly one linked event; the confirmation then finds the event re-created and sends nothing.
 */
const erpWins: [Interleaving, Outcome][] = [
  [{ first: "push" }, "kept"],
  [{ first: "pull" }, "kept"],
  [{ held: "push", at: "graph.updateEvent" }, "kept"],
  [{ held: "push", at: "graph.getEvent" }, "kept"],
  [{ held: "push", at: "links.save" }, "kept"],
  [{ held: "push", at: "graph.createEvent" }, "kept"],
  [{ held: "pull", at: "graph.readCalendarDelta" }, "kept"],
  [{ held: "pull", at: "graph.getEvent" }, "kept"],
  [{ held: "pull", at: "links.save" }, "kept"],
  [{ held: "pull", at: "queues.send" }, "kept"],
  [{ held: "pull", at: "queues.sendBatch" }, "kept"],
];
const GRACE_S = 120;
/** outlook-wins: always exactly one DELETE and no event, whoever sends it. */
const outlookWins: [Interleaving, Outcome][] = erpWins.map(([i]) => [i, "deleted"]);

/** Holds `held` at `at` (before the call), runs the other worker to the end, then lets `held` go on. */
async function heldWhileOtherRuns(rig: SyncRig, held: Worker, at: string): Promise<void> {
  const other: Worker = held === "push" ? "pull" : "push";
  const hold = rig.gates.hold(`${held}:${at}`);
  const heldRun = rig.drain(held);
  await Promise.race([hold.reached, heldRun]);
  await rig.drain(other);
  hold.release();
  await heldRun;
  rig.gates.clear();
}

function raceSuite(rule: ConflictRule, cases: [Interleaving, Outcome][]) {
  describe(`Outlook delete racing an ERP UPDATE, ${rule}`, () => {
    let rig: SyncRig;
    beforeAll(async () => {
      rig = await startSyncRig({
        rule,
        manualClock: true,
        env: { OUTLOOK_DELETE_GRACE_SECONDS: String(GRACE_S) },
      });
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
      await rig.sim.notificationsIdle();

      if ("first" in interleaving) {
        await rig.drain(interleaving.first);
        await rig.drain(interleaving.first === "push" ? "pull" : "push");
      } else {
        await heldWhileOtherRuns(rig, interleaving.held, interleaving.at);
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

    if (rule === "erp-wins") {
      it("an Outlook delete that no ERP change crosses reaches the ERP once the grace is over, not before", async () => {
        const hsaRef = "G1";
        await rig.sendPush(appointment("CREATE", hsaRef));
        await rig.settle();
        const before = rig.inbound().length;
        rig.sim.deleteEvent(MB, rig.eventsFor(MB, "1", hsaRef)[0]!.id);
        await rig.drain("pull");
        const deletedAt = rig.deps.now().getTime();
        const pending = await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", hsaRef);
        expect(pending?.state).toBe("outlookDeleted");
        expect(Date.parse(pending!.erpDeleteDue!)).toBe(deletedAt + GRACE_S * 1000);
        rig.advance(GRACE_S * 1000 - 1000);
        await rig.drain("pull");
        expect(rig.inbound().slice(before)).toEqual([]);

        await rig.settle(); // the clock reaches the due time: the confirmation runs
        expect(rig.inbound().slice(before)).toEqual([expect.objectContaining({ op: "DELETE", hsaRef })]);
        const committed = await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", hsaRef);
        expect(committed).toMatchObject({ state: "outlookDeleted" });
        expect(committed?.erpDeleteDue).toBeUndefined();

        // An ERP change sent after that (it did not cross the delete: the ERP was told) re-creates nothing.
        await rig.sendPush(appointment("UPDATE", hsaRef, { subject: "Too late" }));
        await rig.settle();
        expect(rig.eventsFor(MB, "1", hsaRef)).toEqual([]);
        expect(rig.inbound().slice(before)).toHaveLength(1);
      });

      it("a pending tombstone whose confirmation was lost is confirmed by the nightly resync", async () => {
        const hsaRef = "L1";
        await rig.sendPush(appointment("CREATE", hsaRef));
        await rig.settle();
        const [original] = rig.eventsFor(MB, "1", hsaRef);
        const before = rig.inbound().length;
        rig.sim.deleteEvent(MB, original!.id);
        await rig.drain("pull");
        // The scheduled confirmation is lost (cancelled through the real client, as if it had been set aside).
        const confirm = rig.bus
          .queue(QUEUES.pull)
          .messages()
          .find((m) => m.state === "scheduled" && (m.bodyJson as { source?: string }).source === "CONFIRMDELETE");
        expect(confirm).toMatchObject({ bodyJson: { outlookId: original!.id } });
        const client = new ServiceBusClient(rig.bus.connectionString);
        try {
          const session = await client.acceptSession(QUEUES.pull, "JSMITH");
          const peeked = await session.peekMessages(50);
          await session.close();
          const seq = peeked.find((m) => m.messageId === confirm!.messageId)?.sequenceNumber;
          expect(seq).toBeDefined();
          await client.createSender(QUEUES.pull).cancelScheduledMessages(seq!);
        } finally {
          await client.close();
        }
        rig.advance(GRACE_S * 1000 + 2 * 3_600_000);
        await rig.settle();
        expect(rig.inbound().slice(before)).toEqual([]);

        await resync("lost-confirmation");
        const sent = rig.inbound().slice(before);
        expect(sent.filter((m) => m.op === "DELETE")).toEqual([
          expect.objectContaining({ op: "DELETE", hsaRef, outlookId: original!.id }),
        ]);
        expect(rig.eventsFor(MB, "1", hsaRef)).toEqual([]);
        expect((await rig.deps.links.getByErpKey("JSMITH", "appointment", "1", hsaRef))?.erpDeleteDue).toBeUndefined();
      });

      /** The confirmation (grace over) and a crossing ERP UPDATE meet at the link row: the first write wins. */
      const confirmRaces: [Worker, Outcome][] = [
        ["pull", "kept"], // the confirmation held before its commit: the push's intent wins, no DELETE
        ["push", "deleted"], // the push held before its intent: the committed tombstone wins, nothing re-created
      ];
      it.each(confirmRaces)("grace over, %s held at links.save → %s", async (held, outcome) => {
        const hsaRef = `C-${held}`;
        await rig.sendPush(appointment("CREATE", hsaRef));
        await rig.settle();
        const [original] = rig.eventsFor(MB, "1", hsaRef);
        const before = rig.inbound().length;
        rig.sim.deleteEvent(MB, original!.id);
        await rig.drain("pull");
        rig.advance(GRACE_S * 1000); // the confirmation is due
        await rig.sendPush(appointment("UPDATE", hsaRef, { subject: `Changed in the ERP ${hsaRef}` }));

        await heldWhileOtherRuns(rig, held, "links.save");
        await rig.settle();

        const sent = rig.inbound().slice(before);
        const events = rig.eventsFor(MB, "1", hsaRef);
        expect(events.map((e) => e.subject)).toEqual(outcome === "kept" ? [`Changed in the ERP ${hsaRef}`] : []);
        expect(sent.map((m) => `${m.op} ${String(m.outlookId)}`)).toEqual(
          outcome === "kept" ? [] : [`DELETE ${original!.id}`],
        );
        expect(await rig.deps.rejected.list()).toEqual([]);
      });
    }

    /** An event carrying our ERP key, written without a link and without its notification (a divergence). */
    async function orphanFor(hsaRef: string) {
      const erp = {
        ...{ kco: "1", hsaRef, subject: `Orphan ${hsaRef}`, start: at(3, 9), end: at(3, 10), allDay: false },
        actionTypeDescription: "Meeting",
      };
      rig.sim.notificationFaults.dropNext(1);
      const created = await rig.deps.graph.createEvent(MB, { ...eventBodyFromErp(erp, `orphan-${hsaRef}`) });
      await rig.sim.notificationsIdle();
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
