// Child process of the nightly-resync scenario: the app as a Functions worker would run it (its own process, so its
// peak RSS is the app's alone), one RESYNC per user through the real pull worker entry, MAX_SESSIONS users at a time
// as host.json lets the host run sessions. Input: a JSON file (argv[2]); output: one JSON line on stdout.
import { readFileSync } from "node:fs";
import { runPullWorker } from "../functions/pullWorker.js";
import { createAppDeps } from "../shared/app/appDeps.js";
import { buildPullHandlers } from "../shared/app/pullHandlers.js";
import { loadConfig } from "../shared/config/config.js";
import { queueInvocation } from "./invocation.js";

export interface NightlyWorkerInput {
  env: Record<string, string>;
  users: string[];
  sessions: number;
  runId: string;
}

export interface NightlyWorkerOutput {
  elapsedMs: number;
  /** Peak resident set of this process (getrusage maxrss), bytes. */
  peakRss: number;
  /** RSS once the app's dependencies are built, before the first RESYNC. */
  rssBefore: number;
  /** Largest V8 heap reserved (heapTotal) and largest memory outside it (external incl. Buffers), sampled every 20 ms. */
  peakHeapTotal: number;
  peakExternal: number;
  /** Heap in use after a full collection, before the first RESYNC and after the last (what the run retains). */
  heapBefore: number;
  heapAfter: number;
  outcomes: Record<string, number>;
  failed: number;
}

const input = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as NightlyWorkerInput;
const deps = await createAppDeps(loadConfig(input.env));
const workerDeps = { queue: deps.config.pullQueue, handlers: buildPullHandlers(deps), rejected: deps.rejected };
const outcomes: Record<string, number> = {};
let failed = 0;
const resync = async (user: string) => {
  const messageId = `${input.runId}-${user}`;
  try {
    const outcome = await runPullWorker(
      { source: "RESYNC", user, reason: "nightly" },
      queueInvocation("pullWorker", messageId, user),
      workerDeps,
    );
    outcomes[outcome.status] = (outcomes[outcome.status] ?? 0) + 1;
  } catch (error) {
    failed++;
    if (failed <= 3)
      console.error(`nightly worker: ${user}: ${error instanceof Error ? error.message : String(error)}`);
  }
};
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
gc();
const heapBefore = process.memoryUsage().heapUsed;
const rssBefore = process.memoryUsage().rss;
let peakHeapTotal = 0;
let peakExternal = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakHeapTotal = Math.max(peakHeapTotal, m.heapTotal);
  peakExternal = Math.max(peakExternal, m.external);
}, 20);
const started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: input.sessions }, async () => {
    while (next < input.users.length) await resync(input.users[next++]!);
  }),
);
const elapsedMs = performance.now() - started;
clearInterval(sampler);
gc();
const output: NightlyWorkerOutput = {
  elapsedMs,
  heapBefore,
  heapAfter: process.memoryUsage().heapUsed,
  peakRss: process.resourceUsage().maxRSS * 1024,
  peakHeapTotal,
  peakExternal,
  rssBefore,
  outcomes,
  failed,
};
await deps.queues.close();
console.log(JSON.stringify(output));
process.exit(0);
