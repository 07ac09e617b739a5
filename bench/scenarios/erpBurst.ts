// Scenario 1: a burst of ERP changes for one user (creates, then an update of each) through the real push worker
// entry, Graph HTTP requests counted by the simulator (a $batch counts once): ours = the session's messages in batches
// as the host delivers them with cardinality many (their writes through $batch); baseline = the same code one message
// per call, as cardinality one would (every write its own request).
import { runPushWorker, runPushWorkerBatch } from "../../functions/pushWorker.js";
import { WriteBatcher } from "../../shared/adapters/graph/writeBatcher.js";
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

/** Messages per call of the batch entry (host.json extensions.serviceBus.maxMessageBatchSize). */
export const BATCHED_PUSH = { batchSize: 100 };

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

/**
 * Every message in order (one session), as the host would deliver them: `batchSize` 1 → runPushWorker per message
 * (cardinality one, direct writes); more → runPushWorkerBatch per chunk with the host's array metadata and a batcher.
 */
export async function runBurst(
  rig: BenchRig,
  deps: AppDeps,
  userId: string,
  messages: Record<string, unknown>[],
  batchSize: number,
) {
  rig.sim.resetCounters();
  const started = performance.now();
  const workerDeps = { queue: QUEUES.push, handlers: buildPushHandlers(deps), rejected: deps.rejected };
  const run = `burst-${Date.now()}`;
  for (let i = 0; i < messages.length; i += batchSize) {
    const chunk = messages.slice(i, i + batchSize);
    if (batchSize === 1) {
      await runPushWorker(chunk[0], queueInvocation("pushWorker", `${run}-${i}`, userId), workerDeps);
      continue;
    }
    const context = queueInvocation("pushWorker", `${run}-${i}`, userId);
    context.triggerMetadata = {
      messageIdArray: chunk.map((_, j) => `${run}-${i + j}`),
      sessionIdArray: chunk.map(() => userId),
      deliveryCountArray: chunk.map(() => 1),
      enqueuedTimeUtcArray: chunk.map(() => new Date().toISOString()),
    };
    await runPushWorkerBatch(chunk, context, { ...workerDeps, writeBatcher: () => new WriteBatcher(deps.graph.http) });
  }
  return { requests: rig.sim.counters().requests, elapsedMs: performance.now() - started };
}

export async function erpBurst(rig: BenchRig, options: BurstOptions): Promise<ScenarioResult> {
  const name = `1. ${options.changes} ERP changes for one user`;
  const user = { userId: "BENCHBURST", mailbox: "adoe@contoso.test" };
  for (const userId of [user.userId, `${user.userId}2`]) {
    await rig.deps.users.upsertUser({ ...user, userId, syncAppointments: true, defaultCompany: "1" });
  }
  const baseline = await runBurst(rig, rig.deps, user.userId, burstMessages(user.userId, options.changes), 1);
  const ours = await runBurst(
    rig,
    rig.deps,
    `${user.userId}2`,
    burstMessages(`${user.userId}2`, options.changes),
    BATCHED_PUSH.batchSize,
  );
  const fewer = baseline.requests / ours.requests;
  return {
    name,
    figures: [
      ["Graph requests: $batch / one per change", `${ours.requests} / ${baseline.requests}`],
      ["messages per call: batched / baseline", `${BATCHED_PUSH.batchSize} / 1`],
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
