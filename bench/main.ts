// The bench itself: starts the real parts, runs each scenario within its own time bound, prints the figures as tables
// and one PASS/FAIL line per target, stops everything. Returns the exit code (1 only when something crashed).
import os from "node:os";
import { startBenchRig, type BenchRig } from "./benchRig.js";
import type { ScenarioResult } from "./scenario.js";
import { emailMemory } from "./scenarios/emailMemory.js";
import { deltaRead } from "./scenarios/deltaRead.js";
import { mailboxLimit } from "./scenarios/mailboxLimit.js";
import { nightlyFanOut } from "./scenarios/nightlyFanOut.js";
import { webhookLatency } from "./scenarios/webhookLatency.js";
import { table, withinMs } from "./stats.js";

interface Scenario {
  name: string;
  /** Hard bound: past it the scenario counts as crashed and the bench moves on. The bounds add up to < 3 minutes. */
  limitMs: number;
  run(rig: BenchRig): Promise<ScenarioResult>;
}

const SCENARIOS: Scenario[] = [
  {
    name: "1. webhook latency",
    limitMs: 40_000,
    run: (rig) =>
      webhookLatency(rig, { posts: 500, concurrencies: [1, 10], warmup: 20, budgetMs: 15_000, breakdown: 100 }),
  },
  {
    name: "2. nightly fan-out",
    limitMs: 30_000,
    run: (rig) => nightlyFanOut(rig, { users: 10_000, seedParallel: 4 }),
  },
  {
    name: "3. calendar delta read",
    limitMs: 30_000,
    run: (rig) => deltaRead(rig, { events: 2_000, maxPageSize: 100 }),
  },
  {
    name: "4. per-mailbox limit",
    limitMs: 15_000,
    run: (rig) => mailboxLimit(rig, { calls: 200, graphLatencyMs: 20 }),
  },
  {
    name: "5. large email attachment memory",
    limitMs: 60_000,
    run: (rig) => emailMemory(rig, { attachmentMiB: 48, smallAttachmentMiB: 12, gcEveryMs: 25 }),
  },
];

export async function main(projectRoot: string = process.cwd()): Promise<number> {
  const benchStarted = performance.now();
  const gcNote =
    typeof (globalThis as { gc?: unknown }).gc === "function" ? "on" : "off (heap figures include garbage)";
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
  console.log(`bench: node ${process.version}, ${os.cpus().length} cores, expose-gc ${gcNote}, loopback only`);
  console.log(`bench: load average at start ${load()} (other work on the machine skews the figures)`);
  const rig = await startBenchRig(projectRoot);
  console.log(
    `bench: Azurite pid ${rig.azurite.pid}, Graph simulator ${rig.sim.baseUrl}, Service Bus :${rig.bus.port}`,
  );
  const results: ScenarioResult[] = [];
  const crashes: string[] = [];
  try {
    for (const scenario of SCENARIOS) {
      const started = performance.now();
      try {
        const result = await withinMs(scenario.limitMs, scenario.name, () => scenario.run(rig));
        results.push(result);
        console.log(`\n${result.name} (${Math.round(performance.now() - started)} ms incl. setup)`);
        console.log(table(["figure", "value"], result.figures));
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        crashes.push(`${scenario.name}: ${message}`);
        console.error(`\n${scenario.name} CRASHED: ${message}`);
      }
    }
  } finally {
    await rig.stop();
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
