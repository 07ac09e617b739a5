// Registers beforeAll/afterAll that start the stand-in with the given queues and a real ServiceBusClient on it (one
// retry, 5 s timeout), for the stand-in's own test files.
import { ServiceBusClient, type ServiceBusReceivedMessage } from "@azure/service-bus";
import { afterAll, beforeAll } from "vitest";
import { startServiceBusStandIn, type Clock, type QueueOptions, type ServiceBusStandIn } from "./index.js";

export interface UsedStandIn {
  /** The stand-in (throws before beforeAll has run). */
  readonly sb: ServiceBusStandIn;
  /** The real SDK client connected to it (throws before beforeAll has run). */
  readonly client: ServiceBusClient;
}

/** Call at the top level of a test file; the stand-in and client live for the whole file. */
export function useStandIn(queues: QueueOptions[], options: { clock?: Clock } = {}): UsedStandIn {
  let sb: ServiceBusStandIn | undefined;
  let client: ServiceBusClient | undefined;
  beforeAll(async () => {
    sb = await startServiceBusStandIn({ queues, clock: options.clock });
    client = new ServiceBusClient(sb.connectionString, { retryOptions: { maxRetries: 1, timeoutInMs: 5_000 } });
  });
  afterAll(async () => {
    await client?.close();
    await sb?.stop();
  });
  return {
    get sb() {
      if (!sb) throw new Error("useStandIn: the stand-in is not started yet (use it inside a test)");
      return sb;
    },
    get client() {
      if (!client) throw new Error("useStandIn: the client is not created yet (use it inside a test)");
      return client;
    },
  };
}

/** Hang guard of a receive that expects messages the broker has (or will have): a busy machine never trips it. */
export const RECEIVE_GUARD_MS = 30_000;

/**
 * Receives until `n` messages arrived, however long each takes (a receive returns as soon as it has its messages; its
 * wait is only the hang guard). Throws naming the count when a receive comes back empty after the guard.
 */
export async function receiveN(
  receiver: { receiveMessages(max: number, o: { maxWaitTimeInMs: number }): Promise<ServiceBusReceivedMessage[]> },
  n: number,
): Promise<ServiceBusReceivedMessage[]> {
  const got: ServiceBusReceivedMessage[] = [];
  while (got.length < n) {
    const batch = await receiver.receiveMessages(n - got.length, { maxWaitTimeInMs: RECEIVE_GUARD_MS });
    if (batch.length === 0) throw new Error(`received ${got.length} of ${n} messages within ${RECEIVE_GUARD_MS} ms`);
    got.push(...batch);
  }
  return got;
}
