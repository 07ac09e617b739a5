// Starts an Azurite that accepts only what Azure Storage accepts from an app with a managed identity: HTTPS (the
// loopback dev certificate) and Entra bearer tokens (`--oauth basic` checks audience, issuer and lifetime, not the
// signature). Ports are chosen by Azurite (0) and read from its "successfully listening at" lines.
import { spawn } from "node:child_process";
import { join } from "node:path";

export interface OAuthAzurite {
  /** Service endpoints including the account path, e.g. https://127.0.0.1:40583/devstoreaccount1. */
  endpoints: { blob: string; queue: string; table: string };
  stop(): Promise<void>;
}

const ACCOUNT = "devstoreaccount1";

export function startOAuthAzurite(
  projectRoot: string,
  cert: { certPath: string; keyPath: string },
): Promise<OAuthAzurite> {
  const child = spawn(
    join(projectRoot, "node_modules", ".bin", "azurite"),
    [
      ...["blob", "queue", "table"].flatMap((s) => [`--${s}Host=127.0.0.1`, `--${s}Port=0`]),
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--skipApiVersionCheck",
      "--silent",
      ...["--oauth", "basic", "--cert", cert.certPath, "--key", cert.keyPath],
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    const found: Record<string, string> = {};
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
      for (const m of output.matchAll(
        /Azurite (Blob|Queue|Table) service is successfully listening at (https:\/\/\S+)/g,
      ))
        found[m[1]!.toLowerCase()] = `${m[2]}/${ACCOUNT}`;
      if (found.blob && found.queue && found.table)
        resolve({ endpoints: { blob: found.blob, queue: found.queue, table: found.table }, stop });
    });
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.once("exit", (code) => reject(new Error(`Azurite (OAuth) exited early (code ${code}): ${output}`)));
  });
}
