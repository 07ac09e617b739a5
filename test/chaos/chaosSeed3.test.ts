// Seeded chaos run, seed 3 (100 operations; see chaos.test.ts).
import { describe } from "vitest";
import { chaosCase } from "./chaosSuite.js";

describe.skipIf(process.env.CHAOS_SEED !== undefined)("seeded chaos", () => {
  chaosCase(3, 100);
});
