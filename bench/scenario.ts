// What every bench scenario hands back: its figures (label → value) and its targets, each met or not.

export interface Target {
  /** e.g. "webhook p95 < 250 ms (concurrency 10)" */
  name: string;
  pass: boolean;
  /** The measured figure the verdict rests on, e.g. "41.2 ms". */
  figure: string;
}

export interface ScenarioResult {
  name: string;
  /** [figure, value] pairs for the table. */
  figures: [string, string][];
  targets: Target[];
  /** Set when the scenario did not run (e.g. the feature is not committed yet). */
  skipped?: string;
}
