// npm run chaos -- --ops 5000 --seed N: one long seeded chaos run (test/chaos) through vitest, which starts Azurite.
import { spawnSync } from "node:child_process";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (v !== undefined && !/^\d+$/.test(v)) {
    console.error(`--${name} must be a whole number, got ${JSON.stringify(v)}`);
    process.exit(2);
  }
  return v ?? fallback;
}

const seed = arg("seed", String(Date.now() % 1_000_000));
const ops = arg("ops", "1000");
console.log(`chaos: seed ${seed}, ${ops} operations`);
const run = spawnSync("npx", ["vitest", "run", "test/chaos/chaos.test.ts", "--silent=false"], {
  stdio: "inherit",
  env: { ...process.env, CHAOS_SEED: seed, CHAOS_OPS: ops },
});
process.exit(run.status ?? 1);
