// The bench's command line (bench/options.ts) and the ratio its comparison table prints (bench/scenario.ts).
import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "../../bench/options.js";
import { ratioOf, type Comparison } from "../../bench/scenario.js";

describe("parseBenchArgs", () => {
  it.each<[string, string[], Partial<ReturnType<typeof parseBenchArgs>>]>([
    [
      "defaults: the issue's sizes (nightly: 10 and 100 users, what runs in about 5 minutes here)",
      [],
      { quick: false, only: [], webhookRate: 500, webhookSeconds: 30, nightlyUsers: [10, 100], eventsPerUser: 100 },
    ],
    [
      "--quick: smaller and shorter",
      ["--quick"],
      { quick: true, webhookRate: 200, webhookSeconds: 5, nightlyUsers: [3, 30], eventsPerUser: 20 },
    ],
    ["--rate/--seconds, both spellings", ["--rate", "50", "--seconds=2"], { webhookRate: 50, webhookSeconds: 2 }],
    [
      "--only and --users lists",
      ["--only", "cold,nightly", "--users", "100,1000"],
      { only: ["cold", "nightly"], nightlyUsers: [100, 1000] },
    ],
  ])("%s", (_name, argv, expected) => {
    expect(parseBenchArgs(argv)).toMatchObject(expected);
  });

  it.each<[string[], RegExp]>([
    [["--only", "cold,warp"], /--only knows .* \(not warp\)/],
    [["--rate", "0"], /--rate must be a positive number \(got "0"\)/],
    [["--seconds", "soon"], /--seconds must be a positive number/],
    [["--users", "10,1.5"], /--users takes whole numbers/],
  ])("refuses %j naming the option", (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});

describe("ratioOf", () => {
  const c = (ours: number, baseline: number, ratio: Comparison["ratio"]): Comparison => ({
    what: "x",
    ours,
    baseline,
    ratio,
  });
  it.each<[Comparison, number]>([
    [c(10, 1000, "baseline/ours"), 100],
    [c(300, 100, "ours/baseline"), 3],
    [c(0, 5, "baseline/ours"), Number.NaN],
  ])("%j → %d", (comparison, expected) => {
    expect(ratioOf(comparison)).toBe(expected);
  });
});
