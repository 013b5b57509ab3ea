# azd preprovision hook on Windows; infra/hooks/preprovision.sh says what it does and why.
$ErrorActionPreference = 'Stop'
$envName = $env:AZURE_ENV_NAME
if (-not $envName) { throw 'AZURE_ENV_NAME is not set (run through azd)' }
if (-not $env:AZURE_LOCATION) { throw 'AZURE_LOCATION is not set: azd env set AZURE_LOCATION <region>' }
$location = $env:AZURE_LOCATION.ToLowerInvariant().Replace(' ', '')

if (-not (Get-Command az -ErrorAction SilentlyContinue) -or -not $(az account show --output none 2>$null; $LASTEXITCODE -eq 0)) {
    Write-Warning 'preprovision: the Azure CLI is missing or not signed in (az login): not looking for a soft-deleted Key Vault.'
    Write-Warning "preprovision: if this environment was removed with 'azd down', run 'azd env set AZURE_KEY_VAULT_CREATE_MODE recover' first (docs/operations.md)."
    exit 0
}
$sub = @()
if ($env:AZURE_SUBSCRIPTION_ID) { $sub = @('--subscription', $env:AZURE_SUBSCRIPTION_ID) }

if (-not $env:AZURE_PRINCIPAL_TYPE -and (az account show @sub --query user.type --output tsv) -eq 'servicePrincipal') {
    Write-Host 'preprovision: deploying as a service principal: AZURE_PRINCIPAL_TYPE=ServicePrincipal'
    azd env set AZURE_PRINCIPAL_TYPE ServicePrincipal
}

$query = "[?properties.tags.""azd-env-name""=='$envName' && properties.location=='$location' && starts_with(name, 'kv-')].name | [0]"
$deleted = az keyvault list-deleted --resource-type vault @sub --query $query --output tsv
if ($LASTEXITCODE -ne 0) { throw 'az keyvault list-deleted failed' }
if ($deleted) {
    Write-Host "preprovision: Key Vault $deleted of environment $envName is soft-deleted (azd down): provisioning recovers it with its secrets."
    azd env set AZURE_KEY_VAULT_CREATE_MODE recover
} else {
    azd env set AZURE_KEY_VAULT_CREATE_MODE default
}
