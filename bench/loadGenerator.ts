// Open-loop HTTP load generator of the webhook scenario, in a process of its own so that sending does not compete with
// the handler for the bench process's event loop: each POST leaves at its scheduled time whether or not earlier ones
// were answered; latency counts from the scheduled time. Run as a child: argv[2] = JSON file { url, rate, bodies },
// one JSON line of results on stdout. `sustained` can also run in-process. It sends with node:http over a keep-alive
// agent (fewer CPU cycles per POST than fetch), the bodies built once as Buffers before the clock starts.
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { relative } from "node:path";
import { runJsonChild } from "./jsonChild.js";
import { summarize, type LatencySummary } from "./stats.js";

const TICK_MS = 2;

export interface PostBody {
  body: string;
  /** Notifications in the body (the rate counts these). */
  items: number;
}

export interface Run {
  latency: LatencySummary;
  posts: number;
  notifications: number;
  statuses: Map<number, number>;
  /** Why POSTs got no answer (the client's error code), with counts. */
  failures: Map<string, number>;
  /** How late the generator sent a POST after its scheduled time, at worst (ms): large means the figures lie. */
  maxSendLagMs: number;
  elapsedMs: number;
}

/** One POST over `agent`: resolves with the status once the whole answer is read, rejects with the socket's error. */
function post(agent: Agent, url: URL, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": body.length },
      },
      (res) => {
        res.resume();
        res.once("end", () => resolve(res.statusCode ?? 0));
        res.once("error", reject);
      },
    );
    req.once("error", reject);
    req.end(body);
  });
}

/** Sends `posts` (bodies) on a fixed schedule that yields `rate` items per second; latency from the scheduled time. */
export async function sustained(url: string, bodies: PostBody[], rate: number): Promise<Run> {
  const target = new URL(url);
  // Idle sockets are closed by us well before the front door's keep-alive timeout, never raced by a new POST.
  const agent = new Agent({ keepAlive: true, timeout: 2_000 });
  const payloads = bodies.map((b) => Buffer.from(b.body));
  const samples: number[] = [];
  const statuses = new Map<number, number>();
  const failures = new Map<string, number>();
  const pending: Promise<void>[] = [];
  let maxSendLagMs = 0;
  let cumulative = 0;
  const schedule = bodies.map((b) => {
    const at = (cumulative / rate) * 1000;
    cumulative += b.items;
    return at;
  });
  const started = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now() - started;
      while (next < bodies.length && schedule[next]! <= now) {
        const due = started + schedule[next]!;
        const body = payloads[next++]!;
        maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
        pending.push(
          post(agent, target, body)
            .then((status) => {
              samples.push(performance.now() - due);
              statuses.set(status, (statuses.get(status) ?? 0) + 1);
            })
            .catch((error: unknown) => {
              statuses.set(0, (statuses.get(0) ?? 0) + 1);
              const e = error as { code?: string; message?: string };
              const why = e.code ?? e.message ?? String(error);
              failures.set(why, (failures.get(why) ?? 0) + 1);
            }),
        );
      }
      if (next < bodies.length) setTimeout(tick, TICK_MS);
      else resolve();
    };
    tick();
  });
  await Promise.all(pending);
  agent.destroy();
  return {
    latency: summarize(samples),
    posts: bodies.length,
    notifications: cumulative,
    statuses,
    failures,
    maxSendLagMs,
    elapsedMs: performance.now() - started,
  };
}

interface WireRun extends Omit<Run, "statuses" | "failures"> {
  statuses: [number, number][];
  failures: [string, number][];
}

/** `sustained` in a child process (bench/loadGenerator.ts), the bodies handed over in a temporary file. */
/** `warmup` is sent first on the same schedule and not measured: the child's first connections and JIT. */
export async function sustainedInChild(
  projectRoot: string,
  url: string,
  bodies: PostBody[],
  rate: number,
  warmup: PostBody[] = [],
): Promise<Run> {
  const wire = await runJsonChild<WireRun>(projectRoot, "bench/loadGenerator.ts", { url, rate, bodies, warmup });
  return { ...wire, statuses: new Map(wire.statuses), failures: new Map(wire.failures) };
}

if (process.argv[1] && relative(process.cwd(), process.argv[1]).replace(/\\/g, "/") === "bench/loadGenerator.ts") {
  const input = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as {
    url: string;
    rate: number;
    bodies: PostBody[];
    warmup: PostBody[];
  };
  if (input.warmup.length) await sustained(input.url, input.warmup, input.rate);
  const run = await sustained(input.url, input.bodies, input.rate);
  const wire: WireRun = { ...run, statuses: [...run.statuses], failures: [...run.failures] };
  console.log(JSON.stringify(wire));
  process.exit(0);
}
