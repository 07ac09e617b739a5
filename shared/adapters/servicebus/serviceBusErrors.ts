// Maps @azure/service-bus errors onto the project's TransientError / PermanentError / AuthError.
import { isServiceBusError } from "@azure/service-bus";
import { AuthError, PermanentError, TransientError, type AppError, toAppError } from "../../domain/errors.js";

const TRANSIENT = new Set([
  "ServiceBusy",
  "ServiceTimeout",
  "ServiceCommunicationProblem",
  "GeneralError",
  "QuotaExceeded",
  "MessageLockLost",
  "SessionLockLost",
  "SessionCannotBeLocked",
]);
const PERMANENT = new Set([
  "MessagingEntityNotFound",
  "MessageSizeExceeded",
  "MessagingEntityDisabled",
  "MessagingEntityAlreadyExists",
  "MessageNotFound",
]);

/** `what` says what was attempted (e.g. `send to msgraph-push`); it prefixes the message. Codes are `servicebus.<Code>`. */
export function toServiceBusError(error: unknown, what: string): AppError {
  if (!isServiceBusError(error)) return toAppError(error);
  const code = `servicebus.${error.code}`;
  const message = `${what}: ${error.code}: ${error.message}`;
  if (error.code === "UnauthorizedAccess") return new AuthError(code, message, { cause: error });
  if (PERMANENT.has(error.code)) return new PermanentError(code, message, { cause: error });
  if (TRANSIENT.has(error.code) || error.retryable) {
    // ServiceBusy asks clients to back off ~10 s (Service Bus' documented throttling guidance).
    return new TransientError(code, message, {
      cause: error,
      retryAfterMs: error.code === "ServiceBusy" ? 10_000 : undefined,
    });
  }
  return new PermanentError(code, message, { cause: error });
}
