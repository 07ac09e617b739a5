// Coins ERP+ ⇄ Outlook: the whole system in one resource group — Flex Consumption Function App with a user-assigned
// managed identity, two storage accounts (host + deployment package; app data), Service Bus Standard with the three
// session queues, Key Vault (RBAC) for the secrets, Application Insights. No key, connection string or secret here.
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('azd environment name; part of every resource name (unique per subscription and resource group).')
param environmentName string

@description('Azure region of every resource.')
param location string = resourceGroup().location

// ---- Entra app registration (see README "Deploy to Azure") ----------------------------------------------------
@description('TENANT_ID: the Entra tenant of the app registration (defaults to the deployment tenant).')
param tenantId string = tenant().tenantId

@description('CLIENT_ID: the app registration\'s application (client) id. Its secret goes into Key Vault, not here.')
param clientId string

@description('Key Vault secret holding the app registration\'s client secret (CLIENT_SECRET).')
param clientSecretName string = 'client-secret'

@description('Key Vault secret holding base64 of 32 random bytes that encrypts the token cache (TOKEN_CACHE_KEY).')
param tokenCacheKeySecretName string = 'token-cache-key'

// ---- Coins SY/ parameters ---------------------------------------------------------------------------------------
@description('TASK_ACTION_TYPE (SY/MSACTTYP): action type of tasks created from Outlook.')
param taskActionType string

@description('EVENT_DAYS_BACK (SY/MSEVBACK): positive whole days back.')
@minValue(1)
param eventDaysBack int = 1

@description('EVENT_DAYS_FORWARD (SY/MSEVFWD): positive whole days forward.')
@minValue(1)
param eventDaysForward int = 21

@description('TASK_LIST_NAME (SY/MSLINAME): the To Do list that is synchronised.')
param taskListName string = 'COINS'

@description('WEBHOOK_URL (SY/WEBHOOK): leave empty to use the app\'s own https://<host>/api/graph/notifications; set it when a proxy fronts the app.')
param webhookUrl string = ''

// ---- behaviour ---------------------------------------------------------------------------------------------------
@description('NIGHTLY_SCHEDULE: 6-field NCRONTAB of the nightly renewal and resync (UTC).')
param nightlySchedule string = '0 0 2 * * *'

@description('TASK_POLL_SCHEDULE: 6-field NCRONTAB of the To Do poll in AUTH_MODE application (UTC).')
param taskPollSchedule string = '0 */5 * * * *'

@description('CONFLICT_RULE when both sides changed an item.')
@allowed(['erp-wins', 'outlook-wins', 'newest-wins'])
param conflictRule string = 'erp-wins'

@description('DEFAULT_TIME_ZONE: zone events are written in when a mailbox\'s own zone cannot be read (Windows or IANA name).')
param defaultTimeZone string = 'UTC'

@description('SUBSCRIPTION_LIFETIME_HOURS of each Graph subscription (1..70).')
@minValue(1)
@maxValue(70)
param subscriptionLifetimeHours int = 48

@description('TABLE_PREFIX: letters and digits put before every table name (empty = none).')
param tablePrefix string = ''

// ---- scale -------------------------------------------------------------------------------------------------------
@description('Flex Consumption instance memory in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Flex Consumption maximum instance count (scale-out limit; also caps the cost).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

// ---- who else gets access ----------------------------------------------------------------------------------------
@description('Object id of the administrator (azd sets AZURE_PRINCIPAL_ID): may set Key Vault secrets and edit the Users table. Empty = nobody.')
param adminPrincipalId string = ''

@description('Type of adminPrincipalId.')
@allowed(['User', 'Group', 'ServicePrincipal'])
param adminPrincipalType string = 'User'

@description('Object id of the ERP\'s identity (Coins ESB): sends to msgraph-push, receives erp-inbound, writes attachments. Empty = none.')
param erpPrincipalId string = ''

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName }
var functionAppName = 'func-coins-outlook-${resourceToken}'
var deploymentContainerName = 'app-package-${take(resourceToken, 12)}'
var attachmentContainerName = 'erp-mail-attachments'
var pushQueueName = 'msgraph-push'
var pullQueueName = 'msgraph-pull'
var erpInboundQueueName = 'erp-inbound'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-coins-outlook-${resourceToken}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-coins-outlook-${resourceToken}'
    applicationInsightsName: 'appi-coins-outlook-${resourceToken}'
  }
}

// The Functions host's own storage and the deployment package (Blob Data Owner for the app's identity).
module hostStorage 'modules/storage.bicep' = {
  name: 'hostStorage'
  params: {
    location: location
    tags: tags
    name: 'stfn${resourceToken}'
    containers: [deploymentContainerName]
    tables: []
  }
}

// The app's data: the tables (Table Data Contributor) and the ERP's mail attachments (Blob Data Reader).
module dataStorage 'modules/storage.bicep' = {
  name: 'dataStorage'
  params: {
    location: location
    tags: tags
    name: 'stdata${resourceToken}'
    containers: [attachmentContainerName]
    tables: [
      '${tablePrefix}Users'
      '${tablePrefix}Subscriptions'
      '${tablePrefix}Links'
      '${tablePrefix}ActionTypes'
      '${tablePrefix}TaskLists'
      '${tablePrefix}TokenCache'
      '${tablePrefix}SignInState'
      '${tablePrefix}Rejected'
      '${tablePrefix}SentMail'
      '${tablePrefix}MailSendLog'
    ]
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'serviceBus'
  params: {
    location: location
    tags: tags
    name: 'sb-coins-outlook-${resourceToken}'
    pushQueueName: pushQueueName
    pullQueueName: pullQueueName
    erpInboundQueueName: erpInboundQueueName
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyVault'
  params: {
    location: location
    tags: tags
    name: 'kv-${take(resourceToken, 21)}'
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    appPrincipalId: identity.properties.principalId
    adminPrincipalId: adminPrincipalId
    adminPrincipalType: adminPrincipalType
    erpPrincipalId: erpPrincipalId
    hostStorageName: hostStorage.outputs.name
    dataStorageName: dataStorage.outputs.name
    attachmentContainerName: attachmentContainerName
    serviceBusName: serviceBus.outputs.name
    pushQueueName: pushQueueName
    pullQueueName: pullQueueName
    erpInboundQueueName: erpInboundQueueName
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionApp'
  params: {
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    name: functionAppName
    planName: 'plan-coins-outlook-${resourceToken}'
    identityId: identity.id
    deploymentBlobEndpoint: hostStorage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

var appHost = functionApp.outputs.defaultHostName
var keyVaultUri = keyVault.outputs.uri
var notificationUrl = empty(webhookUrl) ? 'https://${appHost}/api/graph/notifications' : webhookUrl

// Every app setting (this resource replaces the whole set). Names as in local.settings.sample.json; connections in
// their identity-based form with the user-assigned identity; secrets as Key Vault references.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // The Functions host (Flex Consumption sets the runtime in functionAppConfig, not here).
    AzureWebJobsStorage__blobServiceUri: hostStorage.outputs.blobEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identity.properties.clientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
    // The app (shared/config/config.ts).
    STORAGE_CONNECTION__tableServiceUri: dataStorage.outputs.tableEndpoint
    STORAGE_CONNECTION__blobServiceUri: dataStorage.outputs.blobEndpoint
    STORAGE_CONNECTION__credential: 'managedidentity'
    STORAGE_CONNECTION__clientId: identity.properties.clientId
    TABLE_PREFIX: tablePrefix
    SERVICEBUS_CONNECTION__fullyQualifiedNamespace: serviceBus.outputs.namespaceHost
    SERVICEBUS_CONNECTION__credential: 'managedidentity'
    SERVICEBUS_CONNECTION__clientId: identity.properties.clientId
    PUSH_QUEUE: pushQueueName
    PULL_QUEUE: pullQueueName
    ERP_INBOUND_QUEUE: erpInboundQueueName
    TENANT_ID: tenantId
    CLIENT_ID: clientId
    CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${clientSecretName}/)'
    TOKEN_CACHE_KEY: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${tokenCacheKeySecretName}/)'
    SUBSCRIPTION_LIFETIME_HOURS: string(subscriptionLifetimeHours)
    NIGHTLY_SCHEDULE: nightlySchedule
    TASK_POLL_SCHEDULE: taskPollSchedule
    CONFLICT_RULE: conflictRule
    DEFAULT_TIME_ZONE: defaultTimeZone
    TASK_ACTION_TYPE: taskActionType
    EVENT_DAYS_BACK: string(eventDaysBack)
    EVENT_DAYS_FORWARD: string(eventDaysForward)
    TASK_LIST_NAME: taskListName
    WEBHOOK_URL: notificationUrl
    EMAIL_BLOB_CONTAINER: attachmentContainerName
  }
  // The identity's roles exist before the app first reads a setting (Key Vault references, triggers).
  dependsOn: [roles]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenantId
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_SERVICE_BUS_NAMESPACE string = serviceBus.outputs.namespaceHost
output AZURE_DATA_STORAGE_ACCOUNT string = dataStorage.outputs.name
output APP_IDENTITY_CLIENT_ID string = identity.properties.clientId
@description('Give this to Graph as the notification URL (it is also WEBHOOK_URL).')
output WEBHOOK_URL string = notificationUrl
@description('Base URL of the admin API (function key required), e.g. <this>/users/JSMITH/status.')
output ADMIN_URL string = 'https://${appHost}/api/manage'
