// MSAL settings for an authority MSAL must not discover over the network (sovereign clouds, the local simulator).

export interface AuthorityConfig {
  authority: string;
  knownAuthorities: string[];
  authorityMetadata: string;
  cloudDiscoveryMetadata: string;
}

/**
 * Everything MSAL would otherwise fetch from `{authority}/v2.0/.well-known/openid-configuration` and the instance
 * discovery endpoint, derived from the authority URL the way Entra ID lays its endpoints out.
 */
export function authorityConfig(authorityHost: string, tenantId: string): AuthorityConfig {
  const host = new URL(authorityHost);
  if (host.protocol !== "https:") throw new Error(`GRAPH_AUTHORITY_HOST must be https: ${authorityHost}`);
  const root = `${host.origin}${host.pathname.replace(/\/+$/, "")}`;
  const authority = `${root}/${tenantId}`;
  const metadata = {
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
    device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
    jwks_uri: `${authority}/discovery/v2.0/keys`,
    issuer: `${authority}/v2.0`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic", "private_key_jwt"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    response_modes_supported: ["query", "fragment", "form_post"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    http_logout_supported: true,
    frontchannel_logout_supported: true,
  };
  const cloudDiscovery = {
    tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: host.host, preferred_cache: host.host, aliases: [host.host] }],
  };
  return {
    authority,
    knownAuthorities: [host.host],
    authorityMetadata: JSON.stringify(metadata),
    cloudDiscoveryMetadata: JSON.stringify(cloudDiscovery),
  };
}
