// App Service leaves an `@Microsoft.KeyVault(...)` app setting as that literal text when it cannot resolve it
// (secret missing, no Key Vault Secrets User role, wrong keyVaultReferenceIdentity): name such settings clearly.

const REFERENCE = /^\s*@Microsoft\.KeyVault\(/i;

export interface KeyVaultReferenceIssue {
  setting: string;
  message: string;
}

/** The settings among `names` whose value is still an unresolved Key Vault reference. */
export function unresolvedKeyVaultReferences(
  env: Record<string, string | undefined>,
  names: readonly string[],
): KeyVaultReferenceIssue[] {
  return names
    .filter((name) => REFERENCE.test(env[name] ?? ""))
    .map((setting) => ({
      setting,
      message:
        "is a Key Vault reference the platform could not resolve: check that the secret exists, that the app's " +
        "identity has the Key Vault Secrets User role, and that keyVaultReferenceIdentity names that identity",
    }));
}
