// Azure Maps for travel times (the route matrix): Entra only, shared keys off; the app's identity may read.
param name string
@description('An Azure Maps region (the account is a global service; this is where its metadata lives).')
param location string
param tags object
param appPrincipalId string

var azureMapsDataReader = '423170ca-a8f6-4b0f-8487-9e4eb8f49bfa'

resource maps 'Microsoft.Maps/accounts@2023-06-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'G2' }
  kind: 'Gen2'
  properties: {
    disableLocalAuth: true
  }
}

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(maps.id, appPrincipalId, azureMapsDataReader)
  scope: maps
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', azureMapsDataReader)
  }
}

output name string = maps.name
@description('The account client id the app sends as x-ms-client-id (not a secret).')
output clientId string = maps.properties.uniqueId
