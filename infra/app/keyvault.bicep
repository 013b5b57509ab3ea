// Key Vault (Azure RBAC, soft delete and purge protection) holding the app's secrets. A secret whose parameter is
// empty is not written, so a later deployment never blanks a secret set by hand; the app's Key Vault references
// then stay unresolved until it is set, and /api/health names what is missing.
param name string
param location string
param tags object

@secure()
param tokenSigningKey string

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
