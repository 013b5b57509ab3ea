// Key Vault (Azure RBAC, soft delete and purge protection) holding the app's secrets. A secret whose parameter is
// empty is not written, so a later deployment never blanks a secret set by hand; the app's Key Vault references
// then stay unresolved until it is set, and /api/health names what is missing. A vault deleted with its resource group
// (`azd down`) stays soft-deleted for 90 days under the same name: createMode 'recover' brings it back, secrets and all.
param name string
param location string
param tags object

@description('default, or recover to bring back the soft-deleted vault of the same name (after `azd down`; purge protection keeps the name for 90 days).')
@allowed([ 'default', 'recover' ])
param createMode string = 'default'

@secure()
param tokenSigningKey string

@secure()
param dataKey string

@secure()
param twilioAccountSid string

@secure()
param twilioAuthToken string

var secretNames = loadJsonContent('secret-names.json')

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    createMode: createMode
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource signingKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(tokenSigningKey)) {
  parent: vault
  name: secretNames.tokenSigningKey
  properties: {
    value: tokenSigningKey
    contentType: 'base64'
  }
}

resource dataKeyV1 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(dataKey)) {
  parent: vault
  name: secretNames.dataKeyV1
  properties: {
    value: dataKey
    contentType: 'base64'
  }
}

resource accountSid 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(twilioAccountSid)) {
  parent: vault
  name: secretNames.twilioAccountSid
  properties: {
    value: twilioAccountSid
  }
}

resource authToken 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(twilioAuthToken)) {
  parent: vault
  name: secretNames.twilioAuthToken
  properties: {
    value: twilioAuthToken
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
