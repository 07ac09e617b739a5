// Client-credentials tokens from the Graph simulator's token endpoint over HTTPS, through real MSAL Node.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientCredentialsTokenProvider } from "../../../shared/adapters/auth/clientCredentialsTokenProvider.js";
import { AuthError, TransientError } from "../../../shared/domain/errors.js";
import { freePort } from "../../harness/freePort.js";
import { startGraphSim, type GraphSim } from "../../graph-sim/index.js";

let sim: GraphSim;
beforeAll(async () => {
  sim = await startGraphSim();
});
afterAll(async () => {
  await sim?.stop();
});

function provider(clientId: string, clientSecret: string, log?: (l: "error" | "warning", m: string) => void) {
  return new ClientCredentialsTokenProvider({
    authorityHost: sim.authorityHost,
    tenantId: sim.tenantId,
    clientId,
    clientSecret,
    ...(log ? { log } : {}),
  });
}

const tokenCalls = () =>
  Object.entries(sim.counters().byEndpoint)
    .filter(([k]) => /token/i.test(k))
    .reduce((n, [, v]) => n + v, 0);

describe("ClientCredentialsTokenProvider against the simulator", () => {
  it("gets a JWT for the app's roles and reuses it from MSAL's cache", async () => {
    const p = provider(sim.defaultApp.clientId, sim.defaultApp.clientSecret);
    const t1 = await p.getToken("jsmith@contoso.test");
    const payload = JSON.parse(Buffer.from(t1.split(".")[1] ?? "", "base64url").toString()) as {
      roles?: string[];
      appid?: string;
    };
    expect(payload.roles).toContain("Calendars.ReadWrite");
    const before = tokenCalls();
    const t2 = await p.getToken("adoe@contoso.test");
    expect(t2).toBe(t1);
    expect(tokenCalls()).toBe(before);
  });

  it("a wrong secret is an AuthError invalid_client, and the secret never reaches the log", async () => {
    const logged: string[] = [];
    const secret = "definitely-wrong-secret-4711";
    const p = provider(sim.defaultApp.clientId, secret, (_l, m) => logged.push(m));
    const e = await p.getToken("jsmith@contoso.test").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).code).toBe("invalid_client");
    expect((e as AuthError).message).toContain("AADSTS7000215");
    expect((e as AuthError).message).not.toContain(secret);
    expect(logged.join("\n")).not.toContain(secret);
  });

  it("an app unknown to the tenant is an AuthError unauthorized_client", async () => {
    const e = await provider("99999999-9999-4999-8999-999999999999", "x")
      .getToken("m")
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).code).toBe("unauthorized_client");
  });

  it("an unreachable authority is a TransientError", async () => {
    const port = await freePort();
    const p = new ClientCredentialsTokenProvider({
      authorityHost: `https://127.0.0.1:${port}`,
      tenantId: sim.tenantId,
      clientId: sim.defaultApp.clientId,
      clientSecret: sim.defaultApp.clientSecret,
      log: () => {},
    });
    const e = await p.getToken("m").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransientError);
  });
});
