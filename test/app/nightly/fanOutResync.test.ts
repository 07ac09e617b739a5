// The nightly fan-out against Azurite and the Service Bus stand-in: who gets a RESYNC (not email-only users), in how
// many batches, and that a second run the same night adds nothing (broker duplicate detection on per-night MessageIds).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { randomBytes } from "node:crypto";
import type { TableTransaction } from "@azure/data-tables";
import { fanOutResync, nightlyRunId, resyncMessageFor } from "../../../shared/app/nightly/fanOutResync.js";
import type { Logger } from "../../../shared/app/dispatchMessage.js";
import { parsePullMessage } from "../../../shared/domain/messages/parseMessage.js";
import { USERS_PARTITION, UsersTable } from "../../../shared/adapters/tables/usersTable.js";
import { startAppRig, type AppRig } from "../../harness/appRig.js";

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  return { lines, log: push, warn: push, error: push };
}

let rig: AppRig;
const NIGHT = new Date("2026-11-30T02:00:00Z");
beforeAll(async () => {
  rig = await startAppRig({ now: NIGHT });
}, 30_000);
afterAll(async () => rig?.stop());

const pull = () => rig.bus.queue("msgraph-pull");

describe("fanOutResync", () => {
  it("sends exactly one RESYNC per valid user with a sync switch on, in one batch; a rerun that night adds none", async () => {
    const { users } = rig.deps;
    await users.upsertUser({ userId: "JSMITH", mailbox: "jsmith@contoso.test", syncAppointments: true });
    await users.upsertUser({ userId: "ADOE", mailbox: "adoe@contoso.test", emails: true });
    await users.upsertUser({
      userId: "TASKER",
      mailbox: "tasker@contoso.test",
      defaultCompany: "1",
      tasksFromOutlook: true,
    });
    await users.upsertUser({ userId: "IDLE", mailbox: "idle@contoso.test" });
    await users.client.upsertEntity({
      partitionKey: USERS_PARTITION,
      rowKey: "BROKEN",
      mailbox: "not-a-mailbox",
      syncAppointments: true,
    });

    const log = recorder();
    const transfersBefore = pull().transferCount();
    const summary = await fanOutResync(rig.deps, { log });
    expect(summary).toMatchObject({
      runId: "nightly-2026-11-30",
      users: 5,
      eligible: 2,
      enqueued: 2,
      batches: 1,
      skipped: 2,
      skippedBy: { switchesOff: 1, emailOnly: 1, invalidMessage: 0 },
      invalid: 1,
      subscriptions: 0,
      removed: 0,
      removeFailed: 0,
      pruned: 0,
    });
    expect(pull().transferCount() - transfersBefore).toBe(1);
    expect(pull().batchTransferCount()).toBe(1);

    const messages = pull().messages();
    // ADOE has only `emails` on: mail needs no subscription, so no RESYNC.
    expect(messages.map((m) => m.sessionId).sort()).toEqual(["JSMITH", "TASKER"]);
    for (const m of messages) {
      expect(parsePullMessage(m.bodyJson)).toEqual({
        ok: true,
        message: { source: "RESYNC", user: m.sessionId, reason: "nightly" },
      });
      expect(m.messageId).toBe(resyncMessageFor(m.sessionId!, "nightly-2026-11-30").messageId);
    }
    // The invalid row got its status, and the log names it; the summary line has the figures.
    const broken = await users.client.getEntity<Record<string, unknown>>(USERS_PARTITION, "BROKEN");
    expect(broken.status).toBe("invalid");
    expect(log.lines.some((l) => l.includes("BROKEN") && l.includes("mailbox"))).toBe(true);
    expect(log.lines.at(-1)).toMatch(
      /users=5 eligible=2 enqueued=2 batches=1 skipped=2 \(switchesOff=1 emailOnly=1\) invalid=1 misplaced=0 subscriptions=0 removed=0 .*removeFailed=0 keptForInvalid=0 pruned=0 in \d+ ms$/,
    );

    // The timer fires again the same night: same MessageIds → the broker drops both.
    const again = await fanOutResync(rig.deps, { log: recorder() });
    expect(again.enqueued).toBe(2); // handed to the broker…
    expect(pull().messages()).toHaveLength(2); // …which kept none of them
    expect(pull().duplicateCount()).toBe(2);

    // The next night is a new run: two new messages.
    rig.advance(24 * 3_600_000);
    const nextNight = await fanOutResync(rig.deps, { log: recorder() });
    expect(nextNight.runId).toBe("nightly-2026-12-01");
    expect(pull().messages()).toHaveLength(4);
  });

  it("fans 1,200 users out in a handful of batches", async () => {
    // A separate Users table on the same Azurite, filled with table transactions (100 rows each).
    const users = await UsersTable.open({
      connectionString: inject("storageConnectionString"),
      tablePrefix: `tbig${randomBytes(4).toString("hex")}`,
    });
    const N = 1200;
    for (let start = 0; start < N; start += 100) {
      const actions: TableTransaction["actions"] = [];
      for (let i = start; i < Math.min(N, start + 100); i++) {
        const id = `U${String(i).padStart(5, "0")}`;
        actions.push([
          "create",
          {
            partitionKey: USERS_PARTITION,
            rowKey: id,
            mailbox: `${id.toLowerCase()}@contoso.test`,
            syncAppointments: true,
          },
        ]);
      }
      await users.client.submitTransaction(actions);
    }
    const before = { transfers: pull().transferCount(), messages: pull().messages().length };
    const started = Date.now();
    // Clean-up off: this Users table is not the one the rig's subscriptions belong to.
    const summary = await fanOutResync(
      { ...rig.deps, users },
      { log: recorder(), runId: "nightly-big", cleanup: false },
    );
    const transfers = pull().transferCount() - before.transfers;
    console.log(
      `nightly fan-out: ${summary.enqueued} users → ${summary.batches} batches (${transfers} AMQP transfers) ` +
        `in ${Date.now() - started} ms`,
    );
    expect(summary.enqueued).toBe(N);
    expect(pull().messages().length - before.messages).toBe(N);
    expect(transfers).toBe(summary.batches);
    expect(transfers).toBeLessThanOrEqual(5);
    expect(
      new Set(
        pull()
          .messages()
          .slice(before.messages)
          .map((m) => m.sessionId),
      ).size,
    ).toBe(N);
  }, 60_000);

  it("names the night by the UTC date", () => {
    expect(nightlyRunId(new Date("2026-03-29T01:59:59+02:00"))).toBe("nightly-2026-03-28");
    expect(nightlyRunId(new Date("2026-03-29T02:00:00Z"))).toBe("nightly-2026-03-29");
  });
});
