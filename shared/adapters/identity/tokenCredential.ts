// The Entra token credential for an identity-based connection, chosen the way the Functions host chooses it from
// `<NAME>__credential` / `<NAME>__clientId`; one instance per choice per process (they cache their tokens).
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from "@azure/identity";
import type { CredentialChoice } from "../../config/config.js";

/** Which @azure/identity class serves a choice, and with which client id (pure: the unit tests check this). */
export type CredentialPlan =
  { type: "ManagedIdentityCredential"; clientId: string | undefined } | { type: "DefaultAzureCredential" };

export function credentialPlan(choice: CredentialChoice): CredentialPlan {
  return choice.kind === "managedIdentity"
    ? { type: "ManagedIdentityCredential", clientId: choice.clientId }
    : { type: "DefaultAzureCredential" };
}

const credentials = new Map<string, TokenCredential>();

/**
 * `managedidentity` → ManagedIdentityCredential (user-assigned when a client id is given, else system-assigned);
 * not set → DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI, azd, PowerShell…),
 * which is what a developer running the app against real Azure resources wants.
 */
export function tokenCredentialFor(choice: CredentialChoice): TokenCredential {
  const plan = credentialPlan(choice);
  const key = `${plan.type}|${plan.type === "ManagedIdentityCredential" ? (plan.clientId ?? "") : ""}`;
  let credential = credentials.get(key);
  if (!credential) {
    credential =
      plan.type === "ManagedIdentityCredential"
        ? plan.clientId
          ? new ManagedIdentityCredential({ clientId: plan.clientId })
          : new ManagedIdentityCredential()
        : new DefaultAzureCredential();
    credentials.set(key, credential);
  }
  return credential;
}
