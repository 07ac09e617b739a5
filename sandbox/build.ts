// `npm start` builds the app first when dist/ is missing or older than a source file (functions/, shared/).
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export function buildIsStale(projectRoot: string, entry: string): boolean {
  let built: number;
  try {
    built = statSync(entry).mtimeMs;
  } catch {
    return true;
  }
  const sources = Math.max(
    newestMtime(join(projectRoot, "functions")),
    newestMtime(join(projectRoot, "shared")),
    statSync(join(projectRoot, "tsconfig.build.json")).mtimeMs,
  );
  return sources > built;
}

/** Runs `tsc -p tsconfig.build.json` (what `npm run build` runs); rejects with its output on failure. */
export function build(projectRoot: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tsc = join(projectRoot, "node_modules", "typescript", "bin", "tsc");
    const child = spawn(process.execPath, [tsc, "-p", join(projectRoot, "tsconfig.build.json")], {
      cwd: projectRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`npm run build failed:\n${out}`))));
  });
}
