// Service Bus stand-in for tests: an AMQP 1.0 broker on loopback that the real @azure/service-bus client talks to.
import { DLQ_SUFFIX, Entity, queueView } from "./broker.js";
import { systemClock, type Clock } from "./clock.js";
import { startAmqpServer } from "./server.js";
import type { QueueOptions, QueueView, ServiceBusStandIn } from "./types.js";

export { TestClock, systemClock, type Clock } from "./clock.js";
export type { QueueOptions, QueueView, ServiceBusStandIn, StoredMessage, StoredMessageState } from "./types.js";

/** The stand-ins running in this process, by connection string (the delivery harness reads their queue counts). */
const running = new Map<string, ServiceBusStandIn>();

/** The stand-in started in this process that serves `connectionString`, if any. */
export function standInFor(connectionString: string): ServiceBusStandIn | undefined {
  return running.get(connectionString);
}

/**
 * Starts the stand-in on 127.0.0.1 (`port` 0 or omitted = a free port) with the given queues. `clock` (default the
 * system clock) drives scheduled-message visibility, lock expiry and duplicate detection: pass a TestClock to move
 * that time by hand.
 */
export async function startServiceBusStandIn(opts: {
  port?: number;
  queues: QueueOptions[];
  clock?: Clock;
}): Promise<ServiceBusStandIn> {
  const clock = opts.clock ?? systemClock;
  const entities = new Map<string, Entity>();
  const queues = new Map<string, Entity>();
  for (const q of opts.queues) {
    if (!q.name || q.name.includes("/")) throw new Error(`startServiceBusStandIn: invalid queue name '${q.name}'`);
    const key = q.name.toLowerCase();
    if (queues.has(key)) throw new Error(`startServiceBusStandIn: queue '${q.name}' is declared twice`);
    const main = new Entity(q.name, q, false, undefined, clock);
    const dlq = new Entity(q.name + DLQ_SUFFIX, q, true, undefined, clock);
    main.dlq = dlq;
    queues.set(key, main);
    entities.set(key, main);
    entities.set((q.name + DLQ_SUFFIX).toLowerCase(), dlq);
  }
  const server = await startAmqpServer({ port: opts.port ?? 0, lookup: (name) => entities.get(name.toLowerCase()) });
  const connectionString =
    `Endpoint=sb://127.0.0.1:${server.port};SharedAccessKeyName=RootManageSharedAccessKey;` +
    `SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;`;
  let stopped = false;
  const standIn: ServiceBusStandIn = {
    port: server.port,
    connectionString,
    queue(name: string): QueueView {
      const q = queues.get(name.toLowerCase());
      if (!q) throw new Error(`Service Bus stand-in: no queue named '${name}'`);
      return queueView(q);
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      running.delete(connectionString);
      for (const e of entities.values()) e.stop();
      await server.stop();
    },
  };
  running.set(connectionString, standIn);
  return standIn;
}
