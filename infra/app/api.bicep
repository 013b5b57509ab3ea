// The function app on the Flex Consumption plan (Linux, dotnet-isolated, .NET 10) with its user-assigned identity,
// every app setting the app reads, and, when an Entra ID app registration is given, App Service authentication.
param name string
param planName string
param location string
param tags object
@description('The azd service this app hosts (azure.yaml).')
param serviceName string
param identityName string
param hostStorageName string
param deploymentContainerName string
param dataStorageName string
param keyVaultName string
param applicationInsightsName string
param instanceMemoryMB int
param maximumInstanceCount int
param centreId string
param timeZone string
param publicBaseUrl string
param residentLinkHours int
param loadDemoData bool
param smsProvider string
param twilioFromNumber string
param twilioMessagingServiceSid string
param entraClientId string
@description('azuremaps or estimate (see TravelOptions).')
param travelProvider string
@description('The Azure Maps account\'s client id (uniqueId); empty when travel times are estimated.')
param mapsClientId string

var secretNames = loadJsonContent('secret-names.json')

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageName
}

resource dataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      // No ftpsState: Flex Consumption rejects it; FTP is off through basicPublishingCredentialsPolicies/ftp below.
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  // No publishing with user names and passwords: azd deploys with Entra ID.
  resource ftpCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: { allow: false }
  }

  resource scmCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: { allow: false }
  }
}

var baseUrl = empty(publicBaseUrl) ? 'https://${site.properties.defaultHostName}' : publicBaseUrl
var clientId = identity.properties.clientId

// Every setting the app reads (local.settings.sample.json and the options classes); tests/Scheduler.Infra.Tests
// checks that none is missing. FUNCTIONS_WORKER_RUNTIME is functionAppConfig.runtime on Flex Consumption.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: clientId
    AzureWebJobsStorage__blobServiceUri: hostStorage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: hostStorage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: hostStorage.properties.primaryEndpoints.table
    SchedulerStorage__credential: 'managedidentity'
    SchedulerStorage__clientId: clientId
    SchedulerStorage__tableServiceUri: dataStorage.properties.primaryEndpoints.table
    SchedulerStorage__queueServiceUri: dataStorage.properties.primaryEndpoints.queue
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${clientId};Authorization=AAD'
    Scheduler__CentreId: centreId
    Scheduler__TimeZone: timeZone
    Scheduler__PublicBaseUrl: baseUrl
    Scheduler__TokenSigningKey: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${secretNames.tokenSigningKey})'
    // Keys of stored data (resident IDs), one app setting per version still in use; rotation in docs/operations.md.
    DataKeys__Current: 'v1'
    DataKeys__Keys__v1: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${secretNames.dataKeyV1})'
    Scheduler__ResidentLinkHours: string(residentLinkHours)
    Scheduler__LoadDemoData: string(loadDemoData)
    Sms__Provider: smsProvider
    Notifications__ReminderTime: '18:00'
    Notifications__StaffDayTime: '07:30'
    Notifications__VisitRatingTime: '19:00'
    Notifications__QuietFrom: '21:00'
    Notifications__QuietUntil: '08:00'
    Notifications__FollowUpWorkingDays: '3'
    Notifications__ConversationMinutes: '30'
    Sms__AllowedNumbers: ''
    Verification__CodeMinutes: '5'
    Verification__MaxAttempts: '5'
    Verification__ProofDays: '7'
    // App Service appends the caller's address to X-Forwarded-For; behind Front Door use X-Azure-ClientIP.
    RateLimits__ClientAddressHeader: 'X-Forwarded-For'
    RateLimits__BookingPerAddress: '30'
    RateLimits__BookingPerMobile: '10'
    RateLimits__BookingWindowMinutes: '60'
    RateLimits__CodesPerAddress: '10'
    RateLimits__CodesPerMobile: '5'
    RateLimits__CodesWindowMinutes: '60'
    RateLimits__HomeVisitPerAddress: '10'
    RateLimits__HomeVisitPerMobile: '3'
    RateLimits__HomeVisitPerResident: '3'
    RateLimits__HomeVisitWindowMinutes: '1440'
    RateLimits__ExtendedHoursPerAddress: '10'
    RateLimits__ExtendedHoursPerMobile: '3'
    RateLimits__ExtendedHoursWindowMinutes: '1440'
    RateLimits__TokenPagesPerAddress: '300'
    RateLimits__TokenPagesWindowMinutes: '60'
    RateLimits__ReadsPerAddress: '600'
    RateLimits__ReadsWindowMinutes: '60'
    Planning__TimeLimitSeconds: '20'
    Planning__TileUrl: ''
    Planning__PriceStaffTimeByHall: 'true'
    Planning__JointRounds: '3'
    Planning__PricingRosterSeconds: '5'
    Planning__TypicalRouteMinutes: '180'
    Availability__CacheSeconds: '5'
    Archive__RetentionDays: '90'
    Archive__DaysPerRun: '31'
    Roster__TimeLimitSeconds: '10'
    Roster__RelativeGap: '0.01'
    Roster__Workers: '2'
    Roster__HistorySeed: '1'
    Roster__SimulationSeed: '1'
    Roster__SessionThreshold: '10'
    Roster__RecordedHistoryDays: '56'
    Roster__RecordedHistoryMinDays: '10'
    Travel__Provider: travelProvider
    Travel__AzureMapsEndpoint: 'https://atlas.microsoft.com/'
    Travel__AzureMapsAccountClientId: mapsClientId
    Travel__ManagedIdentityClientId: clientId
    Twilio__AccountSid: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${secretNames.twilioAccountSid})'
    Twilio__AuthToken: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${secretNames.twilioAuthToken})'
    Twilio__FromNumber: twilioFromNumber
    Twilio__MessagingServiceSid: twilioMessagingServiceSid
    Twilio__ApiBaseUrl: ''
    Twilio__TimeoutSeconds: '15'
    // App Service authentication signs staff in with this identity as a federated credential: no client secret.
    OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID: clientId
  }
}

// Staff, dispatchers and administrators sign in with Entra ID; residents and Twilio are let through anonymously and
// the app decides (signed links, Twilio signatures, roles from X-MS-CLIENT-PRINCIPAL).
resource authentication 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(entraClientId)) {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: entraClientId
          clientSecretSettingName: 'OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID'
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [ 'api://${entraClientId}' ]
        }
      }
    }
    login: {
      // The app needs only the principal App Service passes on, not the user's tokens.
      tokenStore: {
        enabled: false
      }
    }
  }
  dependsOn: [ appSettings ]
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output publicBaseUrl string = baseUrl
