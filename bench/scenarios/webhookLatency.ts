// Scenario 1: change-notification POSTs over real HTTP to the webhook handler (point read in Azurite, enqueue to the
// Service Bus stand-in), sequential and 10 at a time: latency percentiles and throughput.
import { ensureSubscription } from "../../shared/app/subscriptions/ensureSubscription.js";
import type { BenchRig } from "../benchRig.js";
import { QUEUES } from "../benchRig.js";
import type { ScenarioResult } from "../scenario.js";
import { fmt, summarize } from "../stats.js";

export interface WebhookOptions {
  posts: number;
  concurrencies: number[];
  /** Posts sent first and not measured (first connections, token of the subscription call, JIT). */
  warmup: number;
  /** Stop sending new posts after this long per concurrency level (the figures then say how many were sent). */
  budgetMs: number;
  /** Sequential point reads and sends timed alone afterwards, to show where a post's time goes. */
  breakdown: number;
}

const USER = { userId: "BENCHWH", mailbox: "adoe@contoso.test" };
const TARGET_P95_MS = 250;

/** One change notification as Graph posts it for an event (shape of the simulator's and the docs' payloads). */
function notification(subscriptionId: string, clientState: string, tenantId: string, objectId: string, n: string) {
  const resource = `Users/${objectId}/Events/AAMkAD-bench-${n}`;
  return {
    value: [
      {
        subscriptionId,
        subscriptionExpirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
        clientState,
        changeType: "updated",
        resource,
        tenantId,
        resourceData: {
          "@odata.type": "#Microsoft.Graph.Event",
          "@odata.id": resource,
          "@odata.etag": `W/"bench-${n}"`,
          id: `AAMkAD-bench-${n}`,
        },
      },
    ],
  };
}

export async function webhookLatency(rig: BenchRig, options: WebhookOptions): Promise<ScenarioResult> {
  const { deps, sim, bus } = rig;
  await deps.users.upsertUser({ ...USER, syncAppointments: true, defaultCompany: "1" });
  const lookup = await deps.users.getUser(USER.userId);
  if (!lookup?.valid) throw new Error("webhook bench: seeded user is not valid");
  // A real subscription: the simulator runs the validation handshake against the webhook, the row lands in Azurite.
  const sub = await ensureSubscription(deps, lookup.user, "events");
  const objectId = sim.seed.mailboxes.find((m) => m.userPrincipalName === USER.mailbox)?.id ?? "unknown";
  const pull = bus.queue(QUEUES.pull);

  const post = async (n: string): Promise<{ status: number; ms: number }> => {
    const body = JSON.stringify(notification(sub.subscriptionId, sub.clientState, sim.tenantId, objectId, n));
    const started = performance.now();
    const res = await fetch(rig.webhookUrl, { method: "POST", headers: { "content-type": "application/json" }, body });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  };

  for (let i = 0; i < options.warmup; i++) await post(`warmup-${i}`);

  const figures: [string, string][] = [];
  const targets: ScenarioResult["targets"] = [];
  for (const concurrency of options.concurrencies) {
    const samples: number[] = [];
    const statuses = new Map<number, number>();
    const enqueuedBefore = pull.enqueuedCount();
    const started = performance.now();
    const deadline = started + options.budgetMs;
    let next = 0;
    const worker = async () => {
      while (next < options.posts && performance.now() < deadline) {
        const n = `c${concurrency}-${next++}`;
        const r = await post(n);
        samples.push(r.ms);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsedMs = performance.now() - started;
    const enqueued = pull.enqueuedCount() - enqueuedBefore;
    const s = summarize(samples);
    const label = `c=${concurrency}`;
    figures.push(
      [`${label} posts (answered)`, `${s.count} of ${options.posts}`],
      [`${label} statuses`, [...statuses].map(([k, v]) => `${k}×${v}`).join(" ")],
      [`${label} PULL messages enqueued`, fmt(enqueued)],
      [`${label} latency p50 / p95 / p99 / max ms`, [s.p50, s.p95, s.p99, s.max].map(fmt).join(" / ")],
      [`${label} throughput posts/s`, fmt(s.count / (elapsedMs / 1000))],
    );
    const all202 = (statuses.get(202) ?? 0) === options.posts && enqueued === options.posts;
    targets.push({
      name: `webhook p95 < ${TARGET_P95_MS} ms, every post 202 + enqueued (concurrency ${concurrency})`,
      pass: s.p95 < TARGET_P95_MS && all202,
      figure: `p95 ${fmt(s.p95)} ms, ${statuses.get(202) ?? 0}/${options.posts} answered 202, ${enqueued} enqueued`,
    });
  }
  // Where a post's time goes: the two I/O steps of the handler alone, sequentially.
  const reads: number[] = [];
  const sends: number[] = [];
  for (let i = 0; i < options.breakdown; i++) {
    let t = performance.now();
    await deps.subscriptions.getBySubscriptionId(sub.subscriptionId);
    reads.push(performance.now() - t);
    t = performance.now();
    await deps.queues.send(
      deps.config.pullQueue,
      { source: "MSEVENT", subscriptionId: sub.subscriptionId, user: USER.userId },
      { sessionId: USER.userId, messageId: `bench-breakdown-${Date.now()}-${i}` },
    );
    sends.push(performance.now() - t);
  }
  const pings: number[] = [];
  const pingUrl = rig.webhookUrl.replace(/\/graph\/notifications$/, "/bench/ping");
  for (let i = 0; i < options.breakdown; i++) {
    const body = JSON.stringify(notification(sub.subscriptionId, "x", sim.tenantId, objectId, `ping-${i}`));
    const t = performance.now();
    const res = await fetch(pingUrl, { method: "POST", headers: { "content-type": "application/json" }, body });
    await res.arrayBuffer();
    pings.push(performance.now() - t);
  }
  const p = summarize(pings);
  const r = summarize(reads);
  const q = summarize(sends);
  figures.push(
    [`alone: same POST to a do-nothing handler p50 / p95 ms (n=${p.count})`, `${fmt(p.p50)} / ${fmt(p.p95)}`],
    [`alone: subscription point read p50 / p95 ms (n=${r.count})`, `${fmt(r.p50)} / ${fmt(r.p95)}`],
    [`alone: enqueue one PULL p50 / p95 ms (n=${q.count})`, `${fmt(q.p50)} / ${fmt(q.p95)}`],
  );
  return { name: "1. webhook latency", figures, targets };
}
