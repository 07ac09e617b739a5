// Runs a session-enabled Service Bus trigger as the Functions host does (host.json extensions.serviceBus): up to
// maxConcurrentSessions sessions at once, messages of a session in order, lock renewal up to
// maxAutoLockRenewalDuration, one message per call or (cardinality "many") an array of what the session has, up to
// maxMessageBatchSize; complete on return (autoCompleteMessages), abandon on throw (redelivery, then DLQ), all of a call.
import { randomUUID } from "node:crypto";
import type * as functions from "@azure/functions";
import type { LogLevel } from "@azure/functions";
import { functionsModule } from "./functionsModule.js";
import { ServiceBusClient, type ServiceBusSessionReceiver } from "@azure/service-bus";
import { hostBatchTriggerMetadata, hostBody, hostTriggerMetadata } from "./serviceBusBinding.js";
import type { ServiceBusHostSettings } from "./hostJson.js";

export interface SessionTriggerOptions {
  functionName: string;
  connectionString: string;
  queue: string;
  handler: (message: unknown, context: functions.InvocationContext) => unknown;
  settings: ServiceBusHostSettings;
  /** The binding's autoCompleteMessages (overrides host.json's). */
  autoComplete: boolean;
  /** The binding's cardinality (default "one"). */
  cardinality?: "one" | "many";
  log: (level: LogLevel, text: string) => void;
  /** Called after each message is settled (for "what happened" counters). */
  onSettled?: (outcome: "completed" | "abandoned" | "lockLost") => void;
}

export interface SessionTrigger {
  /** Stops taking sessions; resolves once every worker has let go of its session. */
  stop(): Promise<void>;
}

/** How long one accept waits for a session with messages (the broker answers com.microsoft:timeout). */
const ACCEPT_WAIT_MS = 3_000;
/** Receive in short slices so a stop (function disabled, host shutting down) is honoured promptly. */
const RECEIVE_SLICE_MS = 500;

const code = (e: unknown) => (e as { code?: string }).code;
const isNoSession = (e: unknown) => code(e) === "ServiceTimeout" || code(e) === "SessionCannotBeLocked";
const isLockLost = (e: unknown) => code(e) === "SessionLockLost" || code(e) === "MessageLockLost";

export function startSessionTrigger(o: SessionTriggerOptions): SessionTrigger {
  let stopping = false;
  const client = new ServiceBusClient(o.connectionString, {
    retryOptions: { maxRetries: 0, timeoutInMs: ACCEPT_WAIT_MS + 1_000 },
  });

  async function runSession(receiver: ServiceBusSessionReceiver): Promise<void> {
    let idleMs = 0;
    while (!stopping && idleMs < o.settings.sessionIdleTimeoutMs) {
      const many = o.cardinality === "many";
      const messages = await receiver.receiveMessages(many ? (o.settings.maxMessageBatchSize ?? 1000) : 1, {
        maxWaitTimeInMs: RECEIVE_SLICE_MS,
      });
      const [first] = messages;
      if (!first) {
        idleMs += RECEIVE_SLICE_MS;
        continue;
      }
      idleMs = 0;
      const context = new functionsModule.InvocationContext({
        invocationId: randomUUID(),
        functionName: o.functionName,
        triggerMetadata: many ? hostBatchTriggerMetadata(messages) : hostTriggerMetadata(first),
        logHandler: (level, ...args) =>
          o.log(level, args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")),
      });
      let failure: unknown;
      try {
        await o.handler(many ? messages.map(hostBody) : hostBody(first), context);
      } catch (error) {
        failure = error;
        o.log("error", `${o.functionName}: ${error instanceof Error ? error.message : String(error)} (abandoned)`);
      }
      for (const message of messages) {
        try {
          if (failure !== undefined) await receiver.abandonMessage(message);
          else if (o.autoComplete) await receiver.completeMessage(message);
          o.onSettled?.(failure === undefined ? "completed" : "abandoned");
        } catch (error) {
          if (!isLockLost(error)) throw error;
          o.log("warning", `${o.functionName}: lock lost before settling ${String(message.messageId)}: redelivery`);
          o.onSettled?.("lockLost");
          return;
        }
      }
    }
  }

  async function worker(): Promise<void> {
    while (!stopping) {
      let receiver: ServiceBusSessionReceiver;
      try {
        receiver = await client.acceptNextSession(o.queue, {
          receiveMode: "peekLock",
          skipParsingBodyAsJson: true,
          maxAutoLockRenewalDurationInMs: o.settings.maxAutoLockRenewalDurationMs,
        });
      } catch (error) {
        if (isNoSession(error)) continue;
        if (stopping) return;
        o.log("error", `${o.functionName}: cannot accept a session on ${o.queue}: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 1_000));
        continue;
      }
      try {
        await runSession(receiver);
      } catch (error) {
        o.log("error", `${o.functionName}: session ${receiver.sessionId ?? "?"} failed: ${(error as Error).message}`);
      } finally {
        await receiver.close().catch(() => undefined);
      }
    }
  }

  const workers = Array.from({ length: o.settings.maxConcurrentSessions }, () => worker());
  return {
    async stop() {
      stopping = true;
      await Promise.allSettled(workers);
      await client.close();
    },
  };
}
