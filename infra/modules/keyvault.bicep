// Key Vault in RBAC mode for CLIENT_SECRET and TOKEN_CACHE_KEY. Bicep creates no secret: the administrator sets
// them (README "Deploy to Azure"); the app reads them through Key Vault references (Key Vault Secrets User).
param location string
param tags object
@maxLength(24)
param name string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
