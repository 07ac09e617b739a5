// Seeded chaos run, seed 1 (100 operations; with seeds 2 and 3 the suite runs 300). `npm run chaos -- --ops N
// --seed S` runs this file with CHAOS_SEED / CHAOS_OPS instead. A failure prints the seed and the operation log.
import { describe } from "vitest";
import { chaosCase } from "./chaosSuite.js";

describe("seeded chaos", () => {
  chaosCase(Number(process.env.CHAOS_SEED ?? 1), Number(process.env.CHAOS_OPS ?? 100));
});
