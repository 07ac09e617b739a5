// The nightly clean-up against Azurite + the Graph simulator + the Service Bus stand-in: subscriptions of users who are
// gone or switched that kind off are deleted in Graph and in the table; invalid rows keep theirs; a failure is retried.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanUpSubscriptions } from "../../../shared/app/nightly/cleanUpSubscriptions.js";
import { fanOutResync } from "../../../shared/app/nightly/fanOutResync.js";
import type { Logger } from "../../../shared/app/dispatchMessage.js";
import { ensureSubscription } from "../../../shared/app/subscriptions/ensureSubscription.js";
import type { SubscriptionRecord } from "../../../shared/adapters/tables/subscriptionsTable.js";
import { USERS_PARTITION, type UserInput } from "../../../shared/adapters/tables/usersTable.js";
import { startWebhookRig, type WebhookRig } from "../webhook/webhookRig.js";

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  return { lines, log: push, warn: push, error: push };
}

let rig: WebhookRig; // serves the webhook, so Graph's validation handshake succeeds; seeds JSMITH and ADOE (syncing)
beforeAll(async () => {
  rig = await startWebhookRig();
}, 30_000);
afterAll(async () => rig?.stop());

const JS = "jsmith@contoso.test";
const AD = "adoe@contoso.test";

/** Creates the Users row and a real events subscription for it (through the simulator). */
async function subscribed(input: UserInput): Promise<SubscriptionRecord> {
  await rig.deps.users.upsertUser({ syncAppointments: true, ...input });
  const lookup = await rig.deps.users.getUser(input.userId);
  if (!lookup?.valid) throw new Error(`user ${input.userId} is not valid`);
  return ensureSubscription(rig.deps, lookup.user, "events");
}

const inGraph = (rec: SubscriptionRecord) => rig.sim.subscriptions().some((s) => s.id === rec.subscriptionId);
async function inTable(rec: SubscriptionRecord): Promise<boolean> {
  const row = await rig.deps.subscriptions.get(rec.user, rec.kind);
  const index = await rig.deps.subscriptions.getBySubscriptionId(rec.subscriptionId);
  expect(row === undefined).toBe(index === undefined); // main row and index row go together
  return row?.subscriptionId === rec.subscriptionId;
}
const deleteUserRow = (userId: string) => rig.deps.users.client.deleteEntity(USERS_PARTITION, userId);

describe("nightly clean-up", () => {
  it("removes what nobody needs, keeps invalid rows' and needed ones, sends RESYNC only to syncing users", async () => {
    const jsmith = await ensureSubscription(rig.deps, await valid("JSMITH"), "events");
    const off = await subscribed({ userId: "OFF", mailbox: JS });
    const switcher = await subscribed({ userId: "SWITCHER", mailbox: JS });
    const gone = await subscribed({ userId: "GONE", mailbox: AD });
    const failing = await subscribed({ userId: "FAILING", mailbox: AD });
    const broken = await subscribed({ userId: "BROKEN", mailbox: AD });
    await rig.deps.users.upsertUser({ userId: "MAILER", mailbox: JS, emails: true });
    const all = [jsmith, off, switcher, gone, failing, broken];
    for (const rec of all) expect(inGraph(rec)).toBe(true);

    // The admin switches OFF off entirely, moves SWITCHER from appointments to tasks, deletes GONE's and FAILING's
    // rows and breaks BROKEN's mailbox cell.
    await rig.deps.users.upsertUser({ userId: "OFF", mailbox: JS });
    await rig.deps.users.upsertUser({ userId: "SWITCHER", mailbox: JS, syncTasks: true });
    await deleteUserRow("GONE");
    await deleteUserRow("FAILING");
    await rig.deps.users.client.upsertEntity(
      { partitionKey: USERS_PARTITION, rowKey: "BROKEN", mailbox: "not-a-mailbox" },
      "Merge",
    );
    // Graph refuses to delete FAILING's subscription tonight.
    rig.sim.injectFault({
      method: "DELETE",
      path: `^/subscriptions/${failing.subscriptionId}$`,
      status: 503,
      times: Infinity,
    });

    const pull = rig.bus.queue("msgraph-pull");
    const before = pull.messages().length;
    const log = recorder();
    let summary;
    try {
      summary = await fanOutResync(rig.deps, { log, runId: "night-1" });
    } finally {
      rig.sim.clearFaults();
    }
    expect(summary).toMatchObject({
      users: 6, // JSMITH, ADOE, OFF, SWITCHER, BROKEN, MAILER
      eligible: 3,
      enqueued: 3,
      skipped: 2,
      skippedBy: { switchesOff: 1, emailOnly: 1 },
      invalid: 1,
      subscriptions: 6,
      removed: 3,
      removedBy: { unknownUser: 1, switchedOff: 2 },
      removeFailed: 1,
      keptForInvalid: 1,
      removalsDeferred: 0,
    });
    // RESYNC only for users whose switches need a sync (SWITCHER now syncs tasks); none for OFF, MAILER, BROKEN.
    expect(
      pull
        .messages()
        .slice(before)
        .map((m) => m.sessionId)
        .sort(),
    ).toEqual(["ADOE", "JSMITH", "SWITCHER"]);

    // Gone in the simulator and in the table (index rows too): OFF, SWITCHER (events no longer needed), GONE.
    for (const rec of [off, switcher, gone]) {
      expect(inGraph(rec)).toBe(false);
      expect(await inTable(rec)).toBe(false);
    }
    // Kept: JSMITH (needed), BROKEN (invalid row: the admin may be mid-edit), FAILING (Graph failed: retried next night).
    for (const rec of [jsmith, broken, failing]) {
      expect(inGraph(rec)).toBe(true);
      expect(await inTable(rec)).toBe(true);
    }
    const failure = log.lines.find((l) => l.includes("failed") && l.includes(failing.subscriptionId));
    expect(failure).toMatch(/FAILING\/events/);
    expect(log.lines.some((l) => l.includes(broken.subscriptionId) && /kept.*invalid/.test(l))).toBe(true);
    expect(log.lines.at(-1)).toMatch(
      /eligible=3 enqueued=3 batches=1 skipped=2 \(switchesOff=1 emailOnly=1\) invalid=1 misplaced=0 subscriptions=6 removed=3 \(unknownUser=1 switchedOff=2\) removeFailed=1 keptForInvalid=1 pruned=0 /,
    );
    for (const rec of all) expect(log.lines.join("\n")).not.toContain(rec.clientState);

    // The next night Graph answers: FAILING's subscription goes; BROKEN's still stays.
    const next = await fanOutResync(rig.deps, { log: recorder(), runId: "night-2" });
    expect(next).toMatchObject({ subscriptions: 3, removed: 1, removedBy: { unknownUser: 1 }, removeFailed: 0 });
    expect(inGraph(failing)).toBe(false);
    expect(await inTable(failing)).toBe(false);
    expect(inGraph(broken)).toBe(true);

    // The admin fixes BROKEN by switching it off: now its subscription goes too.
    await rig.deps.users.upsertUser({ userId: "BROKEN", mailbox: AD });
    const fixed = await fanOutResync(rig.deps, { log: recorder(), runId: "night-3" });
    expect(fixed).toMatchObject({ invalid: 0, removed: 1, removedBy: { switchedOff: 1 }, keptForInvalid: 0 });
    expect(inGraph(broken)).toBe(false);
  });

  it("caps removals per run and says so; the rest go the next night", async () => {
    const orphans = [
      await subscribed({ userId: "ORPHAN1", mailbox: JS }),
      await subscribed({ userId: "ORPHAN2", mailbox: AD }),
      await subscribed({ userId: "ORPHAN3", mailbox: JS }),
    ];
    for (const o of orphans) await deleteUserRow(o.user);
    const log = recorder();
    const first = await fanOutResync(rig.deps, { log, runId: "cap-1", maxRemovals: 2 });
    expect(first).toMatchObject({ removed: 2, removalsDeferred: 1, removeFailed: 0 });
    expect(log.lines.some((l) => /3 subscriptions to remove, capped at 2 .*1 wait/.test(l))).toBe(true);
    expect(log.lines.at(-1)).toMatch(/ deferred=1 /);
    expect(orphans.filter(inGraph)).toHaveLength(1);

    const second = await fanOutResync(rig.deps, { log: recorder(), runId: "cap-2", maxRemovals: 2 });
    expect(second).toMatchObject({ removed: 1, removalsDeferred: 0 });
    expect(orphans.filter(inGraph)).toEqual([]);
  });

  it("keeps a subscription whose user was switched on again after the users were listed", async () => {
    const late = await subscribed({ userId: "LATE", mailbox: JS });
    await rig.deps.users.upsertUser({ userId: "LATE", mailbox: JS }); // switched off…
    const snapshot = await rig.deps.users.listUsers(); // …when the nightly listed the users
    await rig.deps.users.upsertUser({
      userId: "LATE",
      mailbox: JS,
      appointmentsFromOutlook: true,
      defaultCompany: "1",
    });
    const summary = await cleanUpSubscriptions(rig.deps, snapshot, { log: recorder(), runId: "race" });
    expect(summary).toMatchObject({ removed: 0, stillNeeded: 1, removeFailed: 0 });
    expect(inGraph(late)).toBe(true);
    expect(await inTable(late)).toBe(true);
  });
});

async function valid(userId: string) {
  const lookup = await rig.deps.users.getUser(userId);
  if (!lookup?.valid) throw new Error(`user ${userId} is not valid`);
  return lookup.user;
}
