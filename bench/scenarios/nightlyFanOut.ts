// Scenario 3: the nightly fan-out (one RESYNC per user into msgraph-pull) for many users: time and AMQP transfers,
// beside the naive way on the same stand-in: one send per user (NAIVE_IN_FLIGHT at a time).
import { randomBytes } from "node:crypto";
import type { TableTransaction } from "@azure/data-tables";
import { fanOutResync } from "../../shared/app/nightly/fanOutResync.js";
import type { Logger } from "../../shared/app/dispatchMessage.js";
import { USERS_PARTITION, UsersTable } from "../../shared/adapters/tables/usersTable.js";
import type { BenchRig } from "../benchRig.js";
import { QUEUES } from "../benchRig.js";
import type { ScenarioResult } from "../scenario.js";
import { fmt } from "../stats.js";

export interface FanOutOptions {
  users: number;
  /** Table transactions in flight while seeding (each holds ≤ 100 rows of one partition). */
  seedParallel: number;
}

/** Sends in flight in the naive baseline (a plain loop with a little concurrency, as one would first write it). */
const NAIVE_IN_FLIGHT = 16;

const TARGET_TRANSFERS = 50;
const TARGET_MS = 20_000;

const quiet: Logger = { log: () => undefined, warn: (...a: unknown[]) => console.warn(...a), error: console.error };

/** `count` users U000000… with mailboxes u000000@contoso.test…, written 100 per table transaction. */
export async function seedUsers(
  users: UsersTable,
  count: number,
  parallel: number,
  switches: (i: number) => Record<string, boolean> = (i) => ({
    syncAppointments: true,
    appointmentsFromOutlook: i % 2 === 0,
    syncTasks: i % 3 === 0,
  }),
): Promise<void> {
  const chunks: TableTransaction["actions"][] = [];
  for (let start = 0; start < count; start += 100) {
    const actions: TableTransaction["actions"] = [];
    for (let i = start; i < Math.min(count, start + 100); i++) {
      const id = `U${String(i).padStart(6, "0")}`;
      actions.push([
        "create",
        {
          partitionKey: USERS_PARTITION,
          rowKey: id,
          mailbox: `${id.toLowerCase()}@contoso.test`,
          defaultCompany: "1",
          ...switches(i),
        },
      ]);
    }
    chunks.push(actions);
  }
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++];
      if (chunk) await users.client.submitTransaction(chunk);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

export async function nightlyFanOut(rig: BenchRig, options: FanOutOptions): Promise<ScenarioResult> {
  // A Users table of its own (same Azurite), so the other scenarios' users don't count.
  const users = await UsersTable.open({
    ...rig.config.storageConnection,
    tablePrefix: `bnight${randomBytes(4).toString("hex")}`,
  });
  const seedStarted = performance.now();
  await seedUsers(users, options.users, options.seedParallel);
  const seedMs = performance.now() - seedStarted;

  const pull = rig.bus.queue(QUEUES.pull);
  const before = { transfers: pull.transferCount(), enqueued: pull.enqueuedCount() };
  const started = performance.now();
  const summary = await fanOutResync(
    { ...rig.deps, users },
    { log: quiet, runId: `bench-${Date.now()}`, cleanup: false },
  );
  const elapsedMs = performance.now() - started;
  const transfers = pull.transferCount() - before.transfers;
  const enqueued = pull.enqueuedCount() - before.enqueued;

  // The naive way: one send (one AMQP transfer) per user, the same message the fan-out sends.
  const ids = Array.from({ length: options.users }, (_, i) => `U${String(i).padStart(6, "0")}`);
  const naiveBefore = { transfers: pull.transferCount(), enqueued: pull.enqueuedCount() };
  const naiveStarted = performance.now();
  const runId = `naive-${Date.now()}`;
  let next = 0;
  const sender = async () => {
    while (next < ids.length) {
      const user = ids[next++]!;
      await rig.deps.queues.send(
        rig.config.pullQueue,
        { source: "RESYNC", user, reason: "nightly" },
        { sessionId: user, messageId: `${runId}-${user}` },
      );
    }
  };
  await Promise.all(Array.from({ length: NAIVE_IN_FLIGHT }, sender));
  const naiveMs = performance.now() - naiveStarted;
  const naiveTransfers = pull.transferCount() - naiveBefore.transfers;
  const naiveEnqueued = pull.enqueuedCount() - naiveBefore.enqueued;

  return {
    name: "3. nightly fan-out",
    figures: [
      ["users seeded (not timed in the fan-out)", `${options.users} in ${fmt(seedMs)} ms`],
      ["eligible / enqueued by the broker", `${summary.eligible} / ${enqueued}`],
      ["fan-out elapsed ms (list users + send + prune)", fmt(elapsedMs)],
      ["AMQP transfers to msgraph-pull", fmt(transfers)],
      ["sendBatch batches (as the app counts them)", fmt(summary.batches)],
      ["messages per transfer", fmt(transfers ? enqueued / transfers : Number.NaN)],
      [
        `naive (one send per user, ${NAIVE_IN_FLIGHT} in flight): elapsed ms / transfers / enqueued`,
        `${fmt(naiveMs)} / ${naiveTransfers} / ${naiveEnqueued}`,
      ],
    ],
    comparisons: [
      {
        what: `AMQP transfers for ${options.users} users: fan-out vs one send per user`,
        ours: transfers,
        baseline: naiveTransfers,
        ratio: "baseline/ours",
      },
      {
        what: `wall time for ${options.users} users: fan-out (incl. listing the users) vs one send per user (sends only)`,
        ours: elapsedMs,
        baseline: naiveMs,
        ratio: "baseline/ours",
        unit: "ms",
      },
    ],
    targets: [
      {
        name: `fan-out of ${options.users} users: < ${TARGET_TRANSFERS} transfers, all enqueued`,
        pass: transfers < TARGET_TRANSFERS && enqueued === options.users,
        figure: `${transfers} transfers, ${enqueued}/${options.users} enqueued`,
      },
      {
        name: `fan-out of ${options.users} users < ${TARGET_MS / 1000} s`,
        pass: elapsedMs < TARGET_MS,
        figure: `${fmt(elapsedMs)} ms`,
      },
    ],
  };
}
