// Builds the deployable bundle (package.json "main"): functions/index.ts and every dependency as ESM, split at the
// dynamic import()s of the triggers (each loads its use case on first use), the composition root
// (shared/app/appDeps.ts) and the table factory, so a cold start loads the registrations and the use cases, schemas
// and SDKs load with the first invocation that needs them. No node_modules in the package.
// `npm run build` runs it after tsc.
import { builtinModules } from "node:module";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { deflateRawSync } from "node:zlib";
import { build, type Metafile } from "esbuild";

/** Where `npm run build` writes the bundle (package.json "main" points at its main.js). */
export const BUNDLE_DIR = "dist/bundle";

/** The folder under BUNDLE_DIR holding the chunks main.js imports (statically or on first use). */
export const CHUNK_DIR = "chunks";

/** The one module the bundle leaves to the Functions Node worker, which provides it at run time. */
export const WORKER_PROVIDED = "@azure/functions-core";

/** Files of the project the deployment package holds besides the bundle (the rest is excluded by .funcignore). */
export const PACKAGE_FIXED_FILES = ["host.json", "package.json"];

export interface BundleResult {
  /** Absolute path of the bundle's entry. */
  mainPath: string;
  /** Bytes of main.js alone (what a cold start reads before any chunk it imports statically). */
  bytes: number;
  /** Chunks (paths relative to the bundle folder) main.js imports statically: loaded at import. */
  staticChunks: string[];
  /** Chunks only reachable through a dynamic import(): loaded on first use. */
  lazyChunks: string[];
  /** Imports left to Node at run time: node builtins and WORKER_PROVIDED only (checked). */
  externals: string[];
  /** Which chunk holds each SDK the app uses (relative path; "main.js" would mean it loads at import). */
  sdkChunks: Record<string, string[]>;
}

/** The SDKs whose loading is deferred to first use (the brief of the cold-start work names them). */
export const LAZY_SDKS = [
  "@azure/service-bus",
  "@azure/data-tables",
  "@azure/storage-blob",
  "@microsoft/microsoft-graph-client",
  "@azure/msal-node",
  "@azure/identity",
] as const;

// ESM output runs CommonJS dependencies through esbuild's require shim; it needs a real `require` for node builtins
// and for the worker-provided module. Every chunk gets it (a chunk may hold CommonJS code).
const BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const isBuiltin = (name: string) => name.startsWith("node:") || builtinModules.includes(name.split("/")[0] ?? name);

/** Bundles `projectRoot`/functions/index.ts into `outDir`/main.js + `outDir`/chunks/ (minified; source maps apart). */
export async function bundleApp(projectRoot: string, outDir = join(projectRoot, BUNDLE_DIR)): Promise<BundleResult> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: projectRoot,
    entryPoints: { main: join(projectRoot, "functions", "index.ts") },
    outdir: outDir,
    chunkNames: `${CHUNK_DIR}/[name]-[hash]`,
    bundle: true,
    splitting: true,
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
  const mainPath = join(outDir, "main.js");
  const externals = externalImports(result.metafile);
  const foreign = externals.filter((e) => e !== WORKER_PROVIDED && !isBuiltin(e));
  if (foreign.length) throw new Error(`bundle: imports left outside the bundle: ${foreign.join(", ")}`);
  const graph = chunkGraph(result.metafile, projectRoot, outDir);
  return { mainPath, bytes: statSync(mainPath).size, externals, ...graph };
}

/** What the written bundle itself imports at run time (the output's imports, not the inputs' type-only ones). */
function externalImports(meta: Metafile): string[] {
  const names = new Set<string>();
  for (const output of Object.values(meta.outputs))
    for (const imp of output.imports) if (imp.external) names.add(imp.path);
  return [...names].sort();
}

/** Splits the chunks into those main.js loads at import (static imports, transitively) and those loaded on use. */
function chunkGraph(meta: Metafile, projectRoot: string, outDir: string) {
  const rel = (p: string) => relative(outDir, join(projectRoot, p)).replace(/\\/g, "/");
  const outputs = new Map(
    Object.entries(meta.outputs)
      .filter(([path]) => path.endsWith(".js"))
      .map(([path, o]) => [rel(path), o] as const),
  );
  const staticSet = new Set<string>(["main.js"]);
  const queue = ["main.js"];
  while (queue.length) {
    const out = outputs.get(queue.pop()!);
    for (const imp of out?.imports ?? []) {
      if (imp.external || imp.kind !== "import-statement") continue;
      const target = rel(imp.path);
      if (!staticSet.has(target)) {
        staticSet.add(target);
        queue.push(target);
      }
    }
  }
  const sdkChunks: Record<string, string[]> = {};
  for (const sdk of LAZY_SDKS) {
    const holders = [...outputs].filter(([, o]) =>
      Object.keys(o.inputs).some((input) => input.includes(`node_modules/${sdk}/`)),
    );
    sdkChunks[sdk] = holders.map(([path]) => path).sort();
  }
  const chunks = [...outputs.keys()].filter((p) => p !== "main.js");
  return {
    staticChunks: chunks.filter((p) => staticSet.has(p)).sort(),
    lazyChunks: chunks.filter((p) => !staticSet.has(p)).sort(),
    sdkChunks,
  };
}

/** Every file of the deployment package (paths relative to the project): host.json, package.json, the bundle's .js. */
export function packageFiles(projectRoot: string, bundleDir = BUNDLE_DIR): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(projectRoot, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(`${dir}/${e.name}`) : e.name.endsWith(".js") ? [`${dir}/${e.name}`] : [],
    );
  return [...PACKAGE_FIXED_FILES, ...walk(bundleDir).sort()];
}

export interface PackageSize {
  files: number;
  bytes: number;
  /** Sum of each file deflated (≈ the zip azd / func publish upload, without the zip headers). */
  deflatedBytes: number;
}

/** Size of the deployment package: the files of packageFiles (the source maps stay out, as .funcignore says). */
export function packageSize(projectRoot: string, bundleDir = BUNDLE_DIR): PackageSize {
  let bytes = 0;
  let deflatedBytes = 0;
  const files = packageFiles(projectRoot, bundleDir);
  for (const file of files) {
    const data = readFileSync(join(projectRoot, file));
    bytes += data.length;
    deflatedBytes += deflateRawSync(data, { level: 9 }).length;
  }
  return { files: files.length, bytes, deflatedBytes };
}

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

if (process.argv[1] && relative(process.cwd(), process.argv[1]).replace(/\\/g, "/") === "scripts/bundle.ts") {
  const root = process.cwd();
  const started = performance.now();
  const result = await bundleApp(root);
  const size = packageSize(root);
  const stray = readdirSync(join(root, BUNDLE_DIR)).filter((f) => !["main.js", "main.js.map", CHUNK_DIR].includes(f));
  if (stray.length) throw new Error(`bundle: unexpected files in ${BUNDLE_DIR}: ${stray.join(", ")}`);
  const atImport = LAZY_SDKS.filter((sdk) => result.sdkChunks[sdk]?.some((c) => !result.lazyChunks.includes(c)));
  console.log(
    `bundle: ${relative(root, result.mainPath)} ${kib(result.bytes)} + ${result.staticChunks.length} chunks loaded at ` +
      `import, ${result.lazyChunks.length} on first use, in ${Math.round(performance.now() - started)} ms; ` +
      `externals ${result.externals.join(" ")}`,
  );
  console.log(`bundle: SDKs loaded at import: ${atImport.length ? atImport.join(", ") : "none"}`);
  console.log(
    `bundle: deployment package ${size.files} files (host.json, package.json, ${BUNDLE_DIR}/**/*.js): ` +
      `${kib(size.bytes)}, ${kib(size.deflatedBytes)} zipped`,
  );
}
