// Registers beforeAll/afterAll that start the stand-in with the given queues and a real ServiceBusClient on it (one
// retry, 5 s timeout), for the stand-in's own test files.
import { ServiceBusClient } from "@azure/service-bus";
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
