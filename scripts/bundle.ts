// Builds the deployable bundle (package.json "main"): functions/index.ts and every dependency in one ESM file, so a
// cold start reads one file and the deployment package needs no node_modules. `npm run build` runs it after tsc.
import { builtinModules } from "node:module";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { deflateRawSync } from "node:zlib";
import { build, type Metafile } from "esbuild";

/** Where `npm run build` writes the bundle (package.json "main" points at its main.js). */
export const BUNDLE_DIR = "dist/bundle";

/** The one module the bundle leaves to the Functions Node worker, which provides it at run time. */
export const WORKER_PROVIDED = "@azure/functions-core";

/** Files of the project the deployment package holds (the rest is excluded by .funcignore). */
export const PACKAGE_FILES = ["host.json", "package.json", `${BUNDLE_DIR}/main.js`];

export interface BundleResult {
  /** Absolute path of the bundle's entry. */
  mainPath: string;
  bytes: number;
  /** Imports left to Node at run time: node builtins and WORKER_PROVIDED only (checked). */
  externals: string[];
}

// ESM output runs CommonJS dependencies through esbuild's require shim; it needs a real `require` for node builtins
// and for the worker-provided module.
const BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const isBuiltin = (name: string) => name.startsWith("node:") || builtinModules.includes(name.split("/")[0] ?? name);

/** Bundles `projectRoot`/functions/index.ts into `outDir`/main.js (minified, no source map loaded at run time). */
export async function bundleApp(projectRoot: string, outDir = join(projectRoot, BUNDLE_DIR)): Promise<BundleResult> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const mainPath = join(outDir, "main.js");
  const result = await build({
    absWorkingDir: projectRoot,
    entryPoints: [join(projectRoot, "functions", "index.ts")],
    outfile: mainPath,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: true,
    legalComments: "none",
    sourcemap: "external",
    external: [WORKER_PROVIDED],
    banner: { js: BANNER },
    metafile: true,
    logLevel: "warning",
  });
  const externals = externalImports(result.metafile);
  const foreign = externals.filter((e) => e !== WORKER_PROVIDED && !isBuiltin(e));
  if (foreign.length) throw new Error(`bundle: imports left outside the bundle: ${foreign.join(", ")}`);
  return { mainPath, bytes: statSync(mainPath).size, externals };
}

/** What the written bundle itself imports at run time (the output's imports, not the inputs' type-only ones). */
function externalImports(meta: Metafile): string[] {
  const names = new Set<string>();
  for (const output of Object.values(meta.outputs)) for (const imp of output.imports) names.add(imp.path);
  return [...names].sort();
}

export interface PackageSize {
  files: number;
  bytes: number;
  /** Sum of each file deflated (≈ the zip azd / func publish upload). */
  deflatedBytes: number;
}

/** Size of the deployment package: the files in PACKAGE_FILES (the source map stays out). */
export function packageSize(projectRoot: string): PackageSize {
  let bytes = 0;
  let deflatedBytes = 0;
  for (const file of PACKAGE_FILES) {
    const data = readFileSync(join(projectRoot, file));
    bytes += data.length;
    deflatedBytes += deflateRawSync(data, { level: 9 }).length;
  }
  return { files: PACKAGE_FILES.length, bytes, deflatedBytes };
}

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

if (process.argv[1] && relative(process.cwd(), process.argv[1]).replace(/\\/g, "/") === "scripts/bundle.ts") {
  const root = process.cwd();
  const started = performance.now();
  const result = await bundleApp(root);
  const size = packageSize(root);
  const stray = readdirSync(join(root, BUNDLE_DIR)).filter((f) => f !== "main.js" && f !== "main.js.map");
  if (stray.length) throw new Error(`bundle: unexpected files in ${BUNDLE_DIR}: ${stray.join(", ")}`);
  console.log(
    `bundle: ${relative(root, result.mainPath)} ${kib(result.bytes)} in ${Math.round(performance.now() - started)} ms; ` +
      `externals ${result.externals.join(" ")}`,
  );
  console.log(
    `bundle: deployment package ${size.files} files (${PACKAGE_FILES.join(", ")}): ${kib(size.bytes)}, ` +
      `${kib(size.deflatedBytes)} zipped`,
  );
}
