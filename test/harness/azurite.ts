// Starts and stops an Azurite process (blob, queue, table) on loopback free ports, in memory.
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort } from "./freePort.js";

export interface AzuriteHandle {
  connectionString: string;
  /** Service endpoints including the account path, e.g. http://127.0.0.1:10002/devstoreaccount1. */
  endpoints: { blob: string; queue: string; table: string };
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

export interface AzuriteOptions {
  /** Serve HTTPS with this certificate and accept Entra bearer tokens (`--oauth basic`: audience, issuer and
   * lifetime are checked, the signature is not). Without it: plain http, shared key only. */
  oauth?: { certPath: string; keyPath: string };
}

export async function startAzurite(projectRoot: string, options: AzuriteOptions = {}): Promise<AzuriteHandle> {
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
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--skipApiVersionCheck",
      "--silent",
      ...(options.oauth ? ["--oauth", "basic", "--cert", options.oauth.certPath, "--key", options.oauth.keyPath] : []),
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
  const scheme = options.oauth ? "https" : "http";
  const endpoints = {
    blob: `${scheme}://127.0.0.1:${blobPort}/${ACCOUNT}`,
    queue: `${scheme}://127.0.0.1:${queuePort}/${ACCOUNT}`,
    table: `${scheme}://127.0.0.1:${tablePort}/${ACCOUNT}`,
  };
  const connectionString =
    `DefaultEndpointsProtocol=${scheme};AccountName=${ACCOUNT};AccountKey=${KEY};` +
    `BlobEndpoint=${endpoints.blob};QueueEndpoint=${endpoints.queue};TableEndpoint=${endpoints.table};`;
  const pid = child.pid ?? -1;
  return {
    connectionString,
    endpoints,
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
