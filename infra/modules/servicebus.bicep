// Service Bus Standard (sessions need Standard or Premium) reached only by Entra identity, and the three queues the
// code relies on: sessions = one ERP user at a time, 10 deliveries then the dead-letter queue, a 1-minute lock the
// host renews (host.json maxAutoLockRenewalDuration), expired messages dead-lettered, duplicate detection.
param location string
param tags object
param name string
param pushQueueName string
param pullQueueName string
param erpInboundQueueName string

resource namespace 'Microsoft.ServiceBus/namespaces@2021-11-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

// msgraph-pull keeps a day of message ids: the nightly fan-out's ids are per user and night, so a rerun the same
// night (isPastDue, retry) is dropped instead of doubling the work.
var queues = [
  { name: pushQueueName, duplicateWindow: 'PT10M' }
  { name: pullQueueName, duplicateWindow: 'P1D' }
  { name: erpInboundQueueName, duplicateWindow: 'PT10M' }
]

resource queue 'Microsoft.ServiceBus/namespaces/queues@2021-11-01' = [
  for q in queues: {
    parent: namespace
    name: q.name
    properties: {
      requiresSession: true
      maxDeliveryCount: 10
      lockDuration: 'PT1M'
      deadLetteringOnMessageExpiration: true
      defaultMessageTimeToLive: 'P14D'
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: q.duplicateWindow
      enablePartitioning: false
      maxSizeInMegabytes: 1024
    }
  }
]

output name string = namespace.name
// Host name only (what SERVICEBUS_CONNECTION__fullyQualifiedNamespace takes), in any Azure cloud.
output namespaceHost string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
