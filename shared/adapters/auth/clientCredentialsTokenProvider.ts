// App-only Graph tokens through MSAL Node's client-credentials flow (one token for every mailbox, cached by MSAL).
import { ConfidentialClientApplication, LogLevel, type Configuration } from "@azure/msal-node";
import { AuthError } from "../../domain/errors.js";
import { authorityConfig } from "./authorityMetadata.js";
import { mapMsalError } from "./mapMsalError.js";
import { GRAPH_DEFAULT_SCOPE, type TokenProvider, type TokenRequestOptions } from "./tokenProvider.js";

export interface ClientCredentialsOptions {
  /** GRAPH_AUTHORITY_HOST, e.g. https://login.microsoftonline.com */
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Where MSAL's warnings and errors go (PII-free messages only). Defaults to console.warn. */
  log?: (level: "error" | "warning", message: string) => void;
}

/** Hosts MSAL knows itself; any other authority host gets explicit metadata so MSAL makes no discovery call. */
const MICROSOFT_AUTHORITY_HOSTS = new Set([
  "login.microsoftonline.com",
  "login.microsoftonline.us",
  "login.chinacloudapi.cn",
  "login.partner.microsoftonline.cn",
  "login.windows.net",
  "login.microsoft.com",
  "sts.windows.net",
]);

export function msalConfiguration(options: ClientCredentialsOptions): Configuration {
  for (const field of ["authorityHost", "tenantId", "clientId", "clientSecret"] as const) {
    if (!options[field]) throw new AuthError("auth_config", `client credentials: ${field} is missing`);
  }
  const host = new URL(options.authorityHost);
  const auth: Configuration["auth"] = MICROSOFT_AUTHORITY_HOSTS.has(host.hostname.toLowerCase())
    ? {
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        authority: `${host.origin}/${options.tenantId}`,
      }
    : {
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        ...authorityConfig(options.authorityHost, options.tenantId),
      };
  const log = options.log ?? ((level, message) => console.warn(`[msal ${level}] ${message}`));
  return {
    auth,
    system: {
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (level, message, containsPii) => {
          if (containsPii) return;
          // MSAL warns on every client-credentials answer (they never carry client_info): noise, not a problem.
          if (message.includes("No client info in response")) return;
          if (level === LogLevel.Error) log("error", message);
          else if (level === LogLevel.Warning) log("warning", message);
        },
      },
    },
  };
}

export class ClientCredentialsTokenProvider implements TokenProvider {
  private readonly app: ConfidentialClientApplication;

  constructor(options: ClientCredentialsOptions) {
    this.app = new ConfidentialClientApplication(msalConfiguration(options));
  }

  /** The app token serves every mailbox; MSAL returns it from its cache until shortly before expiry. */
  async getToken(_mailbox: string, options: TokenRequestOptions = {}): Promise<string> {
    let token: string | undefined;
    try {
      const result = await this.app.acquireTokenByClientCredential({
        scopes: [GRAPH_DEFAULT_SCOPE],
        skipCache: options.forceRefresh === true,
      });
      token = result?.accessToken;
    } catch (error) {
      throw mapMsalError(error);
    }
    if (!token) throw new AuthError("no_token", "the token endpoint returned no access token");
    return token;
  }
}
