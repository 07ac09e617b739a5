// Seeded chaos run with tasks too (seed 4, 80 operations): ERP task pushes, To Do edits, the poll; see chaos.test.ts.
import { describe } from "vitest";
import { chaosCase } from "./chaosSuite.js";

describe.skipIf(process.env.CHAOS_SEED !== undefined)("seeded chaos with tasks", () => {
  chaosCase(4, 80, { tasks: true });
});
