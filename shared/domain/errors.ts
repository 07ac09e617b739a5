// The project's small set of error kinds: transient (retry later), permanent (dead-letter / FAILED), auth (user status).

export type ErrorKind = "transient" | "permanent" | "auth";

export abstract class AppError extends Error {
  abstract readonly kind: ErrorKind;
  /** A stable machine-readable code (e.g. Graph's error code or our own), safe to log and show to admins. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Worth retrying: throttling, 5xx, timeouts, lost connections. `retryAfterMs` is the server's hint when it gave one. */
export class TransientError extends AppError {
  readonly kind = "transient" as const;
  readonly retryAfterMs: number | undefined;
  constructor(code: string, message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(code, message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** Retrying cannot help: invalid input, not found, a rule that forbids the action. Dead-letter / report FAILED. */
export class PermanentError extends AppError {
  readonly kind = "permanent" as const;
}

/** Credentials or consent are missing, expired or insufficient: record it on the user's status for an admin. */
export class AuthError extends AppError {
  readonly kind = "auth" as const;
}

/**
 * Errors our own validation or encoding throws on bad input: retrying the same input cannot help. URIError
 * (decodeURIComponent / encodeURIComponent of a lone surrogate), SyntaxError (JSON.parse), a strict TextDecoder's
 * TypeError, and a zod `parse` that throws.
 */
function isInputError(error: unknown): error is Error {
  if (error instanceof URIError || error instanceof SyntaxError) return true;
  if (!(error instanceof Error)) return false;
  if ((error as { code?: unknown }).code === "ERR_ENCODING_INVALID_ENCODED_DATA") return true;
  return error.name === "ZodError" || error.name === "$ZodError";
}

/**
 * Normalises anything thrown into one of the three kinds. Errors of our own input handling (see isInputError) are
 * permanent `invalid_input`; other unknown errors are treated as transient (retry, then DLQ).
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isInputError(error)) return new PermanentError("invalid_input", message, { cause: error });
  return new TransientError("unexpected", message, { cause: error });
}

/**
 * A delegated-mode user must sign in (again): no stored token, a refresh token revoked or expired
 * (`interaction_required` / `invalid_grant`), or an unreadable token cache. Queue workers hold such a user's messages.
 */
export class SignInRequiredError extends AuthError {}
