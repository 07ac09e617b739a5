// Runs the Graph simulator in the foreground: `npm run graph-sim -- --port <n> [--seed <file>]`.
import { startGraphSim } from "./index.js";
import { loadSeedFile } from "./seed.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

const portArg = arg("port");
const port = portArg === undefined ? 0 : Number(portArg);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`graph-sim: --port must be an integer 0..65535, got '${portArg}'`);
  process.exit(2);
}
const seedPath = arg("seed");
let seed;
try {
  seed = seedPath ? loadSeedFile(seedPath) : undefined;
} catch (e) {
  console.error(`graph-sim: cannot load --seed ${seedPath}: ${(e as Error).message}`);
  process.exit(2);
}
const retry = arg("notification-retry-ms");
const sim = await startGraphSim({
  port,
  ...(seed ? { seed } : {}),
  ...(retry ? { notificationRetryBaseMs: Number(retry) } : {}),
});
console.log(`Graph simulator listening
  base URL:        ${sim.baseUrl}
  Graph URL:       ${sim.graphUrl}   (GRAPH_BASE_URL)
  authority host:  ${sim.authorityHost}   (GRAPH_AUTHORITY_HOST; tenant ${sim.tenantId})
  token endpoint:  ${sim.tokenEndpoint}
  CA certificate:  ${sim.caPath}   (NODE_EXTRA_CA_CERTS)
  default app:     client id ${sim.defaultApp.clientId}${seedPath ? "" : ` (secret "${"local-sim-secret"}" from the default seed)`}
  mailboxes:       ${sim.seed.mailboxes.map((m) => m.userPrincipalName).join(", ")}
  control surface: ${sim.baseUrl}/_sim/  (see test/graph-sim/README.md)
Ctrl+C to stop.`);
const stop = (sig: string) => {
  console.log(`graph-sim: ${sig}, stopping`);
  void sim.stop().then(() => process.exit(0));
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
