// Registers beforeAll/afterAll that start and stop a Graph simulator for the whole test file, and a beforeEach that
// clears its faults and counters; the gateway on it (4 requests per mailbox) is made on first use.
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { GraphGateway } from "../../../shared/adapters/graph/graphGateway.js";
import { KeyedSemaphore } from "../../../shared/adapters/graph/keyedSemaphore.js";
import { gatewayFor, startGraphSim, type GraphSim } from "./simGateway.js";

export interface UsedGraphSim {
  /** The simulator (throws before beforeAll has run). */
  readonly sim: GraphSim;
  /** The real gateway over HTTPS to it, limited to 4 in flight per mailbox. */
  readonly gw: GraphGateway;
}

/** Call at the top level of a test file. */
export function useGraphSim(): UsedGraphSim {
  let sim: GraphSim | undefined;
  let gw: GraphGateway | undefined;
  beforeAll(async () => {
    sim = await startGraphSim();
  });
  afterAll(async () => {
    await sim?.stop();
  });
  beforeEach(() => {
    sim?.clearFaults();
    sim?.resetCounters();
  });
  const started = (): GraphSim => {
    if (!sim) throw new Error("useGraphSim: the simulator is not started yet (use it inside a test)");
    return sim;
  };
  return {
    get sim() {
      return started();
    },
    get gw() {
      gw ??= gatewayFor(started(), { limiter: new KeyedSemaphore(4) });
      return gw;
    },
  };
}
