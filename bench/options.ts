// The bench's command line: `npm run bench -- [--quick] [--only name,name] [--rate n] [--seconds n] [--users a,b]`.

export interface BenchOptions {
  /** Smaller sizes and shorter runs everywhere (a CI-like run, a few minutes at most). */
  quick: boolean;
  /** Scenario keys to run (all when empty): cold, burst, webhook, fanout, delta, nightly, limit, email. */
  only: string[];
  /** Webhook: notifications per second, and for how long. */
  webhookRate: number;
  webhookSeconds: number;
  /** Nightly resync: user counts (the memory target compares the first with the last). */
  nightlyUsers: number[];
  /** Nightly resync: events per user in the window. */
  eventsPerUser: number;
}

export const SCENARIO_KEYS = ["cold", "burst", "webhook", "fanout", "delta", "nightly", "limit", "email"] as const;

function value(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function positive(argv: readonly string[], name: string, fallback: number): number {
  const raw = value(argv, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`bench: --${name} must be a positive number (got "${raw}")`);
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const quick = argv.includes("--quick");
  const only = (value(argv, "only") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only.filter((k) => !(SCENARIO_KEYS as readonly string[]).includes(k));
  if (unknown.length) throw new Error(`bench: --only knows ${SCENARIO_KEYS.join(", ")} (not ${unknown.join(", ")})`);
  const users = (value(argv, "users") ?? (quick ? "3,30" : "10,100")).split(",").map(Number);
  if (users.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error("bench: --users takes whole numbers, e.g. 100,1000");
  return {
    quick,
    only,
    webhookRate: positive(argv, "rate", quick ? 200 : 500),
    webhookSeconds: positive(argv, "seconds", quick ? 5 : 30),
    nightlyUsers: users,
    eventsPerUser: positive(argv, "events", quick ? 20 : 100),
  };
}
