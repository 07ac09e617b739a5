// One seeded chaos run as a vitest case (the suite runs three seeds in three files, so they run side by side).
import { expect, it } from "vitest";
import { describeChaos, runChaos, type ChaosOptions } from "./chaosRun.js";

export function chaosCase(seed: number, ops: number, more: Omit<ChaosOptions, "seed" | "ops"> = {}): void {
  it(
    `seed ${seed}, ${ops} operations: both sides equal, nothing lost or duplicated, quiet afterwards`,
    async () => {
      const result = await runChaos({ seed, ops, ...more });
      const text = describeChaos(result);
      console.log(text);
      expect(result.ok, text).toBe(true);
    },
    Math.max(600_000, ops * 2_000),
  );
}
