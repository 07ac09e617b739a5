// Test helpers for recurring series end to end: dates relative to today, DST change days, weekly series, inbound reads.
import type { GraphSim } from "../graph-sim/index.js";
import type { Inbound, SyncRig } from "./syncRig.js";

export const DAY = 86_400_000;
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;

/** UTC midnight of today (real time: the simulator's subscriptions and tokens live on the real clock). */
export const TODAY = Math.floor(Date.now() / DAY) * DAY;

/** "YYYY-MM-DD" of a UTC-midnight (or any) instant. */
export const dateOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The n-th (1-based) Sunday of a month, or the last one with n = -1, as UTC midnight. */
export function sunday(year: number, month: number, n: number): number {
  if (n > 0) {
    const first = Date.UTC(year, month, 1);
    return first + ((7 - new Date(first).getUTCDay()) % 7) * DAY + (n - 1) * 7 * DAY;
  }
  const last = Date.UTC(year, month + 1, 0);
  return last - new Date(last).getUTCDay() * DAY;
}

/** The first year whose `month` (0-based) starts more than two days from today: its DST change is ahead of us. */
export const nextYearWith = (month: number): number => {
  const year = new Date(TODAY).getUTCFullYear();
  return Date.UTC(year, month, 1) > TODAY + 2 * DAY ? year : year + 1;
};

/** A weekly series in `timeZone`: `count` occurrences at `hour`:00–`hour+1`:00 wall time from `firstMs`'s date. */
export function createWeeklySeries(
  sim: GraphSim,
  mailbox: string,
  o: { subject: string; firstMs: number; count: number; timeZone: string; hour?: number },
) {
  const date = dateOf(o.firstMs);
  const hh = (h: number) => String(h).padStart(2, "0");
  const hour = o.hour ?? 9;
  return sim.createEvent(mailbox, {
    subject: o.subject,
    categories: ["Meeting"],
    body: { contentType: "text", content: "Every week" },
    start: { dateTime: `${date}T${hh(hour)}:00:00`, timeZone: o.timeZone },
    end: { dateTime: `${date}T${hh(hour + 1)}:00:00`, timeZone: o.timeZone },
    recurrence: {
      pattern: { type: "weekly", interval: 1, daysOfWeek: [WEEKDAYS[new Date(o.firstMs).getUTCDay()]] },
      range: { type: "numbered", startDate: date, numberOfOccurrences: o.count },
    },
  });
}

/** The wall-clock "HH:MM" of an instant in an IANA zone, read with Intl (independent of the code under test). */
export const wallHour = (iso: string, zone: string): string =>
  new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
    new Date(iso),
  );

/** erp-inbound messages since the last call (per reader). */
export function inboundReader(rig: Pick<SyncRig, "inbound">): () => Inbound[] {
  let seen = rig.inbound().length;
  return () => {
    const all = rig.inbound();
    const out = all.slice(seen);
    seen = all.length;
    return out;
  };
}

/** Counts of one endpoint pattern of the simulator (e.g. /^GET \/users\/\{id\}\/calendarView\/delta$/). */
export const endpointCalls = (sim: GraphSim, re: RegExp): number =>
  Object.entries(sim.counters().byEndpoint)
    .filter(([k]) => re.test(k))
    .reduce((n, [, v]) => n + v, 0);
