// Test harness doing what the Functions host does for a session-enabled Service Bus trigger, with the real
// @azure/service-bus client: accept a session, receive in order, call the handler, complete on success, abandon on throw.
import { randomUUID } from "node:crypto";
import { InvocationContext, type LogLevel } from "@azure/functions";
import { ServiceBusClient, type ServiceBusSessionReceiver } from "@azure/service-bus";
import { hostBody, hostDeliveryCount, hostTriggerMetadata } from "../../sandbox/host/serviceBusBinding.js";
import { startServiceBusStandIn, type Clock, type ServiceBusStandIn } from "../servicebus/index.js";

export type TriggerHandler = (message: unknown, context: InvocationContext) => Promise<unknown>;

export interface DeliveryHarnessOptions {
  connectionString: string;
  queue: string;
  handler: TriggerHandler;
  /** Sessions processed at the same time (host.json extensions.serviceBus.maxConcurrentSessions; default 8). */
  maxConcurrentSessions?: number;
  functionName?: string;
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

export interface DeliveryHarness {
  /** Processes messages until no session has a message for `idleMs` (default 1000). */
  drain(options?: { idleMs?: number }): Promise<DrainResult>;
  /** Everything the handler logged through its InvocationContext. */
  logs: LogLine[];
  stop(): Promise<void>;
}

// What the host hands the function for a message: one definition, shared with the sandbox's local host.
export { hostBody, hostDeliveryCount, hostTriggerMetadata };

const isLockLost = (error: unknown) => {
  const code = (error as { code?: string }).code;
  return code === "SessionLockLost" || code === "MessageLockLost";
};

const isNoSession = (error: unknown) => {
  const e = error as { name?: string; code?: string };
  return e.code === "ServiceTimeout" || e.code === "SessionCannotBeLocked";
};

export function createDeliveryHarness(options: DeliveryHarnessOptions): DeliveryHarness {
  const logs: LogLine[] = [];
  const open = new Set<ServiceBusClient>();
  const functionName = options.functionName ?? `${options.queue}Trigger`;

  /**
   * A client per drain: the SDK asks the broker to hold a session accept for retryOptions.timeoutInMs
   * (com.microsoft:timeout, the broker answers ~1 s before it), so that timeout is what bounds the idle wait.
   */
  const clientFor = (idleMs: number) =>
    new ServiceBusClient(options.connectionString, {
      retryOptions: { maxRetries: 0, timeoutInMs: Math.max(idleMs + 1_000, 2_000) },
    });

  async function runSession(receiver: ServiceBusSessionReceiver, idleMs: number, result: DrainResult) {
    for (;;) {
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: idleMs });
      if (!message) return;
      const body = hostBody(message);
      const context = new InvocationContext({
        invocationId: randomUUID(),
        functionName,
        triggerMetadata: hostTriggerMetadata(message),
        logHandler: (level, ...args) => logs.push({ level, text: args.map(String).join(" ") }),
      });
      const delivery: Delivery = {
        messageId: message.messageId === undefined ? undefined : String(message.messageId),
        sessionId: message.sessionId,
        deliveryCount: hostDeliveryCount(message),
        body,
        outcome: "completed",
      };
      result.deliveries.push(delivery);
      let failure: unknown;
      try {
        await options.handler(body, context);
      } catch (error) {
        failure = error;
      }
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

  async function worker(client: ServiceBusClient, idleMs: number, result: DrainResult) {
    for (;;) {
      let receiver: ServiceBusSessionReceiver;
      try {
        receiver = await client.acceptNextSession(options.queue, {
          receiveMode: "peekLock",
          skipParsingBodyAsJson: true,
          maxAutoLockRenewalDurationInMs: 5 * 60_000,
        });
      } catch (error) {
        if (isNoSession(error)) return;
        throw error;
      }
      try {
        await runSession(receiver, idleMs, result);
      } finally {
        await receiver.close();
      }
    }
  }

  return {
    logs,
    async drain({ idleMs = 1000 } = {}) {
      const result: DrainResult = { handled: 0, failed: 0, deliveries: [] };
      const n = options.maxConcurrentSessions ?? 8;
      const client = clientFor(idleMs);
      open.add(client);
      try {
        await Promise.all(Array.from({ length: n }, () => worker(client, idleMs, result)));
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
