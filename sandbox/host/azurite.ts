// Starts and stops an Azurite process (blob, queue, table) on loopback free ports, in memory or in a data folder.
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort } from "./freePort.js";

export interface AzuriteHandle {
  connectionString: string;
  pid: number;
  stop(): Promise<void>;
}

const ACCOUNT = "devstoreaccount1";
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve();
      });
      s.once("error", () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`Azurite did not open port ${port} in ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/** `location`: keep the data in that folder (the sandbox's .sandbox/azurite) instead of in memory. */
export async function startAzurite(projectRoot: string, options: { location?: string } = {}): Promise<AzuriteHandle> {
  const [blobPort, queuePort, tablePort] = [await freePort(), await freePort(), await freePort()];
  const bin = join(projectRoot, "node_modules", ".bin", "azurite");
  const child: ChildProcess = spawn(
    bin,
    [
      "--blobHost=127.0.0.1",
      `--blobPort=${blobPort}`,
      "--queueHost=127.0.0.1",
      `--queuePort=${queuePort}`,
      "--tableHost=127.0.0.1",
      `--tablePort=${tablePort}`,
      ...(options.location ? [`--location=${options.location}`] : ["--inMemoryPersistence"]),
      "--disableTelemetry",
      "--skipApiVersionCheck",
      "--silent",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`Azurite exited early (code ${code}): ${stderr}`))),
  );
  await Promise.race([
    Promise.all([waitForPort(blobPort, 30_000), waitForPort(queuePort, 30_000), waitForPort(tablePort, 30_000)]),
    exited,
  ]);
  exited.catch(() => undefined);
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
    `BlobEndpoint=http://127.0.0.1:${blobPort}/${ACCOUNT};` +
    `QueueEndpoint=http://127.0.0.1:${queuePort}/${ACCOUNT};` +
    `TableEndpoint=http://127.0.0.1:${tablePort}/${ACCOUNT};`;
  const pid = child.pid ?? -1;
  return {
    connectionString,
    pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.removeAllListeners("exit");
        child.once("exit", () => resolve());
        process.kill(pid, "SIGTERM");
        setTimeout(() => {
          if (child.exitCode === null) process.kill(pid, "SIGKILL");
        }, 5_000).unref();
      }),
  };
}
