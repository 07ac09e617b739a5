// Maps MSAL failures to the project's error kinds: credentials/consent problems → AuthError, outages → TransientError.
import {
  AuthError as MsalAuthError,
  ClientConfigurationError,
  InteractionRequiredAuthError,
  ServerError,
} from "@azure/msal-node";
import { AppError, AuthError, TransientError } from "../../domain/errors.js";

const TRANSIENT_CODES = new Set([
  "network_error",
  "no_network_connectivity",
  "temporarily_unavailable",
  "server_error",
  "request_timeout",
  "endpoints_resolution_error",
  "openid_config_error",
]);

/** Never puts a secret in the message: MSAL's own messages carry AADSTS codes and trace ids, not credentials. */
export function mapMsalError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof InteractionRequiredAuthError) {
    return new AuthError(error.errorCode || "interaction_required", `sign-in required: ${error.errorMessage}`, {
      cause: error,
    });
  }
  if (error instanceof ClientConfigurationError) {
    return new AuthError(error.errorCode || "auth_config", `MSAL configuration: ${error.errorMessage}`, {
      cause: error,
    });
  }
  if (error instanceof MsalAuthError) {
    const code = error.errorCode || "msal_error";
    const status = error instanceof ServerError ? error.status : undefined;
    const isNetwork = error.name === "NetworkError" || TRANSIENT_CODES.has(code);
    if (isNetwork || (status !== undefined && (status >= 500 || status === 429))) {
      return new TransientError(code, `token endpoint unavailable: ${error.errorMessage || error.message}`, {
        cause: error,
      });
    }
    // invalid_client (bad secret), unauthorized_client (app unknown in tenant), invalid_grant, consent_required, …
    return new AuthError(code, `token request refused: ${error.errorMessage || error.message}`, { cause: error });
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && /^E[A-Z]+/.test(code)) {
      return new TransientError("network", `token endpoint unreachable: ${error.message}`, { cause: error });
    }
    return new TransientError("unexpected", error.message, { cause: error });
  }
  return new TransientError("unexpected", String(error));
}
