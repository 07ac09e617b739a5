// Every role assignment of the deployment, least privilege, by built-in role definition id (ids from Microsoft's
// "Azure built-in roles" reference: learn.microsoft.com/azure/role-based-access-control/built-in-roles).
// The app's user-assigned identity:
//   host storage           Storage Blob Data Owner        host state (leases, keys) and the deployment package
//   data storage           Storage Table Data Contributor the app's tables (it creates a missing one at start)
//   attachment container   Storage Blob Data Reader       the ERP's mail attachments (claim check): read only
//   Service Bus namespace  Azure Service Bus Data Sender  sends to msgraph-pull, erp-inbound and rescheduled msgraph-push
//   msgraph-push, -pull    Azure Service Bus Data Receiver the two triggers
//   Key Vault              Key Vault Secrets User         CLIENT_SECRET and TOKEN_CACHE_KEY references
//   Application Insights   Monitoring Metrics Publisher   telemetry with Entra auth (local auth is off)
// Optional: the administrator (set secrets, edit the Users table) and the ERP's identity (send, receive, attachments).
param appPrincipalId string
param adminPrincipalId string
@allowed(['User', 'Group', 'ServicePrincipal'])
param adminPrincipalType string
param erpPrincipalId string
param hostStorageName string
param dataStorageName string
param attachmentContainerName string
param serviceBusName string
param pushQueueName string
param pullQueueName string
param erpInboundQueueName string
param keyVaultName string
param applicationInsightsName string

var role = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageName
}

resource dataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageName
}

resource dataBlobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: dataStorage
  name: 'default'
}

resource attachments 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: dataBlobService
  name: attachmentContainerName
}

resource namespace 'Microsoft.ServiceBus/namespaces@2021-11-01' existing = {
  name: serviceBusName
}

resource pushQueue 'Microsoft.ServiceBus/namespaces/queues@2021-11-01' existing = {
  parent: namespace
  name: pushQueueName
}

resource pullQueue 'Microsoft.ServiceBus/namespaces/queues@2021-11-01' existing = {
  parent: namespace
  name: pullQueueName
}

resource erpInboundQueue 'Microsoft.ServiceBus/namespaces/queues@2021-11-01' existing = {
  parent: namespace
  name: erpInboundQueueName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// ---- the app's identity ---------------------------------------------------------------------------------------

resource appHostBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hostStorage
  name: guid(hostStorage.id, appPrincipalId, role.storageBlobDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: dataStorage
  name: guid(dataStorage.id, appPrincipalId, role.storageTableDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.storageTableDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appAttachmentsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: attachments
  name: guid(attachments.id, appPrincipalId, role.storageBlobDataReader)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.storageBlobDataReader)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appBusSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: namespace
  name: guid(namespace.id, appPrincipalId, role.serviceBusDataSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.serviceBusDataSender)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appPushReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: pushQueue
  name: guid(pushQueue.id, appPrincipalId, role.serviceBusDataReceiver)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.serviceBusDataReceiver)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appPullReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: pullQueue
  name: guid(pullQueue.id, appPrincipalId, role.serviceBusDataReceiver)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.serviceBusDataReceiver)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, appPrincipalId, role.keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: applicationInsights
  name: guid(applicationInsights.id, appPrincipalId, role.monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// ---- the administrator (optional) -------------------------------------------------------------------------------

resource adminSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(adminPrincipalId)) {
  scope: vault
  name: guid(vault.id, adminPrincipalId, role.keyVaultSecretsOfficer)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.keyVaultSecretsOfficer)
    principalId: adminPrincipalId
    principalType: adminPrincipalType
  }
}

resource adminTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(adminPrincipalId)) {
  scope: dataStorage
  name: guid(dataStorage.id, adminPrincipalId, role.storageTableDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.storageTableDataContributor)
    principalId: adminPrincipalId
    principalType: adminPrincipalType
  }
}

// ---- the ERP (optional) -------------------------------------------------------------------------------------------

resource erpPushSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(erpPrincipalId)) {
  scope: pushQueue
  name: guid(pushQueue.id, erpPrincipalId, role.serviceBusDataSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.serviceBusDataSender)
    principalId: erpPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource erpInboundReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(erpPrincipalId)) {
  scope: erpInboundQueue
  name: guid(erpInboundQueue.id, erpPrincipalId, role.serviceBusDataReceiver)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.serviceBusDataReceiver)
    principalId: erpPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource erpAttachmentsWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(erpPrincipalId)) {
  scope: attachments
  name: guid(attachments.id, erpPrincipalId, role.storageBlobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.storageBlobDataContributor)
    principalId: erpPrincipalId
    principalType: 'ServicePrincipal'
  }
}
