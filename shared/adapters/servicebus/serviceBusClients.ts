// Creates the ServiceBusClient for SERVICEBUS_CONNECTION in either form: connection string or namespace + identity.
import { ServiceBusClient } from "@azure/service-bus";
import type { TokenCredential } from "@azure/identity";
import type { ServiceBusConnection } from "../../config/config.js";
import { tokenCredentialFor } from "../identity/tokenCredential.js";

/** A connection string alone is accepted as well (the stand-in's, in tests and the sandbox). */
export type ServiceBusTarget = string | ServiceBusConnection;

/** `tokenCredential` replaces the credential the settings choose (tests: a token source standing in for Entra). */
export function createServiceBusClient(
  target: ServiceBusTarget,
  options: { tokenCredential?: TokenCredential } = {},
): ServiceBusClient {
  if (typeof target === "string") return new ServiceBusClient(target);
  if ("connectionString" in target) return new ServiceBusClient(target.connectionString);
  // AMQP over TLS (port 5671) to the namespace; CBS put-token with an Entra token for https://servicebus.azure.net.
  return new ServiceBusClient(
    target.fullyQualifiedNamespace,
    options.tokenCredential ?? tokenCredentialFor(target.credential),
  );
}

/** A stable key for a target (one shared sender per connection). */
export function serviceBusTargetKey(target: ServiceBusTarget): string {
  if (typeof target === "string") return target;
  if ("connectionString" in target) return target.connectionString;
  const c = target.credential;
  return `${target.fullyQualifiedNamespace}|${c.kind}|${c.kind === "managedIdentity" ? (c.clientId ?? "") : ""}`;
}
