// Runs a bench script in a child Node process (tsx): its input as a JSON file (argv[2]), its result as the last JSON
// line it prints on stdout. The @azure/functions "test mode" warnings (printed on every import outside a Functions
// host) are dropped from its stderr; everything else is passed on.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const HOST_MODE_WARNING = /@azure\/functions" package|detect the Azure Functions runtime/;

const live = new Set<ChildProcess>();

/** Stops every child still running (a scenario that gave up after its bound leaves its child behind). */
export function stopJsonChildren(): void {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
}
process.once("exit", stopJsonChildren);

export function runJsonChild<T>(
  projectRoot: string,
  script: string,
  input: unknown,
  execArgv: readonly string[] = [],
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "bench-child-"));
  const file = join(dir, "input.json");
  writeFileSync(file, JSON.stringify(input));
  const child = spawn(process.execPath, [...execArgv, "--import", "tsx", join(projectRoot, script), file], {
    cwd: projectRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => {
    const lines = d
      .toString()
      .split("\n")
      .filter((l) => l.trim() && !HOST_MODE_WARNING.test(l));
    if (lines.length) console.error(lines.join("\n"));
  });
  return new Promise<T>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      live.delete(child);
      rmSync(dir, { recursive: true, force: true });
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !last.startsWith("{")) reject(new Error(`${script} exited ${code}: ${out.slice(-500)}`));
      else resolve(JSON.parse(last) as T);
    });
  });
}
