// A local stand-in for the managed identity token endpoint Azure Functions (App Service) gives an app
// (IDENTITY_ENDPOINT + IDENTITY_HEADER, api-version 2019-08-01): the real ManagedIdentityCredential asks it for tokens.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes, randomUUID } from "node:crypto";

export interface TokenRequest {
  resource: string;
  clientId: string | undefined;
}

export interface ManagedIdentityEndpoint {
  /** The values the platform sets as IDENTITY_ENDPOINT and IDENTITY_HEADER. */
  env: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  /** Every token request answered with a token, in order. */
  issued(): TokenRequest[];
  stop(): Promise<void>;
}

export interface ManagedIdentityEndpointOptions {
  tenantId: string;
  /** Client ids of the user-assigned identities attached to the app; a request for another one fails (400). */
  userAssigned: string[];
  /** Whether the app also has a system-assigned identity (a request without client_id); default false. */
  systemAssigned?: boolean;
  /** Token lifetime in seconds (default 3600). */
  lifetimeSeconds?: number;
  now?: () => Date;
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/**
 * An Entra-shaped access token (v1 claims: aud = the resource, iss = sts.windows.net/{tenant}/, appid/oid = the
 * identity). Unsigned: the consumers here (Azurite's `--oauth basic`, the Service Bus stand-in) check claims only.
 */
export function accessToken(claims: {
  resource: string;
  tenantId: string;
  clientId: string;
  now: Date;
  lifetime: number;
}) {
  const iat = Math.floor(claims.now.getTime() / 1000);
  return [
    b64url({ typ: "JWT", alg: "RS256", kid: "local" }),
    b64url({
      aud: claims.resource,
      iss: `https://sts.windows.net/${claims.tenantId}/`,
      iat,
      nbf: iat - 60,
      exp: iat + claims.lifetime,
      appid: claims.clientId,
      oid: claims.clientId,
      sub: claims.clientId,
      tid: claims.tenantId,
      idtyp: "app",
      ver: "1.0",
    }),
    randomBytes(32).toString("base64url"),
  ].join(".");
}

export async function startManagedIdentityEndpoint(
  options: ManagedIdentityEndpointOptions,
): Promise<ManagedIdentityEndpoint> {
  const header = randomBytes(16).toString("hex");
  const systemId = randomUUID();
  const now = options.now ?? (() => new Date());
  const lifetime = options.lifetimeSeconds ?? 3600;
  const issued: TokenRequest[] = [];

  const fail = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ statusCode: status, message }));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET" || url.pathname !== "/msi/token") return fail(res, 404, "Not found");
    if (req.headers["x-identity-header"] !== header) return fail(res, 401, "X-IDENTITY-HEADER is missing or wrong");
    if (url.searchParams.get("api-version") !== "2019-08-01") return fail(res, 400, "Unsupported api-version");
    let resource = url.searchParams.get("resource");
    if (!resource) return fail(res, 400, "The resource parameter is required");
    resource = resource.replace(/\/\.default$/, "");
    const clientId = url.searchParams.get("client_id") ?? undefined;
    if (url.searchParams.has("mi_res_id") || url.searchParams.has("principal_id"))
      return fail(res, 400, "Only client_id identifies a user-assigned identity here");
    if (clientId === undefined ? !options.systemAssigned : !options.userAssigned.includes(clientId))
      return fail(res, 400, "Unable to load the proper Managed Identity.");
    const id = clientId ?? systemId;
    issued.push({ resource, clientId });
    const expiresOn = Math.floor(now().getTime() / 1000) + lifetime;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        access_token: accessToken({ resource, tenantId: options.tenantId, clientId: id, now: now(), lifetime }),
        expires_on: String(expiresOn),
        resource,
        token_type: "Bearer",
        client_id: id,
      }),
    );
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    env: { IDENTITY_ENDPOINT: `http://127.0.0.1:${port}/msi/token`, IDENTITY_HEADER: header },
    issued: () => [...issued],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
