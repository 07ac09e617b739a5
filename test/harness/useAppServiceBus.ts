// Registers beforeAll/afterAll that start the Service Bus stand-in with the app's queues and a real sender on it, for
// test files that drive the queues directly.
import { afterAll, beforeAll } from "vitest";
import { createQueueSender, type QueueSender } from "../../shared/adapters/servicebus/queueSender.js";
import type { ServiceBusStandIn } from "../servicebus/index.js";
import { startAppServiceBus } from "./deliveryHarness.js";

export interface AppServiceBus {
  /** The stand-in broker (throws before beforeAll has run). */
  readonly standIn: ServiceBusStandIn;
  /** The app's queue sender connected to it (throws before beforeAll has run). */
  readonly sender: QueueSender;
}

/** Call at the top level of a test file; the stand-in and sender live for the whole file. */
export function useAppServiceBus(overrides: Parameters<typeof startAppServiceBus>[0] = {}): AppServiceBus {
  let standIn: ServiceBusStandIn | undefined;
  let sender: QueueSender | undefined;
  beforeAll(async () => {
    standIn = await startAppServiceBus(overrides);
    sender = createQueueSender(standIn.connectionString);
  });
  afterAll(async () => {
    await sender?.close();
    await standIn?.stop();
  });
  return {
    get standIn() {
      if (!standIn) throw new Error("useAppServiceBus: the stand-in is not started yet (use it inside a test)");
      return standIn;
    },
    get sender() {
      if (!sender) throw new Error("useAppServiceBus: the sender is not created yet (use it inside a test)");
      return sender;
    },
  };
}
