// NCRONTAB (six fields: second minute hour day month day-of-week, as Azure Functions timers use): the next occurrence.
interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: "second", min: 0, max: 59 },
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
  },
  { name: "day of week", min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

export interface Schedule {
  expression: string;
  /** Allowed values per field, in FIELDS order. */
  sets: readonly ReadonlySet<number>[];
  /** Day-of-month and day-of-week both restricted: cron matches either (as NCRONTAB does). */
  dayOr: boolean;
}

function value(text: string, field: Field, expression: string): number {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  const n = named >= 0 ? named + field.min : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < field.min || n > field.max)
    throw new Error(`NCRONTAB "${expression}": ${field.name} must be ${field.min}-${field.max}, got "${text}"`);
  return n;
}

function parseField(text: string, field: Field, expression: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const [range = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new Error(
        `NCRONTAB "${expression}": ${field.name} step must be a positive whole number, got "${stepText}"`,
      );
    let lo: number;
    let hi: number;
    if (range === "*") [lo, hi] = [field.min, field.max];
    else if (range.includes("-")) {
      const [a = "", b = ""] = range.split("-");
      [lo, hi] = [value(a, field, expression), value(b, field, expression)];
      if (lo > hi) throw new Error(`NCRONTAB "${expression}": ${field.name} range "${range}" runs backwards`);
    } else {
      lo = value(range, field, expression);
      hi = stepText === undefined ? lo : field.max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Parses a six-field NCRONTAB expression; the error names the field. */
export function parseNcrontab(expression: string): Schedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 6)
    throw new Error(`NCRONTAB "${expression}": expected 6 fields (second minute hour day month day-of-week)`);
  const sets = parts.map((p, i) => parseField(p, FIELDS[i]!, expression));
  return { expression, sets, dayOr: parts[3] !== "*" && parts[5] !== "*" };
}

function dayMatches(s: Schedule, d: Date): boolean {
  const dom = s.sets[3]!.has(d.getUTCDate());
  const dow = s.sets[5]!.has(d.getUTCDay());
  return s.dayOr ? dom || dow : dom && dow;
}

/** The first occurrence strictly after `after`, in UTC (the host's zone without WEBSITE_TIME_ZONE). */
export function nextOccurrence(s: Schedule, after: Date): Date {
  const t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
  const limit = after.getTime() + 5 * 366 * 86_400_000;
  while (t.getTime() <= limit) {
    if (!s.sets[4]!.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0);
    } else if (!dayMatches(s, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0);
    } else if (!s.sets[2]!.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0);
    } else if (!s.sets[1]!.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0);
    } else if (!s.sets[0]!.has(t.getUTCSeconds())) {
      t.setUTCSeconds(t.getUTCSeconds() + 1);
    } else return t;
  }
  throw new Error(`NCRONTAB "${s.expression}": no occurrence in the next five years`);
}
