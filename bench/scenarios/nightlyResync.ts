// Scenario 5: the nightly RESYNC for N users × E events in the window, through the real pull worker entry in a
// process of its own (bench/nightlyWorker.ts: its peak RSS is the app's alone), against a Graph simulator seeded with
// N mailboxes, Azurite and the Service Bus stand-in. Every event carries the category of an ERP action type, so the
// first round links them all (CREATE to the ERP); then a round with nothing to repair, then one after 10 % of the
// events changed in Outlook. Run at each user count; memory must not grow with the users.
import { randomBytes } from "node:crypto";
import { ActionTypesTable } from "../../shared/adapters/tables/actionTypesTable.js";
import { UsersTable } from "../../shared/adapters/tables/usersTable.js";
import { defaultSeed, startGraphSim, type GraphSim } from "../../test/graph-sim/index.js";
import type { BenchRig } from "../benchRig.js";
import { runJsonChild } from "../jsonChild.js";
import { QUEUES } from "../benchRig.js";
import type { NightlyWorkerInput, NightlyWorkerOutput } from "../nightlyWorker.js";
import type { Comparison, ScenarioResult } from "../scenario.js";
import { fmt } from "../stats.js";
import { seedEvents } from "./deltaRead.js";
import { seedUsers } from "./nightlyFanOut.js";

export interface NightlyResyncOptions {
  /** User counts, smallest first (the memory target compares the first with the last). */
  users: number[];
  eventsPerUser: number;
  /** Share of each user's events changed in Outlook before the drift round. */
  drift: number;
  /** Users resynced at once (host.json maxConcurrentSessions). */
  sessions: number;
}

const CATEGORY = "Site meeting";
const TARGET_RSS_RATIO = 1.5;
const MiB = 1024 * 1024;

interface Round {
  label: string;
  out: NightlyWorkerOutput;
  graphRequests: number;
  inbound: number;
}

const userId = (i: number) => `U${String(i).padStart(6, "0")}`;
const mailboxOf = (i: number) => `${userId(i).toLowerCase()}@contoso.test`;

const runWorker = (projectRoot: string, input: NightlyWorkerInput) =>
  runJsonChild<NightlyWorkerOutput>(projectRoot, "bench/nightlyWorker.ts", input, ["--expose-gc"]);

async function oneSize(rig: BenchRig, projectRoot: string, n: number, options: NightlyResyncOptions) {
  const seed = defaultSeed();
  for (let i = 0; i < n; i++)
    seed.mailboxes.push({
      id: `b0000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      userPrincipalName: mailboxOf(i),
      displayName: `Bench user ${i}`,
    });
  const sim: GraphSim = await startGraphSim({ seed, notificationRetryBaseMs: 100 });
  try {
    const tablePrefix = `bnr${randomBytes(4).toString("hex")}`;
    const sink = rig.webhookUrl.replace(/\/graph\/notifications$/, "/bench/sink");
    const env = {
      ...rig.env,
      TABLE_PREFIX: tablePrefix,
      GRAPH_BASE_URL: sim.graphUrl,
      GRAPH_AUTHORITY_HOST: sim.authorityHost,
      TENANT_ID: sim.tenantId,
      CLIENT_ID: sim.defaultApp.clientId,
      CLIENT_SECRET: sim.defaultApp.clientSecret,
      WEBHOOK_URL: sink,
      LIFECYCLE_WEBHOOK_URL: sink,
    };
    const tables = { ...rig.config.storageConnection, tablePrefix };
    const users = await UsersTable.open(tables);
    await seedUsers(users, n, 4, () => ({ syncAppointments: true, appointmentsFromOutlook: true, syncTasks: false }));
    await (await ActionTypesTable.open(tables)).upsert({ company: "1", code: "SITE", description: CATEGORY });
    const eventIds = Array.from({ length: n }, (_, i) =>
      seedEvents({ sim }, mailboxOf(i), options.eventsPerUser, () => [CATEGORY]),
    );
    const inbound = rig.bus.queue(QUEUES.inbound);
    const ids = Array.from({ length: n }, (_, i) => userId(i));
    const round = async (label: string): Promise<Round> => {
      const before = { graph: sim.counters().total, inbound: inbound.enqueuedCount() };
      const out = await runWorker(projectRoot, {
        env,
        users: ids,
        sessions: options.sessions,
        runId: `${label}-${Date.now()}`,
      });
      return {
        label,
        out,
        graphRequests: sim.counters().total - before.graph,
        inbound: inbound.enqueuedCount() - before.inbound,
      };
    };
    const first = await round("first sync (links every event)");
    const clean = await round("nothing to repair");
    const changed = Math.round(options.eventsPerUser * options.drift);
    eventIds.forEach((list, i) =>
      list
        .slice(0, changed)
        .forEach((id, k) => sim.updateEvent(mailboxOf(i), id, { subject: `Moved site meeting ${k}` })),
    );
    const drift = await round(`${Math.round(options.drift * 100)} % drift`);
    return { n, rounds: [first, clean, drift], changed };
  } finally {
    await sim.stop();
  }
}

export async function nightlyResync(
  rig: BenchRig,
  projectRoot: string,
  options: NightlyResyncOptions,
): Promise<ScenarioResult> {
  const sizes: Awaited<ReturnType<typeof oneSize>>[] = [];
  for (const n of options.users) sizes.push(await oneSize(rig, projectRoot, n, options));
  const figures: [string, string][] = [
    ["events per user / sessions at once", `${options.eventsPerUser} / ${options.sessions}`],
  ];
  for (const size of sizes)
    for (const r of size.rounds) {
      const label = `${size.n} users, ${r.label}`;
      figures.push(
        [`${label}: Graph requests per user`, fmt(r.graphRequests / size.n)],
        [
          `${label}: wall s / users per s`,
          `${fmt(r.out.elapsedMs / 1000)} / ${fmt(size.n / (r.out.elapsedMs / 1000))}`,
        ],
        [`${label}: peak RSS MiB (before the run)`, `${fmt(r.out.peakRss / MiB)} (${fmt(r.out.rssBefore / MiB)})`],
        [
          `${label}: peak V8 heap reserved / outside the heap MiB`,
          `${fmt(r.out.peakHeapTotal / MiB)} / ${fmt(r.out.peakExternal / MiB)}`,
        ],
        [
          `${label}: heap after a full GC, before → after the run MiB`,
          `${fmt(r.out.heapBefore / MiB)} → ${fmt(r.out.heapAfter / MiB)}`,
        ],
        [`${label}: erp-inbound messages per user`, fmt(r.inbound / size.n)],
        [
          `${label}: outcomes`,
          `${Object.entries(r.out.outcomes)
            .map(([k, v]) => `${k}×${v}`)
            .join(" ")}${r.out.failed ? `, failed ${r.out.failed}` : ""}`,
        ],
      );
    }
  const peak = (s: (typeof sizes)[number]) => Math.max(...s.rounds.slice(1).map((r) => r.out.peakRss));
  const small = sizes[0]!;
  const large = sizes.at(-1)!;
  const ratio = peak(large) / peak(small);
  const comparisons: Comparison[] = [];
  const targets: ScenarioResult["targets"] = [];
  if (large !== small) {
    comparisons.push({
      what: `peak RSS of the worker, ${large.n} vs ${small.n} users (rounds after the first)`,
      ours: peak(large) / MiB,
      baseline: peak(small) / MiB,
      ratio: "ours/baseline",
      unit: "MiB",
      target: `≤ ${TARGET_RSS_RATIO}×`,
      pass: ratio <= TARGET_RSS_RATIO,
    });
    targets.push({
      name: `nightly: peak RSS at ${large.n} users ≤ ${TARGET_RSS_RATIO}× that at ${small.n}`,
      pass: ratio <= TARGET_RSS_RATIO,
      figure: `${fmt(peak(large) / MiB)} MiB vs ${fmt(peak(small) / MiB)} MiB = ${ratio.toFixed(2)}×`,
    });
  }
  for (const size of sizes) {
    const [, clean, drift] = size.rounds;
    comparisons.push({
      what: `${size.n} users: Graph requests per user, ${drift!.label} vs nothing to repair`,
      ours: drift!.graphRequests / size.n,
      baseline: clean!.graphRequests / size.n,
      ratio: "ours/baseline",
    });
    const ok = size.rounds.every((r) => r.out.failed === 0 && (r.out.outcomes.handled ?? 0) === size.n);
    targets.push({
      name: `nightly ${size.n} users: every RESYNC handled in every round`,
      pass: ok,
      figure: size.rounds.map((r) => `${r.out.outcomes.handled ?? 0}/${size.n}`).join(", "),
    });
  }
  return { name: "5. nightly resync through the pull worker", figures, comparisons, targets };
}
