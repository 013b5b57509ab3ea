// Scheduler in one resource group: the function app on Flex Consumption, its host storage, the app's data storage
// (tables and queues) reached by a user-assigned managed identity, Key Vault for the secrets, and Application
// Insights on a Log Analytics workspace. `azd up` deploys it; docs/operations.md explains every parameter.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds the unique resource names.')
param environmentName string

@minLength(1)
@description('Azure region for every resource. Flex Consumption must be offered there.')
param location string

@description('Object id of the person or pipeline deploying; given Key Vault Secrets Officer so it can set and rotate the secrets. Empty: no such role.')
param principalId string = ''

@description('Kind of principal of principalId.')
@allowed([ 'User', 'ServicePrincipal', 'Group' ])
param principalType string = 'User'

@description('The centre this app serves (Scheduler__CentreId).')
@minLength(2)
@maxLength(32)
param centreId string

@description('IANA time zone for residents\' local dates and times (Scheduler__TimeZone).')
param timeZone string = 'Asia/Shanghai'

@description('Public base URL of residents\' links and Twilio webhooks. Empty: https://<the app\'s default host name>.')
param publicBaseUrl string = ''

@secure()
@description('Base64 of 32 random bytes or more that signs residents\' links; stored in Key Vault as scheduler-token-signing-key.')
param tokenSigningKey string

@secure()
@description('Base64 of 32 random bytes that encrypts stored resident IDs; stored in Key Vault as scheduler-data-key-v1 (rotation: docs/operations.md).')
param dataKey string

@description('Longest life of a resident\'s link, in hours (Scheduler__ResidentLinkHours).')
@minValue(1)
@maxValue(1440)
param residentLinkHours int = 720

@description('Load the demo centre at start (Scheduler__LoadDemoData). Off for a real centre.')
param loadDemoData bool = false

@description('Where SMS go: twilio sends them; local only keeps them in the outbox (a trial without an SMS account; console is the older name of local).')
@allowed([ 'twilio', 'local', 'console' ])
param smsProvider string = 'twilio'

@secure()
@description('Twilio account SID (AC...). Empty: set the Key Vault secret twilio-account-sid later.')
param twilioAccountSid string = ''

@secure()
@description('Twilio auth token. Empty: set the Key Vault secret twilio-auth-token later.')
param twilioAuthToken string = ''

@description('Twilio sender number in E.164 form (+8613800000000); or give a Messaging Service SID instead.')
param twilioFromNumber string = ''

@description('Twilio Messaging Service SID (MG...), used instead of the sender number when set.')
param twilioMessagingServiceSid string = ''

@description('Memory of each Flex Consumption instance, in MB: 4096 gives two cores, which the planner\'s two parallel OR-Tools searches use; 2048 gives one.')
@allowed([ 2048, 4096 ])
param instanceMemoryMB int = 4096

@description('Most Flex Consumption instances the app scales out to. Flex Consumption refuses fewer than 40 in most regions.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('default creates the Key Vault; recover brings back this environment\'s soft-deleted vault after `azd down` (purge protection keeps its name for 90 days). infra/hooks/preprovision sets it before every provision.')
@allowed([ 'default', 'recover' ])
param keyVaultCreateMode string = 'default'

@description('Redundancy of the storage account holding the app\'s tables and queues.')
@allowed([ 'Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS', 'Standard_RAGRS', 'Standard_RAGZRS' ])
param dataStorageSku string = 'Standard_ZRS'

@description('Application (client) id of the Entra ID app registration for staff sign-in. Empty: App Service authentication is not configured.')
param entraClientId string = ''

@description('Where travel times come from: azuremaps (an Azure Maps account, route matrix) or estimate (great-circle distance, no account).')
@allowed([ 'azuremaps', 'estimate' ])
param travelProvider string = 'azuremaps'

@description('Region of the Azure Maps account\'s metadata (Azure Maps is a global service; pick one of its regions).')
param mapsLocation string = 'eastus'

@description('Days Log Analytics keeps logs and traces.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

var abbrs = loadJsonContent('abbreviations.json')
var storageNames = loadJsonContent('storage-names.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName, app: 'scheduler', centre: centreId }
var functionAppName = '${abbrs.functionApp}${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourceGroup}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentity}${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    workspaceName: '${abbrs.logAnalyticsWorkspace}${resourceToken}'
    applicationInsightsName: '${abbrs.applicationInsights}${resourceToken}'
    location: location
    tags: tags
    retentionInDays: logRetentionDays
  }
}

module hostStorage 'app/storage.bicep' = {
  name: 'host-storage'
  scope: rg
  params: {
    name: '${abbrs.storageAccount}host${resourceToken}'
    location: location
    tags: tags
    sku: 'Standard_LRS'
    containers: [ 'deployment-package' ]
    tables: []
    queues: []
  }
}

module dataStorage 'app/storage.bicep' = {
  name: 'data-storage'
  scope: rg
  params: {
    name: '${abbrs.storageAccount}data${resourceToken}'
    location: location
    tags: tags
    sku: dataStorageSku
    containers: []
    tables: storageNames.tables
    queues: flatten(map(storageNames.queues, q => [ q, '${q}-poison' ]))
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: '${abbrs.keyVault}${resourceToken}'
    location: location
    tags: tags
    createMode: keyVaultCreateMode
    tokenSigningKey: tokenSigningKey
    dataKey: dataKey
    twilioAccountSid: twilioAccountSid
    twilioAuthToken: twilioAuthToken
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    appPrincipalId: identity.outputs.principalId
    hostStorageName: hostStorage.outputs.name
    dataStorageName: dataStorage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

module maps 'app/maps.bicep' = if (travelProvider == 'azuremaps') {
  name: 'maps'
  scope: rg
  params: {
    name: '${abbrs.maps}${resourceToken}'
    location: mapsLocation
    tags: tags
    appPrincipalId: identity.outputs.principalId
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.appServicePlan}${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityName: identity.outputs.name
    hostStorageName: hostStorage.outputs.name
    deploymentContainerName: 'deployment-package'
    dataStorageName: dataStorage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    centreId: centreId
    timeZone: timeZone
    publicBaseUrl: publicBaseUrl
    residentLinkHours: residentLinkHours
    loadDemoData: loadDemoData
    smsProvider: smsProvider
    twilioFromNumber: twilioFromNumber
    twilioMessagingServiceSid: twilioMessagingServiceSid
    entraClientId: entraClientId
    travelProvider: travelProvider
    mapsClientId: travelProvider == 'azuremaps' ? maps!.outputs.clientId : ''
  }
  // The app starts only once its identity may read its secrets and storage.
  dependsOn: [ rbac ]
}

// Names and addresses only: nothing secret is ever an output.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_FUNCTION_APP_HOST_NAME string = api.outputs.defaultHostName
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output AZURE_DATA_STORAGE_ACCOUNT string = dataStorage.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output SCHEDULER_PUBLIC_BASE_URL string = api.outputs.publicBaseUrl
