// Test helper: a Graph simulator plus the adapter wired to it over HTTPS (real MSAL, real Graph client).
import { ClientCredentialsTokenProvider } from "../../../shared/adapters/auth/clientCredentialsTokenProvider.js";
import type { TokenProvider } from "../../../shared/adapters/auth/tokenProvider.js";
import { GraphGateway } from "../../../shared/adapters/graph/graphGateway.js";
import type { GraphHttpOptions } from "../../../shared/adapters/graph/graphHttp.js";
import { startGraphSim, type GraphSim } from "../../graph-sim/index.js";

export const JSMITH = "jsmith@contoso.test";
export const ADOE = "adoe@contoso.test";
export const NO_PERMS_APP = { clientId: "22222222-2222-4222-8222-222222222222", clientSecret: "no-perms-secret" };

export function tokenProviderFor(sim: GraphSim, app = sim.defaultApp): ClientCredentialsTokenProvider {
  return new ClientCredentialsTokenProvider({
    authorityHost: sim.authorityHost,
    tenantId: sim.tenantId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
  });
}

export function gatewayFor(
  sim: GraphSim,
  options: Partial<GraphHttpOptions> & { tokenProvider?: TokenProvider } = {},
): GraphGateway {
  return new GraphGateway({ baseUrl: sim.graphUrl, tokenProvider: tokenProviderFor(sim), ...options });
}

export { startGraphSim, type GraphSim };

/** Sum of the simulator's per-endpoint counters whose key matches. */
export function endpointCount(sim: GraphSim, re: RegExp): number {
  return Object.entries(sim.counters().byEndpoint)
    .filter(([k]) => re.test(k))
    .reduce((n, [, v]) => n + v, 0);
}
