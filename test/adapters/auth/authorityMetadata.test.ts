// MSAL configuration for a custom authority: endpoints derived from the authority, no discovery, https only.
import { describe, expect, it } from "vitest";
import { authorityConfig } from "../../../shared/adapters/auth/authorityMetadata.js";
import { msalConfiguration } from "../../../shared/adapters/auth/clientCredentialsTokenProvider.js";
import { AuthError } from "../../../shared/domain/errors.js";

const TENANT = "00000000-0000-4000-8000-000000000001";

describe("authorityConfig", () => {
  it("derives every endpoint MSAL would discover from the authority URL", () => {
    const c = authorityConfig("https://127.0.0.1:8443/", TENANT);
    expect(c.authority).toBe(`https://127.0.0.1:8443/${TENANT}`);
    expect(c.knownAuthorities).toEqual(["127.0.0.1:8443"]);
    const meta = JSON.parse(c.authorityMetadata) as Record<string, string>;
    expect(meta.token_endpoint).toBe(`https://127.0.0.1:8443/${TENANT}/oauth2/v2.0/token`);
    expect(meta.authorization_endpoint).toBe(`https://127.0.0.1:8443/${TENANT}/oauth2/v2.0/authorize`);
    expect(meta.issuer).toBe(`https://127.0.0.1:8443/${TENANT}/v2.0`);
    expect(meta.jwks_uri).toBe(`https://127.0.0.1:8443/${TENANT}/discovery/v2.0/keys`);
    const cloud = JSON.parse(c.cloudDiscoveryMetadata) as { metadata: Array<{ aliases: string[] }> };
    expect(cloud.metadata[0]?.aliases).toEqual(["127.0.0.1:8443"]);
  });

  it("refuses an http authority (MSAL would too, less clearly)", () => {
    expect(() => authorityConfig("http://127.0.0.1:8080", TENANT)).toThrow(/must be https/);
  });
});

describe("msalConfiguration", () => {
  const base = {
    authorityHost: "https://login.microsoftonline.com",
    tenantId: TENANT,
    clientId: "c",
    clientSecret: "s",
  };

  it("leaves Microsoft's own authority to MSAL (no injected metadata)", () => {
    const c = msalConfiguration(base);
    expect(c.auth.authority).toBe(`https://login.microsoftonline.com/${TENANT}`);
    expect(c.auth.authorityMetadata).toBeUndefined();
  });

  it("gives a non-Microsoft authority its metadata so MSAL makes no discovery call", () => {
    const c = msalConfiguration({ ...base, authorityHost: "https://localhost:9999" });
    expect(c.auth.knownAuthorities).toEqual(["localhost:9999"]);
    expect(c.auth.authorityMetadata).toContain("/oauth2/v2.0/token");
    expect(c.auth.cloudDiscoveryMetadata).toContain("localhost:9999");
  });

  it("PII logging is off and PII-flagged messages are dropped", () => {
    const seen: string[] = [];
    const c = msalConfiguration({ ...base, log: (_l, m) => seen.push(m) });
    expect(c.system?.loggerOptions?.piiLoggingEnabled).toBe(false);
    c.system?.loggerOptions?.loggerCallback?.(0, "has pii", true);
    c.system?.loggerOptions?.loggerCallback?.(0, "plain error", false);
    c.system?.loggerOptions?.loggerCallback?.(2, "info noise", false);
    expect(seen).toEqual(["plain error"]);
  });

  it.each(["authorityHost", "tenantId", "clientId", "clientSecret"] as const)(
    "a missing %s is an AuthError naming it",
    (field) => {
      const e = (() => {
        try {
          msalConfiguration({ ...base, [field]: "" });
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      expect(e).toBeInstanceOf(AuthError);
      expect((e as Error).message).toContain(field);
    },
  );
});
