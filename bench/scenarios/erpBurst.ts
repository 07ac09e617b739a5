// Scenario 1: a burst of ERP changes for one user (creates, then an update of each) through the real push worker
// entry, Graph requests counted by the simulator: with $batch (ours) vs one request per change (baseline). The push
// path does not use $batch yet (issue 15), so the scenario reports "not built yet" rather than a figure; the runner
// below is what it will time once BATCHED_PUSH names the switch that turns batching off for the baseline.
import { runPushWorker } from "../../functions/pushWorker.js";
import { buildPushHandlers } from "../../shared/app/pushHandlers.js";
import type { AppDeps } from "../../shared/app/appDeps.js";
import type { BenchRig } from "../benchRig.js";
import { QUEUES } from "../benchRig.js";
import { queueInvocation } from "../invocation.js";
import type { ScenarioResult } from "../scenario.js";

export interface BurstOptions {
  /** ERP changes in the burst (half creates, half updates of those). */
  changes: number;
}

/** Whether the push path writes with $batch; false until it is built (then: the setting or flag that turns it off). */
export const BATCHED_PUSH: { built: false } | { built: true; naive(deps: AppDeps): AppDeps } = { built: false };

const TARGET_FEWER = 15;

/** The burst's push messages for `userId`: creates of `changes / 2` appointments, then an update of each. */
export function burstMessages(userId: string, changes: number): Record<string, unknown>[] {
  const day = (i: number) => new Date(Date.now() + (1 + (i % 14)) * 86_400_000).toISOString().slice(0, 10);
  const creates = Array.from({ length: Math.ceil(changes / 2) }, (_, i) => ({
    kind: "appointment",
    op: "CREATE",
    user: userId,
    kco: "1",
    hsaRef: `BURST-${i}`,
    data: {
      subject: `Site visit ${i}`,
      start: `${day(i)}T09:00:00+00:00`,
      end: `${day(i)}T10:00:00+00:00`,
      allDay: false,
    },
  }));
  const updates = creates
    .slice(0, changes - creates.length)
    .map((c) => ({ ...c, op: "UPDATE", data: { ...c.data, subject: `${c.data.subject} (moved)` } }));
  return [...creates, ...updates];
}

/** Every message through runPushWorker in order (one session), as the host would deliver them. */
export async function runBurst(rig: BenchRig, deps: AppDeps, userId: string, messages: Record<string, unknown>[]) {
  rig.sim.resetCounters();
  const started = performance.now();
  const handlers = buildPushHandlers(deps);
  for (const [i, message] of messages.entries()) {
    const context = queueInvocation("pushWorker", `burst-${Date.now()}-${i}`, userId);
    await runPushWorker(message, context, { queue: QUEUES.push, handlers, rejected: deps.rejected });
  }
  return { requests: rig.sim.counters().total, elapsedMs: performance.now() - started };
}

export async function erpBurst(rig: BenchRig, options: BurstOptions): Promise<ScenarioResult> {
  const name = `1. ${options.changes} ERP changes for one user`;
  if (!BATCHED_PUSH.built)
    return {
      name,
      figures: [],
      targets: [],
      skipped: `not built yet: the push path does not write with $batch (target ≥ ${TARGET_FEWER}× fewer Graph requests)`,
    };
  const user = { userId: "BENCHBURST", mailbox: "jsmith@contoso.test" };
  await rig.deps.users.upsertUser({ ...user, syncAppointments: true, defaultCompany: "1" });
  const baseline = await runBurst(
    rig,
    BATCHED_PUSH.naive(rig.deps),
    user.userId,
    burstMessages(user.userId, options.changes),
  );
  const ours = await runBurst(rig, rig.deps, `${user.userId}2`, burstMessages(`${user.userId}2`, options.changes));
  const fewer = baseline.requests / ours.requests;
  return {
    name,
    figures: [
      ["Graph requests: $batch / one per change", `${ours.requests} / ${baseline.requests}`],
      ["elapsed ms: $batch / one per change", `${Math.round(ours.elapsedMs)} / ${Math.round(baseline.elapsedMs)}`],
    ],
    comparisons: [
      {
        what: "Graph requests",
        ours: ours.requests,
        baseline: baseline.requests,
        ratio: "baseline/ours",
        target: `≥ ${TARGET_FEWER}×`,
        pass: fewer >= TARGET_FEWER,
      },
      { what: "wall time", ours: ours.elapsedMs, baseline: baseline.elapsedMs, ratio: "baseline/ours", unit: "ms" },
    ],
    targets: [
      {
        name: `burst: ≥ ${TARGET_FEWER}× fewer Graph requests with $batch`,
        pass: fewer >= TARGET_FEWER,
        figure: `${fewer.toFixed(1)}×`,
      },
    ],
  };
}
