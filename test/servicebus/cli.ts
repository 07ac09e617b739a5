// CLI: runs the Service Bus stand-in in the foreground (`npm run servicebus -- --port 5672`), queues from settings.
import { startServiceBusStandIn } from "./index.js";

function parsePort(argv: string[]): number {
  const i = argv.findIndex((a) => a === "--port" || a.startsWith("--port="));
  if (i < 0) return 5672;
  const raw = argv[i]?.includes("=") ? argv[i]?.split("=")[1] : argv[i + 1];
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port: expected an integer 0..65535, got '${raw ?? ""}'`);
    process.exit(2);
  }
  return port;
}

const port = parsePort(process.argv.slice(2));
const push = process.env.PUSH_QUEUE || "msgraph-push";
const pull = process.env.PULL_QUEUE || "msgraph-pull";
const erp = process.env.ERP_INBOUND_QUEUE || "erp-inbound";

const sb = await startServiceBusStandIn({
  port,
  queues: [
    { name: push, requiresSession: true },
    { name: pull, requiresSession: true },
    { name: erp, requiresSession: true },
  ],
});
console.log(
  `Service Bus stand-in ready on 127.0.0.1:${sb.port} (queues ${push}, ${pull}, ${erp}): ${sb.connectionString}`,
);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  sb.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
