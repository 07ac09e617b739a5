// What every bench scenario hands back: its figures (label → value), its comparisons with a baseline measured in the
// same run, and its targets, each met or not.

export interface Target {
  /** e.g. "webhook p99 < 50 ms" */
  name: string;
  pass: boolean;
  /** The measured figure the verdict rests on, e.g. "41.2 ms". */
  figure: string;
}

/** One figure of ours beside the same figure of a baseline (the naive way, or a floor) from the same run. */
export interface Comparison {
  /** What is compared, e.g. "AMQP transfers for 10,000 users". */
  what: string;
  ours: number;
  baseline: number;
  /** How the ratio reads: "baseline/ours" (how many times better we are) or "ours/baseline" (how far above a floor). */
  ratio: "baseline/ours" | "ours/baseline";
  unit?: string;
  /** e.g. "≥ 15×", "≤ 3×"; undefined: printed for information. */
  target?: string;
  /** The verdict when there is a target. */
  pass?: boolean;
}

export interface ScenarioResult {
  name: string;
  /** [figure, value] pairs for the table. */
  figures: [string, string][];
  comparisons?: Comparison[];
  targets: Target[];
  /** Set when the scenario did not run (e.g. the feature is not built yet): said instead of a figure. */
  skipped?: string;
}

/** The ratio of a comparison as its `ratio` says it reads (NaN when the divisor is 0). */
export function ratioOf(c: Comparison): number {
  const [num, den] = c.ratio === "baseline/ours" ? [c.baseline, c.ours] : [c.ours, c.baseline];
  return den === 0 ? Number.NaN : num / den;
}
