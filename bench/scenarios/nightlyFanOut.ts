// Scenario 2: the nightly fan-out (one RESYNC per user into msgraph-pull) for many users: time and AMQP transfers.
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

const TARGET_TRANSFERS = 50;
const TARGET_MS = 20_000;

const quiet: Logger = { log: () => undefined, warn: (...a: unknown[]) => console.warn(...a), error: console.error };

async function seedUsers(users: UsersTable, count: number, parallel: number): Promise<void> {
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
          syncAppointments: true,
          appointmentsFromOutlook: i % 2 === 0,
          syncTasks: i % 3 === 0,
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

  return {
    name: "2. nightly fan-out",
    figures: [
      ["users seeded (not timed in the fan-out)", `${options.users} in ${fmt(seedMs)} ms`],
      ["eligible / enqueued by the broker", `${summary.eligible} / ${enqueued}`],
      ["fan-out elapsed ms (list users + send + prune)", fmt(elapsedMs)],
      ["AMQP transfers to msgraph-pull", fmt(transfers)],
      ["sendBatch batches (as the app counts them)", fmt(summary.batches)],
      ["messages per transfer", fmt(transfers ? enqueued / transfers : Number.NaN)],
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
