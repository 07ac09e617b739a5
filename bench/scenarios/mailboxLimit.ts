// Scenario 6: many parallel reads of one mailbox through the app's Graph gateway: the per-mailbox limit (≤ 4 in
// flight) must hold, so Graph never throttles us.
import type { BenchRig } from "../benchRig.js";
import type { ScenarioResult } from "../scenario.js";
import { fmt } from "../stats.js";
import { DELTA_MAILBOX, seedEvents } from "./deltaRead.js";

export interface LimitOptions {
  calls: number;
  /** Simulated Graph service time per request. */
  graphLatencyMs: number;
}

const TARGET_CONCURRENT = 4;

export async function mailboxLimit(rig: BenchRig, options: LimitOptions): Promise<ScenarioResult> {
  const { sim, deps } = rig;
  const [id] = seedEvents(rig, DELTA_MAILBOX, 1);
  if (!id) throw new Error("limit bench: no event");
  await deps.graph.getEvent(DELTA_MAILBOX, id); // token and connection first
  // The simulator answers in-process in microseconds, so without a delay no two requests would ever overlap there and
  // the limit would hold trivially. Each read of the event is held this long while it occupies its mailbox slot.
  sim.injectFault({
    method: "GET",
    path: /\/events\//,
    mailbox: DELTA_MAILBOX,
    status: 200,
    delayMs: options.graphLatencyMs,
    times: Infinity,
  });
  sim.resetCounters();
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: options.calls }, () => deps.graph.getEvent(DELTA_MAILBOX, id)),
  );
  const elapsedMs = performance.now() - started;
  const counters = sim.counters();
  sim.clearFaults();
  const found = results.filter((e) => e?.id === id).length;
  const maxConcurrent = Math.max(0, ...Object.values(counters.maxConcurrentByMailbox));

  return {
    name: "6. per-mailbox limit",
    figures: [
      ["parallel getEvent calls / answered with the event", `${options.calls} / ${found}`],
      ["simulated Graph latency per request ms", fmt(options.graphLatencyMs)],
      ["Graph requests (simulator count)", fmt(counters.total)],
      ["max concurrent requests on the mailbox", fmt(maxConcurrent)],
      ["throttled (429) answers", fmt(counters.throttled)],
      ["elapsed ms", fmt(elapsedMs)],
      ["elapsed if 4 at a time (lower bound) ms", fmt(Math.ceil(options.calls / 4) * options.graphLatencyMs)],
    ],
    targets: [
      {
        name: `per-mailbox concurrency ≤ ${TARGET_CONCURRENT}`,
        pass: maxConcurrent <= TARGET_CONCURRENT,
        figure: `max ${maxConcurrent} in flight`,
      },
      {
        name: `no throttling under ${options.calls} parallel calls`,
        pass: counters.throttled === 0 && found === options.calls,
        figure: `${counters.throttled} throttled, ${found}/${options.calls} answered`,
      },
    ],
  };
}
