// Seeded chaos run with the push worker as registered (seed 5, 100 operations, tasks too): each session's waiting
// pushes in one call, their Graph writes through $batch; the same end checks (see chaos.test.ts).
import { describe } from "vitest";
import { chaosCase } from "./chaosSuite.js";

describe.skipIf(process.env.CHAOS_SEED !== undefined)("seeded chaos, push batches", () => {
  chaosCase(5, 100, { tasks: true, pushBatches: true });
});
