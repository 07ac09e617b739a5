// A token Graph refuses (401) although MSAL still holds it as valid — clock skew, revoked sessions — is replaced once
// with a token fresh from the authority and the request sent again; a second 401 is an AuthError, never a loop.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthError } from "../../../shared/domain/errors.js";
import { endpointCount, gatewayFor, JSMITH, startGraphSim, type GraphSim } from "./simGateway.js";

let sim: GraphSim;
beforeAll(async () => {
  // A simulator of its own: this file moves its clock, which never goes back.
  sim = await startGraphSim();
});
afterAll(async () => {
  await sim?.stop();
});

const grants = () => Object.values(sim.tokenGrants()).reduce((n, v) => n + v, 0);

describe("Graph refuses a cached token", () => {
  it("the next request gets a new token from the authority and goes through, once", async () => {
    const gw = gatewayFor(sim);
    await gw.getProfile(JSMITH);
    const before = { grants: grants(), reads: endpointCount(sim, /^GET .*\/users\//) };

    // Graph's clock is past the token's expiry; MSAL's (the process clock) is not, so MSAL would keep serving it.
    sim.advanceClock(2 * 3600_000);
    await expect(gw.getProfile(JSMITH)).resolves.toMatchObject({ userPrincipalName: JSMITH });
    expect(grants() - before.grants).toBe(1);
    // The refused attempt and the one that went through.
    expect(endpointCount(sim, /^GET .*\/users\//) - before.reads).toBe(2);

    // The new token is cached again: no further grant.
    await gw.getProfile(JSMITH);
    expect(grants() - before.grants).toBe(1);
  });

  it("a token refused again after the refresh is an AuthError after exactly two attempts", async () => {
    const gw = gatewayFor(sim);
    await gw.getProfile(JSMITH);
    const before = { grants: grants(), reads: endpointCount(sim, /^GET .*\/users\//) };
    sim.injectFault({ path: /^\/users\//, status: 401, code: "InvalidAuthenticationToken", times: 2 });
    const error = await gw.getProfile(JSMITH).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(endpointCount(sim, /^GET .*\/users\//) - before.reads).toBe(2);
    expect(grants() - before.grants).toBe(1);
  });
});
