// Which known name a mistyped one most likely means: case-insensitive, then by edit distance. Pure.

/** Levenshtein distance with adjacent transpositions (optimal string alignment): "tset" is one edit from "test". */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known name `name` most likely means, or undefined when none is close: an exact case-insensitive match first
 * (`SyncAppointments` → `syncAppointments`), else the nearest by edit distance (ignoring case) within a third of the
 * longer name's length, at least 1 and at most 3 edits. A tie goes to the name listed first.
 */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  let best: { name: string; distance: number } | undefined;
  for (const k of known) {
    const distance = editDistance(lower, k.toLowerCase());
    const limit = Math.min(3, Math.max(1, Math.floor(Math.max(k.length, name.length) / 3)));
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name: k, distance };
  }
  return best?.name;
}
