// Scenario 4: one full calendarView delta round over many events in one mailbox through the real Graph client:
// pages, Graph requests as the simulator counted them, time and heap; beside the naive way through the same gateway:
// one GET per event (the per-mailbox limit of 4 in flight applies to both).
import type { BenchRig } from "../benchRig.js";
import type { ScenarioResult } from "../scenario.js";
import { fmt, heapUsed, mib } from "../stats.js";

export interface DeltaOptions {
  events: number;
  maxPageSize: number;
}

export const DELTA_MAILBOX = "jsmith@contoso.test";
const TARGET_MS = 30_000;
const DAY = 86_400_000;

/**
 * `count` one-hour events spread over the sync window (tomorrow … +20 days), as a user would create them in Outlook;
 * a quarter carry the category "Meeting" unless `categories` says which.
 */
export function seedEvents(
  rig: Pick<BenchRig, "sim">,
  mailbox: string,
  count: number,
  categories: (i: number) => string[] = (i) => (i % 4 === 0 ? ["Meeting"] : []),
): string[] {
  const ids: string[] = [];
  const first = Date.now() + DAY;
  for (let i = 0; i < count; i++) {
    const start = new Date(first + Math.floor((i * 20 * DAY) / count));
    start.setUTCSeconds(0, 0);
    const end = new Date(start.getTime() + 3_600_000);
    const fmtDate = (d: Date) => d.toISOString().slice(0, 19);
    const ev = rig.sim.createEvent(mailbox, {
      subject: `Bench event ${i}`,
      body: { contentType: "text", content: `Site meeting ${i}: agenda, attendees and notes.` },
      location: { displayName: `Site ${i % 50}` },
      categories: categories(i),
      start: { dateTime: fmtDate(start), timeZone: "UTC" },
      end: { dateTime: fmtDate(end), timeZone: "UTC" },
    });
    ids.push(ev.id);
  }
  return ids;
}

export async function deltaRead(rig: BenchRig, options: DeltaOptions): Promise<ScenarioResult> {
  const { sim, deps } = rig;
  const ids = seedEvents(rig, DELTA_MAILBOX, options.events);
  await deps.graph.getProfile(DELTA_MAILBOX); // token and connection first: not part of the round
  const window = {
    start: new Date(Date.now() - DAY).toISOString(),
    end: new Date(Date.now() + 22 * DAY).toISOString(),
  };

  sim.resetCounters();
  const heapBefore = heapUsed();
  let peak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  const started = performance.now();
  const result = await deps.graph.readCalendarDelta(DELTA_MAILBOX, window, { maxPageSize: options.maxPageSize });
  const elapsedMs = performance.now() - started;
  clearInterval(sampler);
  const heapAfter = heapUsed(); // the result is still referenced below: this is what holding it costs
  const counters = sim.counters();
  if (result.kind !== "ok") throw new Error(`delta bench: resync required (${result.reason})`);
  const items = result.items.length;
  const requests = counters.total;

  // The naive way: one GET per event, all issued at once (the gateway queues them 4 per mailbox).
  sim.resetCounters();
  const naiveStarted = performance.now();
  const got = await Promise.all(ids.map((id) => deps.graph.getEvent(DELTA_MAILBOX, id)));
  const naiveMs = performance.now() - naiveStarted;
  const naiveRequests = sim.counters().total;
  const naiveItems = got.filter((e) => e !== undefined).length;

  return {
    name: "4. calendar delta read",
    figures: [
      ["events in the mailbox / items read", `${options.events} / ${items}`],
      [`pages (maxPageSize ${options.maxPageSize})`, fmt(result.pages)],
      ["Graph requests (simulator count)", fmt(requests)],
      ["elapsed ms", fmt(elapsedMs)],
      ["heap retained by the result (after GC)", mib(heapAfter - heapBefore)],
      ["heap peak during the round (no GC; simulator in-process)", mib(peak - heapBefore)],
      [
        "naive (one GET per event): requests / items / elapsed ms",
        `${naiveRequests} / ${naiveItems} / ${fmt(naiveMs)}`,
      ],
    ],
    comparisons: [
      {
        what: `Graph requests to read ${options.events} events: delta pages vs one GET per event`,
        ours: requests,
        baseline: naiveRequests,
        ratio: "baseline/ours",
      },
      {
        what: `wall time to read ${options.events} events: delta pages vs one GET per event`,
        ours: elapsedMs,
        baseline: naiveMs,
        ratio: "baseline/ours",
        unit: "ms",
      },
    ],
    targets: [
      {
        name: "delta: Graph requests = pages, every event read",
        pass: requests === result.pages && items === options.events,
        figure: `${requests} requests, ${result.pages} pages, ${items}/${options.events} items`,
      },
      {
        name: `delta of ${options.events} events < ${TARGET_MS / 1000} s`,
        pass: elapsedMs < TARGET_MS,
        figure: `${fmt(elapsedMs)} ms`,
      },
    ],
  };
}
