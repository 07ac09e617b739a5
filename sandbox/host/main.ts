// Child-process entry of the local Functions host (npm start forks it, so NODE_EXTRA_CA_CERTS is set at process
// start): waits for {type:"init"} on the IPC channel, starts the host, answers {type:"ready"}; {type:"stop"} ends it.
import { startFunctionsHost, type FunctionsHost, type FunctionsHostOptions } from "./functionsHost.js";

export type HostInit = { type: "init" } & Omit<FunctionsHostOptions, "log">;
export type HostReply =
  | { type: "ready"; origin: string; functions: ReturnType<FunctionsHost["functions"]> }
  | { type: "failed"; error: string };

let host: FunctionsHost | undefined;
let stopping = false;

const reply = (m: HostReply) => process.send?.(m);

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await host?.stop().catch(() => undefined);
  process.exit(code);
}

process.on("message", (raw: unknown) => {
  const m = raw as { type?: string };
  if (m.type === "init") {
    const { type: _type, ...options } = raw as HostInit;
    startFunctionsHost({
      ...options,
      log: (level, text) => {
        if (level === "error" || level === "warning" || level === "critical") console.error(`[host ${level}] ${text}`);
      },
    }).then(
      (h) => {
        host = h;
        reply({ type: "ready", origin: h.origin, functions: h.functions() });
      },
      (error: unknown) => {
        reply({ type: "failed", error: error instanceof Error ? error.message : String(error) });
        void stop(1);
      },
    );
  } else if (m.type === "stop") void stop(0);
});
// The parent went away (crashed, killed): do not linger.
process.on("disconnect", () => void stop(0));
// Ctrl-C reaches the whole process group; the parent decides the order of shutdown.
process.on("SIGINT", () => undefined);
process.on("SIGTERM", () => void stop(0));
