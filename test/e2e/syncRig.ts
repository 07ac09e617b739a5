// Two-way sync rig for conflict tests: the app rig with the webhook served, push and pull workers run by the delivery
// harness (real entry points), checkpoints ("gates") to hold either worker at a chosen call, and readers for both sides.
import type { InvocationContext } from "@azure/functions";
import { runPullWorker } from "../../functions/pullWorker.js";
import { runPushWorker, runPushWorkerBatch } from "../../functions/pushWorker.js";
import { WriteBatcher } from "../../shared/adapters/graph/writeBatcher.js";
import type { AppDeps } from "../../shared/app/appDeps.js";
import { buildPullHandlers } from "../../shared/app/pullHandlers.js";
import { buildPushHandlers } from "../../shared/app/pushHandlers.js";
import { TransientError } from "../../shared/domain/errors.js";
import type { ConflictRule } from "../../shared/domain/appointments/types.js";
import { ERP_KEY_PROPERTY_ID } from "../../shared/domain/appointments/erpKey.js";
import { pullMessageId, pushMessageId } from "../../shared/domain/messages/messageIds.js";
import type { PullMessage } from "../../shared/domain/messages/pullMessage.js";
import type { PushMessage } from "../../shared/domain/messages/pushMessage.js";
import { createDeliveryHarness, type Delivery, type DeliveryHarness } from "../harness/deliveryHarness.js";
import { QUEUES, startAppRig, type AppRig, type AppRigOptions } from "../harness/appRig.js";
import { waitUntil } from "../harness/waitUntil.js";
import { webhookRoutes } from "../harness/webhookRoutes.js";

export type Worker = "push" | "pull";
export type Inbound = Record<string, unknown> & { op: string; kind: string; data?: Record<string, unknown> };

interface Hold {
  point: string;
  reached: Promise<void>;
  release(): void;
}

/**
 * Checkpoints inside the workers' dependencies: `hold("push:graph.createEvent")` makes the next call of that method by
 * the push worker wait (before it runs) until `release()`; `reached` resolves when the worker got there.
 */
export class Gates {
  private holds = new Map<string, { onReach: () => void; gate: Promise<void> }>();

  hold(point: string): Hold {
    let onReach!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((r) => (onReach = r));
    const gate = new Promise<void>((r) => (release = r));
    this.holds.set(point, { onReach, gate });
    return { point, reached, release };
  }

  private crashes = new Map<string, number>();

  /** The next `times` calls at `point` throw a TransientError (a handler crash; the message is redelivered). */
  crash(point: string, times = 1): void {
    this.crashes.set(point, (this.crashes.get(point) ?? 0) + times);
  }

  async pass(point: string): Promise<void> {
    const armed = this.crashes.get(point) ?? 0;
    if (armed > 0) {
      this.crashes.set(point, armed - 1);
      throw new TransientError("injected_crash", `test: crash before ${point}`);
    }
    const h = this.holds.get(point);
    if (!h) return;
    this.holds.delete(point);
    h.onReach();
    await h.gate;
  }

  clear(): void {
    this.holds.clear();
    this.crashes.clear();
  }
}

/** `target` with every method call first passing the gate `${prefix}.${method}`. */
function gated<T extends object>(target: T, prefix: string, gates: Gates): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value: unknown = Reflect.get(obj, prop, receiver);
      if (typeof value !== "function" || typeof prop !== "string") return value;
      const fn = value as (...a: unknown[]) => unknown;
      return async (...args: unknown[]) => {
        await gates.pass(`${prefix}.${prop}`);
        return fn.apply(obj, args);
      };
    },
  });
}

export interface SyncRig extends AppRig {
  gates: Gates;
  push: DeliveryHarness;
  pull: DeliveryHarness;
  deliveries: Delivery[];
  sendPush(message: PushMessage, messageId?: string): Promise<void>;
  sendPull(message: PullMessage, runId: string): Promise<void>;
  /** Every erp-inbound body so far. */
  inbound(): Inbound[];
  /** Graph event writes the app made (POST/PATCH/DELETE on /users/{id}/events…). */
  graphWrites(): number;
  /** Lets notifications reach the webhook and drains both queues (both workers at once) until nothing is left. */
  settle(): Promise<void>;
  /**
   * Drains one queue only (after the simulator's notifications are in). `awaitScheduled`: also wait, on the system
   * clock, for scheduled messages to fall due and be handled (not with a manual clock: move it instead).
   */
  drain(worker: Worker, options?: { awaitScheduled?: boolean }): Promise<Delivery[]>;
  /** The events of `mailbox` carrying our ERP key `kco|hsaRef`. */
  eventsFor(mailbox: string, kco: string, hsaRef: string): ReturnType<AppRig["sim"]["events"]>;
  logs(): string[];
}

export const erpKeyOf = (ev: { singleValueExtendedProperties?: { id: string; value: string }[] }) =>
  ev.singleValueExtendedProperties?.find((p) => p.id.toLowerCase() === ERP_KEY_PROPERTY_ID.toLowerCase())?.value;

export async function startSyncRig(
  options: AppRigOptions & {
    rule?: ConflictRule;
    users?: { userId: string; mailbox: string }[];
    /**
     * The push worker as registered (cardinality many: a session's waiting messages per call, their writes through
     * $batch). The batched writes go through the app's Graph client directly, past the `push:graph.*` gates.
     */
    pushBatches?: boolean;
  } = {},
): Promise<SyncRig> {
  const rig = await startAppRig({
    ...options,
    env: { ...(options.rule ? { CONFLICT_RULE: options.rule } : {}), ...options.env },
    routes: (deps) => webhookRoutes(deps),
  });
  const users = options.users ?? [{ userId: "JSMITH", mailbox: "jsmith@contoso.test" }];
  for (const u of users) {
    await rig.deps.users.upsertUser({
      userId: u.userId,
      mailbox: u.mailbox,
      defaultCompany: "1",
      syncAppointments: true,
      appointmentsFromOutlook: true,
    });
  }
  await rig.deps.actionTypes.upsert({ company: "1", code: "MEET", description: "Meeting" });
  await rig.deps.actionTypes.upsert({ company: "1", code: "VISIT", description: "Site visit" });

  const gates = new Gates();
  const sideDeps = (side: Worker): AppDeps => ({
    ...rig.deps,
    graph: gated(rig.deps.graph, `${side}:graph`, gates),
    links: gated(rig.deps.links, `${side}:links`, gates),
    queues: gated(rig.deps.queues, `${side}:queues`, gates),
  });
  const pushDeps = { queue: QUEUES.push, handlers: buildPushHandlers(sideDeps("push")), rejected: rig.deps.rejected };
  const pullDeps = { queue: QUEUES.pull, handlers: buildPullHandlers(sideDeps("pull")), rejected: rig.deps.rejected };
  const connectionString = rig.bus.connectionString;
  const push = createDeliveryHarness({
    connectionString,
    queue: QUEUES.push,
    ...(options.pushBatches
      ? {
          cardinality: "many" as const,
          handler: (m: unknown, c: InvocationContext) =>
            runPushWorkerBatch(m, c, { ...pushDeps, writeBatcher: () => new WriteBatcher(rig.deps.graph.http) }),
        }
      : { handler: (m: unknown, c: InvocationContext) => runPushWorker(m, c, pushDeps) }),
  });
  const pull = createDeliveryHarness({
    connectionString,
    queue: QUEUES.pull,
    handler: (m: unknown, c: InvocationContext) => runPullWorker(m, c, pullDeps),
  });
  const deliveries: Delivery[] = [];
  /** The earliest scheduled time of a message waiting in the push or pull queue (ms), if any. */
  const nextScheduled = (): number | undefined => {
    const times = [QUEUES.push, QUEUES.pull].flatMap((q) =>
      rig.bus
        .queue(q)
        .messages()
        .filter((m) => m.state === "scheduled" && m.scheduledEnqueueTimeUtc)
        .map((m) => m.scheduledEnqueueTimeUtc!.getTime()),
    );
    return times.length ? Math.min(...times) : undefined;
  };
  const queueOf = (w: Worker) => (w === "push" ? QUEUES.push : QUEUES.pull);
  const harnessOf = (w: Worker) => (w === "push" ? push : pull);
  const drain = async (w: Worker, drainOptions: { awaitScheduled?: boolean } = {}) => {
    await rig.sim.notificationsIdle();
    const r = await harnessOf(w).drain(drainOptions);
    deliveries.push(...r.deliveries);
    return r.deliveries;
  };

  return {
    ...rig,
    gates,
    push,
    pull,
    deliveries,
    async sendPush(message, messageId = pushMessageId(message)) {
      await rig.deps.queues.send(QUEUES.push, message, { sessionId: message.user, messageId });
    },
    async sendPull(message, runId) {
      await rig.deps.queues.send(QUEUES.pull, message, {
        sessionId: message.user,
        messageId: pullMessageId(message, runId),
      });
    },
    inbound: () =>
      rig.bus
        .queue(QUEUES.inbound)
        .messages()
        .map((m) => m.bodyJson as Inbound),
    graphWrites: () =>
      Object.entries(rig.sim.counters().byEndpoint)
        .filter(([k]) => /^(POST|PATCH|DELETE) \/users\/\{id\}\/events/.test(k))
        .reduce((n, [, v]) => n + v, 0),
    async settle() {
      for (let round = 0; round < 20; round++) {
        await rig.sim.notificationsIdle();
        const active = (["push", "pull"] as const).filter((w) => rig.bus.queue(queueOf(w)).activeCount() > 0);
        if (active.length > 0) {
          await Promise.all(active.map((w) => drain(w)));
          continue;
        }
        const due = nextScheduled();
        if (due === undefined) return;
        // Scheduled copies (reschedules, deferred delete confirmations): move a manual clock to the first, else wait.
        if (options.manualClock) rig.advance(Math.max(0, due - rig.deps.now().getTime()));
        else
          await waitUntil("a scheduled message to fall due", () => nextScheduled() !== due, {
            timeoutMs: Math.max(0, due - Date.now()) + 30_000,
          });
      }
      throw new Error("queues did not settle");
    },
    drain,
    eventsFor: (mailbox, kco, hsaRef) => rig.sim.events(mailbox).filter((e) => erpKeyOf(e) === `${kco}|${hsaRef}`),
    logs: () => [...push.logs, ...pull.logs].map((l) => `${l.level} ${l.text}`),
    stop: async () => {
      await push.stop();
      await pull.stop();
      await rig.stop();
    },
  };
}
