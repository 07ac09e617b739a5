// Runs a Graph simulator in a child process (test/graph-sim/cli.ts), so that what it stores (e.g. an uploaded
// attachment) does not count in the bench process's memory figures. Stopped by its PID.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SimSeed } from "../test/graph-sim/index.js";

export interface SimProcess {
  pid: number;
  graphUrl: string;
  authorityHost: string;
  tenantId: string;
  stop(): Promise<void>;
}

export async function startSimProcess(projectRoot: string, seed: SimSeed, timeoutMs = 20_000): Promise<SimProcess> {
  const dir = mkdtempSync(join(tmpdir(), "bench-sim-"));
  const seedPath = join(dir, "seed.json");
  writeFileSync(seedPath, JSON.stringify(seed));
  const cli = join(projectRoot, "test/graph-sim/cli.ts");
  const child = spawn(process.execPath, ["--import", "tsx", cli, "--port", "0", "--seed", seedPath], {
    cwd: projectRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const pid = child.pid ?? -1;
  let out = "";
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      process.kill(pid, "SIGTERM");
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGKILL");
      }, 5_000).unref();
    });
  try {
    const text = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`graph-sim process: no start line in ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.once("exit", (code) => reject(new Error(`graph-sim process exited early (code ${code}): ${err}`)));
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("control surface:")) {
          clearTimeout(timer);
          resolve(out);
        }
      });
    });
    const pick = (re: RegExp, what: string) => {
      const m = re.exec(text);
      if (!m?.[1]) throw new Error(`graph-sim process: no ${what} in its start lines`);
      return m[1];
    };
    return {
      pid,
      graphUrl: pick(/Graph URL:\s+(\S+)/, "Graph URL"),
      authorityHost: pick(/authority host:\s+(\S+)/, "authority host"),
      tenantId: pick(/tenant ([0-9a-f-]{36})/, "tenant"),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
