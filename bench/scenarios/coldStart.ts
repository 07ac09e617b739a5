// Scenario 0: cold start. Builds the deployable bundle exactly as `npm run build` does (scripts/bundle.ts) into a
// package folder (host.json, package.json, dist/bundle), then times, interleaved, a bare `node -e 0` and a node that
// imports the package's main (what the Functions worker does on a cold start), each in a fresh process.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BUNDLE_DIR, bundleApp, LAZY_SDKS, packageSize, PACKAGE_FIXED_FILES } from "../../scripts/bundle.js";
import type { ScenarioResult } from "../scenario.js";
import { fmt } from "../stats.js";

export interface ColdStartOptions {
  /** Interleaved pairs of runs (≥ 7 for the medians the target rests on). */
  runs: number;
}

const TARGET_RATIO = 3;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Wall time of one fresh node process running `args` (clean environment: no NODE_OPTIONS, no extra CA file). */
function timeNode(args: string[], cwd: string): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? "" }, stdio: "ignore" });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`cold start: node ${args.join(" ")} exited with ${r.status ?? r.signal}`);
  return ms;
}

export async function coldStart(projectRoot: string, options: ColdStartOptions): Promise<ScenarioResult> {
  const dir = mkdtempSync(join(tmpdir(), "bench-cold-"));
  try {
    const bundle = await bundleApp(projectRoot, join(dir, BUNDLE_DIR));
    for (const file of PACKAGE_FIXED_FILES) copyFileSync(join(projectRoot, file), join(dir, file));
    const size = packageSize(dir);
    const mainUrl = pathToFileURL(bundle.mainPath).href;
    const lazyUrls = bundle.lazyChunks.map((c) => pathToFileURL(join(dir, BUNDLE_DIR, c)).href);
    const importMain = ["--input-type=module", "-e", `await import(${JSON.stringify(mainUrl)});`];
    const importAll = [
      "--input-type=module",
      "-e",
      `await import(${JSON.stringify(mainUrl)}); for (const u of ${JSON.stringify(lazyUrls)}) await import(u);`,
    ];
    timeNode(importMain, dir); // disk cache warm for both sides
    const bare: number[] = [];
    const main: number[] = [];
    const all: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      bare.push(timeNode(["-e", "0"], dir));
      main.push(timeNode(importMain, dir));
      all.push(timeNode(importAll, dir));
    }
    const [b, m, a] = [median(bare), median(main), median(all)];
    const ratio = m / b;
    const atImport = LAZY_SDKS.filter((sdk) => bundle.sdkChunks[sdk]?.some((c) => !bundle.lazyChunks.includes(c)));
    return {
      name: "0. cold start",
      figures: [
        [
          `node -e 0, median of ${options.runs} ms (each run)`,
          `${fmt(b)} (${bare.map((x) => fmt(Math.round(x))).join(" ")})`,
        ],
        [
          `import main.js, median of ${options.runs} ms (each run)`,
          `${fmt(m)} (${main.map((x) => fmt(Math.round(x))).join(" ")})`,
        ],
        [`import main.js + every lazy chunk (first invocation's extra), median ms`, fmt(a)],
        [
          "main.js KiB / chunks at import / chunks on first use",
          `${fmt(bundle.bytes / 1024)} / ${bundle.staticChunks.length} / ${bundle.lazyChunks.length}`,
        ],
        ["SDKs loaded at import", atImport.join(", ") || "none"],
        [
          "deployment package files / KiB / KiB zipped",
          `${size.files} / ${fmt(size.bytes / 1024)} / ${fmt(size.deflatedBytes / 1024)}`,
        ],
      ],
      comparisons: [
        {
          what: "cold start: import the deployable main vs node -e 0 (median ms)",
          ours: m,
          baseline: b,
          ratio: "ours/baseline",
          unit: "ms",
          target: `≤ ${TARGET_RATIO}×`,
          pass: ratio <= TARGET_RATIO,
        },
      ],
      targets: [
        {
          name: `cold start: import of main ≤ ${TARGET_RATIO}× node -e 0 (medians of ${options.runs}, interleaved)`,
          pass: ratio <= TARGET_RATIO,
          figure: `${fmt(m)} ms vs ${fmt(b)} ms = ${ratio.toFixed(2)}×; package ${fmt(size.deflatedBytes / 1024)} KiB zipped`,
        },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
