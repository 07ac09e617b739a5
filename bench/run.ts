// Entry of `npm run bench`: re-runs itself under node with the loopback dev certificate trusted (NODE_EXTRA_CA_CERTS
// is read only at process start) and --expose-gc, then runs the bench and exits with its code.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ensureDevCert } from "../test/harness/devCert.js";

const cert = ensureDevCert();
const ready = process.env.NODE_EXTRA_CA_CERTS === cert.certPath && typeof globalThis.gc === "function";

if (ready || process.env.BENCH_CHILD === "1") {
  if (!ready) console.warn("bench: running without the dev certificate or --expose-gc; figures may be off");
  const { main } = await import("./main.js");
  // Explicit exit: SDK clients may keep idle sockets open for a while after everything is stopped.
  process.exit(await main(process.cwd(), process.argv.slice(2)));
} else {
  const child = spawn(
    process.execPath,
    ["--expose-gc", "--import", "tsx", fileURLToPath(new URL("./run.ts", import.meta.url)), ...process.argv.slice(2)],
    {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: cert.certPath, BENCH_CHILD: "1" },
      stdio: "inherit",
    },
  );
  child.once("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
