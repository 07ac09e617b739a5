// `npm start [-- --fresh]`: starts the sandbox (see sandbox.ts), prints the URLs and `ready in N ms`, and stops
// every process it started on Ctrl-C (SIGINT) or SIGTERM.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSandbox, type Sandbox } from "./sandbox.js";

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = (line: string) => process.stdout.write(`${line}\n`);

function banner(s: Sandbox): string {
  const e = s.endpoints;
  const fn = (t: string) => s.functions.filter((f) => f.trigger === t);
  return [
    "",
    "Coins ERP+ ⇄ Outlook sandbox (no tenant, no internet)",
    "",
    `  Admin page     ${e.adminPage}`,
    `  ERP console    ${e.erpConsole}`,
    `  Outlook view   ${e.outlookView}`,
    `  erp-inbound    ${e.erpInboundLog}`,
    "",
    `  Functions API  ${e.api}   function key: ${e.functionKey}`,
    `    (send it as ?code=… or the x-functions-key header; routes with authLevel function need it)`,
    ...fn("http").map((f) => `    ${f.name.padEnd(28)} ${f.detail}`),
    ...fn("timer").map((f) => `    ${f.name.padEnd(28)} timer ${f.detail}`),
    ...fn("serviceBus").map((f) => `    ${f.name.padEnd(28)} queue ${f.detail}${f.disabled ? " (disabled)" : ""}`),
    `  Graph sim      ${e.graph.baseUrl}   tenant ${e.graph.tenantId}`,
    `  Service Bus    ${e.serviceBus.replace(/SharedAccessKey=[^;]*/, "SharedAccessKey=…")}`,
    `  Data           ${dirname(s.endpointsPath)} (kept between runs; npm start -- --fresh wipes it)`,
    `  For scripts    ${s.endpointsPath}`,
    "",
    `ready in ${s.readyInMs} ms — Ctrl-C stops everything`,
  ].join("\n");
}

const result = await startSandbox({
  projectRoot,
  fresh: process.argv.includes("--fresh"),
  ports: process.env.SANDBOX_PORTS === "random" ? "random" : "preferred",
  log: (line) => out(`sandbox: ${line}`),
}).catch((error: unknown) => {
  console.error(`sandbox: could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

if (!result.running) {
  const h = result.holder;
  console.error(
    `sandbox: already running (pid ${h.pid}, since ${h.startedAt})${h.adminPage ? ` — admin page ${h.adminPage}` : ""}.` +
      ` Stop it with Ctrl-C in its terminal (lock file ${result.lockPath}).`,
  );
  process.exit(1);
}

const sandbox = result.sandbox;
out(banner(sandbox));
let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  out(
    `\nsandbox: ${signal}, stopping ${Object.entries(sandbox.children)
      .map(([n, p]) => `${n} (pid ${p})`)
      .join(", ")}…`,
  );
  void sandbox.stop().then(
    () => {
      out("sandbox: stopped");
      process.exit(0);
    },
    (error: unknown) => {
      console.error(`sandbox: stop failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
