// Scenario 2: change notifications POSTed over real HTTP at a sustained rate from another process
// (bench/loadGenerator.ts, open loop: each POST leaves at its scheduled time whether or not earlier ones were
// answered) to the webhook handler (point read in Azurite, enqueue to the Service Bus stand-in), single-item POSTs and
// POSTs of several items as Graph batches them. The baseline is the same schedule against a do-nothing handler
// behind the same HTTP front door.
import { ensureSubscription } from "../../shared/app/subscriptions/ensureSubscription.js";
import type { BenchRig } from "../benchRig.js";
import { QUEUES } from "../benchRig.js";
import type { ScenarioResult } from "../scenario.js";
import { sustainedInChild, type Run } from "../loadGenerator.js";
import { fmt } from "../stats.js";

export interface WebhookOptions {
  /** Notifications per second (items, not POSTs). */
  rate: number;
  seconds: number;
  /** Items in a multi-item POST; every other POST carries this many (the rest carry one). */
  itemsPerBatch: number;
  /** POSTs sent first and not measured (first connections, JIT). */
  warmup: number;
}

const USER = { userId: "BENCHWH", mailbox: "adoe@contoso.test" };
const TARGET_P99_MS = 50;
const DRAIN_LIMIT_MS = 120_000;

/** One change notification as Graph posts it for an event (shape of the simulator's and the docs' payloads). */
function item(subscriptionId: string, clientState: string, tenantId: string, objectId: string, n: string) {
  const resource = `Users/${objectId}/Events/AAMkAD-bench-${n}`;
  return {
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
  };
}

const statusText = (s: Map<number, number>) =>
  [...s]
    .sort(([a], [b]) => a - b)
    .map(([k, v]) => `${k === 0 ? "no answer" : k}×${v}`)
    .join(" ");

export async function webhookLatency(rig: BenchRig, options: WebhookOptions): Promise<ScenarioResult> {
  const { deps, sim, bus } = rig;
  await deps.users.upsertUser({ ...USER, syncAppointments: true, defaultCompany: "1" });
  const lookup = await deps.users.getUser(USER.userId);
  if (!lookup?.valid) throw new Error("webhook bench: seeded user is not valid");
  // A real subscription: the simulator runs the validation handshake against the webhook, the row lands in Azurite.
  const sub = await ensureSubscription(deps, lookup.user, "events");
  const objectId = sim.seed.mailboxes.find((m) => m.userPrincipalName === USER.mailbox)?.id ?? "unknown";
  const pull = bus.queue(QUEUES.pull);
  const pingUrl = rig.webhookUrl.replace(/\/graph\/notifications$/, "/bench/ping");

  /** POST bodies for `label`: single-item and multi-item POSTs alternating, `total` items in all. */
  const bodies = (label: string, total: number) => {
    const out: { body: string; items: number }[] = [];
    let n = 0;
    for (let p = 0; n < total; p++) {
      const count = Math.min(p % 2 === 1 ? options.itemsPerBatch : 1, total - n);
      const value = Array.from({ length: count }, () =>
        item(sub.subscriptionId, sub.clientState, sim.tenantId, objectId, `${label}-${n++}`),
      );
      out.push({ body: JSON.stringify({ value }), items: count });
    }
    return out;
  };

  // Each run warms up in its own generator process first (the handler's JIT and the generator's connections).
  const warm = (label: string) => bodies(label, options.warmup * 2);

  const total = Math.round(options.rate * options.seconds);
  const floor = await sustainedInChild(process.cwd(), pingUrl, bodies("floor", total), options.rate, warm("w1"));
  const warmup = warm("w2");
  const enqueuedBefore = pull.enqueuedCount() + warmup.length; // the warm-up POSTs are enqueued too
  const ours = await sustainedInChild(process.cwd(), rig.webhookUrl, bodies("run", total), options.rate, warmup);
  const enqueued = pull.enqueuedCount() - enqueuedBefore;
  // POSTs the client gave up on are still being handled: let them finish so the next scenario starts on a quiet app.
  const drainStarted = performance.now();
  while (rig.host.inFlight() > 0 && performance.now() - drainStarted < DRAIN_LIMIT_MS)
    await new Promise((r) => setTimeout(r, 50));
  const drainMs = performance.now() - drainStarted;
  const accepted = ours.statuses.get(202) ?? 0;
  // One PULL per POST (one subscription per POST); an unanswered or non-202 POST is one Graph would have to re-send.
  const lost = ours.posts - Math.min(accepted, enqueued);

  const row = (label: string, r: Run): [string, string][] => [
    [`${label}: POSTs / notifications / elapsed s`, `${r.posts} / ${r.notifications} / ${fmt(r.elapsedMs / 1000)}`],
    [
      `${label}: statuses`,
      statusText(r.statuses) +
        (r.failures.size ? ` (no answer: ${[...r.failures].map(([k, v]) => `${k}×${v}`).join(" ")})` : ""),
    ],
    [`${label}: latency p50 / p99 / max ms`, [r.latency.p50, r.latency.p99, r.latency.max].map(fmt).join(" / ")],
    [`${label}: generator's worst send lag ms`, fmt(r.maxSendLagMs)],
  ];
  const p99Pass = ours.latency.p99 < TARGET_P99_MS;
  return {
    name: "2. webhook at a sustained rate",
    figures: [
      [
        "rate / duration / POST mix",
        `${options.rate} notifications/s for ${options.seconds} s; 1-item and ${options.itemsPerBatch}-item POSTs alternating`,
      ],
      ...row("webhook", ours),
      ["webhook: PULL messages enqueued / lost", `${enqueued} / ${lost}`],
      ["webhook: requests still being handled after the run, drained in s", `${fmt(drainMs / 1000)}`],
      ...row("do-nothing handler", floor),
    ],
    comparisons: [
      {
        what: "webhook vs do-nothing handler, p99 latency",
        ours: ours.latency.p99,
        baseline: floor.latency.p99,
        ratio: "ours/baseline",
        unit: "ms",
        target: `p99 < ${TARGET_P99_MS} ms`,
        pass: p99Pass,
      },
      {
        what: "webhook vs do-nothing handler, p50 latency",
        ours: ours.latency.p50,
        baseline: floor.latency.p50,
        ratio: "ours/baseline",
        unit: "ms",
      },
    ],
    targets: [
      {
        name: `webhook at ${options.rate}/s for ${options.seconds} s: p99 < ${TARGET_P99_MS} ms`,
        pass: p99Pass,
        figure: `p99 ${fmt(ours.latency.p99)} ms (do-nothing ${fmt(floor.latency.p99)} ms), max ${fmt(ours.latency.max)} ms`,
      },
      {
        name: "webhook: 0 notifications lost (every POST 202 and enqueued)",
        pass: lost === 0 && accepted === ours.posts,
        figure: `${accepted}/${ours.posts} answered 202, ${enqueued} enqueued, ${lost} lost`,
      },
    ],
  };
}
