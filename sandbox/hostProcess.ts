// Starts the local Functions host (sandbox/host/main.ts) as a child process, so NODE_EXTRA_CA_CERTS (read at process
// start) makes the app trust the Graph simulator's loopback certificate, exactly as it would a real CA.
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { HostInit, HostReply } from "./host/main.js";
import type { FunctionInfo } from "./host/functionsHost.js";

export interface HostProcess {
  pid: number;
  origin: string;
  functions: FunctionInfo[];
  stop(): Promise<void>;
}

export async function startHostProcess(
  projectRoot: string,
  init: Omit<HostInit, "type">,
  caCertPath: string,
): Promise<HostProcess> {
  const child: ChildProcess = fork(join(projectRoot, "sandbox", "host", "main.ts"), [], {
    cwd: projectRoot,
    execArgv: ["--import", "tsx"],
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caCertPath },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    // Its own process group: Ctrl-C reaches only npm start, which stops the children in order.
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const reply = await new Promise<HostReply>((resolve, reject) => {
    child.once("message", (m) => resolve(m as HostReply));
    child.once("error", reject);
    void exited.then((code) => reject(new Error(`the local Functions host exited (code ${code}) before it was ready`)));
    child.send({ type: "init", ...init } satisfies HostInit);
  });
  if (reply.type === "failed") throw new Error(`the local Functions host failed to start: ${reply.error}`);
  return {
    pid: child.pid ?? -1,
    origin: reply.origin,
    functions: reply.functions,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
      if (child.connected) child.send({ type: "stop" });
      else child.kill("SIGTERM");
      await exited;
      clearTimeout(kill);
    },
  };
}
