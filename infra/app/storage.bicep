// A storage account reachable only with Entra ID (shared keys off), over HTTPS with TLS 1.2 or later, with the
// blob containers, tables and queues it is given.
param name string
param location string
param tags object
param sku string
param containers array
param tables array
param queues array

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: sku }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }

  resource blobService 'blobServices' = if (!empty(containers)) {
    name: 'default'
    resource container 'containers' = [for c in containers: {
      name: c
      properties: { publicAccess: 'None' }
    }]
  }

  resource tableService 'tableServices' = if (!empty(tables)) {
    name: 'default'
    resource table 'tables' = [for t in tables: {
      name: t
    }]
  }

  resource queueService 'queueServices' = if (!empty(queues)) {
    name: 'default'
    resource queue 'queues' = [for q in queues: {
      name: q
    }]
  }
}

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
