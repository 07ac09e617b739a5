// Test harness doing what the Functions host does for a session-enabled Service Bus trigger, with the real
// @azure/service-bus client: accept a session, receive in order, call the handler (one message, or with cardinality
// "many" an array of what the session has, up to the batch size), complete on success, abandon on throw.
import { randomUUID } from "node:crypto";
import { InvocationContext, type LogLevel } from "@azure/functions";
import { ServiceBusClient, type ServiceBusSessionReceiver } from "@azure/service-bus";
import {
  hostBatchTriggerMetadata,
  hostBody,
  hostDeliveryCount,
  hostTriggerMetadata,
} from "../../sandbox/host/serviceBusBinding.js";
import {
  standInFor,
  startServiceBusStandIn,
  type Clock,
  type QueueView,
  type ServiceBusStandIn,
} from "../servicebus/index.js";

export type TriggerHandler = (message: unknown, context: InvocationContext) => Promise<unknown>;

export interface DeliveryHarnessOptions {
  connectionString: string;
  queue: string;
  handler: TriggerHandler;
  /** Sessions processed at the same time (host.json extensions.serviceBus.maxConcurrentSessions; default 8). */
  maxConcurrentSessions?: number;
  /**
   * The registration's cardinality (default "one"). "many": the handler gets an array of the session's available
   * messages (up to `maxBatchSize`) and array metadata (messageIdArray …); all are completed on return, all abandoned
   * on a throw.
   */
  cardinality?: "one" | "many";
  /** host.json extensions.serviceBus.maxMessageBatchSize (default 1000, the host's). */
  maxBatchSize?: number;
  functionName?: string;
  /**
   * The stand-in broker behind `connectionString`, whose queue counts tell the drain when it is done; default: the
   * stand-in started in this process with that connection string.
   */
  standIn?: ServiceBusStandIn;
}

/** One call of the handler, as recorded by the harness. */
export interface Delivery {
  messageId: string | undefined;
  sessionId: string | undefined;
  deliveryCount: number;
  body: unknown;
  /** "lockLost": the lock expired before settlement (as on the host, the broker redelivers the message later). */
  outcome: "completed" | "abandoned" | "lockLost";
  error?: unknown;
  /** With cardinality "many": how many messages the call carried. */
  batchSize?: number;
}

export interface LogLine {
  level: LogLevel;
  text: string;
}

export interface DrainResult {
  handled: number;
  failed: number;
  deliveries: Delivery[];
}

export interface DrainOptions {
  /**
   * Also wait for the queue's scheduled messages to fall due and drain them: for copies scheduled moments ahead on
   * the system clock (the drain waits for the due time, however long the machine takes, not for a quiet period).
   * Not with a TestClock, whose scheduled messages fall due only when the test advances it.
   */
  awaitScheduled?: boolean;
  /** @deprecated Ignored (kept so older callers compile): a drain ends on the queue's counts, not after silence. */
  idleMs?: number;
}

export interface DeliveryHarness {
  /**
   * Processes messages until the queue has nothing due and no handler runs: no available or locked message, no
   * scheduled message whose time has come (the broker's dueCount() at 0). Scheduled messages not yet due do not
   * hold the drain. No quiet period is waited for.
   */
  drain(options?: DrainOptions): Promise<DrainResult>;
  /** Everything the handler logged through its InvocationContext. */
  logs: LogLine[];
  stop(): Promise<void>;
}

// What the host hands the function for a message: one definition, shared with the sandbox's local host.
export { hostBatchTriggerMetadata, hostBody, hostDeliveryCount, hostTriggerMetadata };

const isLockLost = (error: unknown) => {
  const code = (error as { code?: string }).code;
  return code === "SessionLockLost" || code === "MessageLockLost";
};

const isNoSession = (error: unknown) => {
  const e = error as { name?: string; code?: string };
  return e.code === "ServiceTimeout" || e.code === "SessionCannotBeLocked";
};

/** Hang guards of the SDK calls (a receive or accept is made only when the broker has what it waits for). */
const RECEIVE_GUARD_MS = 60_000;
const ACCEPT_GUARD_MS = 10_000;
/** How often an idle worker re-reads the broker's counts (a condition check, not a quiet period). */
const POLL_MS = 5;

export function createDeliveryHarness(options: DeliveryHarnessOptions): DeliveryHarness {
  const logs: LogLine[] = [];
  const open = new Set<ServiceBusClient>();
  const functionName = options.functionName ?? `${options.queue}Trigger`;

  const view = (): QueueView => {
    const standIn = options.standIn ?? standInFor(options.connectionString);
    if (!standIn)
      throw new Error(`delivery harness: no Service Bus stand-in in this process serves ${options.connectionString}`);
    return standIn.queue(options.queue);
  };

  /** Processes the session's messages (one per call, or batches) while it has one available; returns when it has none. */
  async function runSession(receiver: ServiceBusSessionReceiver, q: QueueView, result: DrainResult) {
    const many = options.cardinality === "many";
    const max = many ? (options.maxBatchSize ?? 1000) : 1;
    while (q.availableCount(receiver.sessionId) > 0) {
      // Messages are there for this session: the wait below is a hang guard, never what ends the session.
      const want = Math.max(1, Math.min(max, q.availableCount(receiver.sessionId)));
      const messages = await receiver.receiveMessages(want, { maxWaitTimeInMs: RECEIVE_GUARD_MS });
      const [first] = messages;
      if (!first) return;
      const bodies = messages.map(hostBody);
      const context = new InvocationContext({
        invocationId: randomUUID(),
        functionName,
        triggerMetadata: many ? hostBatchTriggerMetadata(messages) : hostTriggerMetadata(first),
        logHandler: (level, ...args) => logs.push({ level, text: args.map(String).join(" ") }),
      });
      const deliveries: Delivery[] = messages.map((message, i) => ({
        messageId: message.messageId === undefined ? undefined : String(message.messageId),
        sessionId: message.sessionId,
        deliveryCount: hostDeliveryCount(message),
        body: bodies[i],
        outcome: "completed",
        ...(many ? { batchSize: messages.length } : {}),
      }));
      result.deliveries.push(...deliveries);
      let failure: unknown;
      try {
        await options.handler(many ? bodies : bodies[0], context);
      } catch (error) {
        failure = error;
      }
      for (const [i, message] of messages.entries()) {
        const delivery = deliveries[i] as Delivery;
        try {
          if (failure === undefined) await receiver.completeMessage(message);
          else await receiver.abandonMessage(message);
        } catch (error) {
          // Like the host: a settlement that finds the lock gone is logged; the broker redelivers the message.
          if (!isLockLost(error)) throw error;
          delivery.outcome = "lockLost";
          logs.push({ level: "warning", text: `lock lost before settling ${delivery.messageId ?? "?"}: redelivery` });
          return;
        }
        if (failure === undefined) {
          result.handled++;
        } else {
          delivery.outcome = "abandoned";
          delivery.error = failure;
          result.failed++;
        }
      }
    }
  }

  return {
    logs,
    async drain({ awaitScheduled = false } = {}) {
      const q = view();
      const result: DrainResult = { handled: 0, failed: 0, deliveries: [] };
      const n = options.maxConcurrentSessions ?? 8;
      // The SDK asks the broker to hold a session accept for retryOptions.timeoutInMs (the broker answers ~1 s
      // before). A worker accepts only when a free session waits for it, so that wait is only a guard too.
      const client = new ServiceBusClient(options.connectionString, {
        retryOptions: { maxRetries: 0, timeoutInMs: ACCEPT_GUARD_MS },
      });
      open.add(client);
      let accepting = 0;
      let inSession = 0;
      const done = () =>
        accepting === 0 && inSession === 0 && q.dueCount() === 0 && (!awaitScheduled || q.scheduledCount() === 0);
      const worker = async () => {
        while (!done()) {
          // Accept only a session the broker can lock now (one per free session among the workers): no accept waits.
          if (q.freeSessionCount() <= accepting) {
            await new Promise((r) => setTimeout(r, POLL_MS));
            continue;
          }
          accepting++;
          let receiver: ServiceBusSessionReceiver;
          try {
            receiver = await client.acceptNextSession(options.queue, {
              receiveMode: "peekLock",
              skipParsingBodyAsJson: true,
              maxAutoLockRenewalDurationInMs: 5 * 60_000,
            });
          } catch (error) {
            if (isNoSession(error)) continue; // another receiver took it first: look again
            throw error;
          } finally {
            accepting--;
          }
          inSession++;
          try {
            await runSession(receiver, q, result);
          } finally {
            await receiver.close();
            inSession--;
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: n }, worker));
      } finally {
        open.delete(client);
        await client.close();
      }
      return result;
    },
    stop: async () => {
      await Promise.allSettled([...open].map((c) => c.close()));
      open.clear();
    },
  };
}

/** The app's three queues as configured in Azure: sessions on, MaxDeliveryCount 10, duplicate detection 10 min. */
export const APP_QUEUES = ["msgraph-push", "msgraph-pull", "erp-inbound"] as const;

export function startAppServiceBus(
  overrides: {
    lockDurationMs?: number;
    duplicateDetectionWindowMs?: number;
    maxDeliveryCount?: number;
    /** The broker's clock (default the system clock); a TestClock lets a test move scheduled/lock time by hand. */
    clock?: Clock;
  } = {},
): Promise<ServiceBusStandIn> {
  return startServiceBusStandIn({
    clock: overrides.clock,
    queues: APP_QUEUES.map((name) => ({
      name,
      requiresSession: true,
      maxDeliveryCount: overrides.maxDeliveryCount ?? 10,
      lockDurationMs: overrides.lockDurationMs ?? 30_000,
      duplicateDetectionWindowMs: overrides.duplicateDetectionWindowMs ?? 600_000,
    })),
  });
}
