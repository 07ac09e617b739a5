// The bench itself: runs each scenario within its own time bound, prints its figures, each figure of ours beside the
// baseline measured in the same run (ours, baseline, ratio, target, PASS/FAIL), then one PASS/FAIL line per target.
// The cold start runs first, before the rig's processes start. Returns the exit code (1 only when something crashed).
import os from "node:os";
import { startBenchRig, type BenchRig } from "./benchRig.js";
import { stopJsonChildren } from "./jsonChild.js";
import { parseBenchArgs, type BenchOptions } from "./options.js";
import { ratioOf, type Comparison, type ScenarioResult } from "./scenario.js";
import { coldStart } from "./scenarios/coldStart.js";
import { deltaRead } from "./scenarios/deltaRead.js";
import { emailMemory } from "./scenarios/emailMemory.js";
import { erpBurst } from "./scenarios/erpBurst.js";
import { mailboxLimit } from "./scenarios/mailboxLimit.js";
import { nightlyFanOut } from "./scenarios/nightlyFanOut.js";
import { nightlyResync } from "./scenarios/nightlyResync.js";
import { webhookLatency } from "./scenarios/webhookLatency.js";
import { fmt, table, withinMs } from "./stats.js";

interface Scenario {
  key: string;
  name: string;
  /** Hard bound: past it the scenario counts as crashed and the bench moves on. */
  limitMs: number;
  /** Without the rig: runs before it starts. */
  standalone?: (projectRoot: string) => Promise<ScenarioResult>;
  run?: (rig: BenchRig, projectRoot: string) => Promise<ScenarioResult>;
}

function scenarios(o: BenchOptions): Scenario[] {
  const q = o.quick;
  return [
    {
      key: "cold",
      name: "0. cold start",
      limitMs: 120_000,
      standalone: (root) => coldStart(root, { runs: q ? 7 : 9 }),
    },
    {
      key: "burst",
      name: "1. ERP burst",
      limitMs: 60_000,
      run: (rig) => erpBurst(rig, { changes: 200 }),
    },
    {
      key: "webhook",
      name: "2. webhook at a sustained rate",
      // Open loop: when the handler falls behind the schedule, answering the backlog takes longer than the schedule.
      limitMs: (o.webhookSeconds * 8 + 180) * 1000,
      run: (rig) =>
        webhookLatency(rig, { rate: o.webhookRate, seconds: o.webhookSeconds, itemsPerBatch: 4, warmup: 40 }),
    },
    {
      key: "fanout",
      name: "3. nightly fan-out",
      limitMs: 90_000,
      run: (rig) => nightlyFanOut(rig, { users: q ? 1_000 : 10_000, seedParallel: 4 }),
    },
    {
      key: "delta",
      name: "4. calendar delta read",
      limitMs: 60_000,
      run: (rig) => deltaRead(rig, { events: q ? 500 : 2_000, maxPageSize: 100 }),
    },
    {
      key: "nightly",
      name: "5. nightly resync",
      // The first sync (links every event: a Graph write, two link rows and an ERP CREATE per event) runs at about a
      // user per second here; the bound grows with the users asked for, so `--users 100,1000` is not cut off.
      limitMs: Math.max(420_000, 120_000 + 3_000 * o.nightlyUsers.reduce((a, b) => a + b, 0)),
      run: (rig, root) =>
        nightlyResync(rig, root, { users: o.nightlyUsers, eventsPerUser: o.eventsPerUser, drift: 0.1, sessions: 8 }),
    },
    {
      key: "limit",
      name: "6. per-mailbox limit",
      limitMs: 15_000,
      run: (rig) => mailboxLimit(rig, { calls: 200, graphLatencyMs: 20 }),
    },
    {
      key: "email",
      name: "7. large email attachment memory",
      limitMs: 60_000,
      run: (rig) => emailMemory(rig, { attachmentMiB: q ? 24 : 48, smallAttachmentMiB: q ? 6 : 12, gcEveryMs: 25 }),
    },
  ];
}

const comparisonRow = (c: Comparison): string[] => {
  const unit = c.unit ? ` ${c.unit}` : "";
  const ratio = ratioOf(c);
  return [
    c.what,
    `${fmt(c.ours)}${unit}`,
    `${fmt(c.baseline)}${unit}`,
    `${Number.isFinite(ratio) ? ratio.toFixed(2) : "-"}× (${c.ratio})`,
    c.target ?? "-",
    c.pass === undefined ? "-" : c.pass ? "PASS" : "FAIL",
  ];
};

function report(result: ScenarioResult, ms: number): void {
  console.log(`\n${result.name} (${Math.round(ms)} ms incl. setup)`);
  if (result.skipped) console.log(`  ${result.skipped}`);
  if (result.figures.length) console.log(table(["figure", "value"], result.figures));
  if (result.comparisons?.length)
    console.log(
      "\n" +
        table(
          ["ours vs baseline", "ours", "baseline", "ratio", "target", "verdict"],
          result.comparisons.map(comparisonRow),
        ),
    );
}

export async function main(projectRoot: string = process.cwd(), argv: readonly string[] = []): Promise<number> {
  const options = parseBenchArgs(argv);
  const benchStarted = performance.now();
  const gcNote =
    typeof (globalThis as { gc?: unknown }).gc === "function" ? "on" : "off (heap figures include garbage)";
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
  console.log(`bench: node ${process.version}, ${os.cpus().length} cores, expose-gc ${gcNote}, loopback only`);
  console.log(`bench: options ${JSON.stringify(options)}`);
  console.log(`bench: load average at start ${load()} (other work on the machine skews the figures)`);
  const chosen = scenarios(options).filter((s) => !options.only.length || options.only.includes(s.key));
  const results: ScenarioResult[] = [];
  const crashes: string[] = [];
  const attempt = async (s: Scenario, work: () => Promise<ScenarioResult>) => {
    const started = performance.now();
    try {
      const result = await withinMs(s.limitMs, s.name, work);
      results.push(result);
      report(result, performance.now() - started);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      crashes.push(`${s.name}: ${message}`);
      stopJsonChildren(); // a scenario past its bound must not keep loading the machine
      console.error(`\n${s.name} CRASHED: ${message}`);
    }
  };
  for (const s of chosen) if (s.standalone) await attempt(s, () => s.standalone!(projectRoot));
  const withRig = chosen.filter((s) => s.run);
  if (withRig.length) {
    const rig = await startBenchRig(projectRoot);
    console.log(
      `\nbench: Azurite pid ${rig.azurite.pid}, Graph simulator ${rig.sim.baseUrl}, Service Bus :${rig.bus.port}`,
    );
    try {
      for (const s of withRig) await attempt(s, () => s.run!(rig, projectRoot));
    } finally {
      await rig.stop();
    }
  }

  console.log("\ntargets");
  for (const r of results) {
    if (r.skipped) console.log(`SKIP ${r.name}: ${r.skipped}`);
    for (const t of r.targets) console.log(`${t.pass ? "PASS" : "FAIL"} ${t.name}: ${t.figure}`);
  }
  for (const c of crashes) console.log(`CRASH ${c.split("\n")[0] ?? c}`);
  console.log(`bench: load average at end ${load()}`);
  console.log(`bench: done in ${Math.round(performance.now() - benchStarted)} ms`);
  return crashes.length ? 1 : 0;
}
