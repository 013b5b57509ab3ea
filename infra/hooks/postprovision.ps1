# azd postprovision hook on Windows; infra/hooks/postprovision.sh says what it does and why.
$ErrorActionPreference = 'Stop'
foreach ($name in 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME') {
    if (-not [Environment]::GetEnvironmentVariable($name)) { throw "$name is not set (run through azd)" }
}
if (-not (Get-Command az -ErrorAction SilentlyContinue) -or -not $(az account show --output none 2>$null; $LASTEXITCODE -eq 0)) {
    Write-Warning "postprovision: the Azure CLI is missing or not signed in (az login): not waiting for the app's role assignments."
    exit 0
}
azd env set AZURE_KEY_VAULT_CREATE_MODE default

$site = "/subscriptions/$env:AZURE_SUBSCRIPTION_ID/resourceGroups/$env:AZURE_RESOURCE_GROUP/providers/Microsoft.Web/sites/$env:AZURE_FUNCTION_APP_NAME"
$api = 'api-version=2022-03-01'
$limit = if ($env:SCHEDULER_IDENTITY_WAIT_SECONDS) { [int]$env:SCHEDULER_IDENTITY_WAIT_SECONDS } else { 900 }
$settled = 'Resolved', 'SecretNotFound', 'SecretVersionNotFound'
$clock = [Diagnostics.Stopwatch]::StartNew()
while ($true) {
    az rest --method post --url "$site/config/configreferences/appsettings/refresh?$api" --output none 2>$null | Out-Null
    Start-Sleep -Seconds 20
    $references = @()
    $json = az rest --method get --url "$site/config/configreferences/appsettings?$api" 2>$null
    if ($LASTEXITCODE -eq 0 -and $json) { $references = @(($json | Out-String | ConvertFrom-Json).value) }
    $waiting = @($references | Where-Object { $settled -notcontains $_.properties.status } |
        ForEach-Object { "$(($_.id -split '/')[-1]) ($($_.properties.status))" })
    if ($references.Count -gt 0 -and $waiting.Count -eq 0) {
        $references | Where-Object { $_.properties.status -ne 'Resolved' } | ForEach-Object {
            Write-Host "postprovision: Key Vault secret for $(($_.id -split '/')[-1]) is not set yet ($($_.properties.status)); /api/health names it until it is."
        }
        Write-Host "postprovision: the app's identity reads Key Vault."
        exit 0
    }
    $elapsed = [int]$clock.Elapsed.TotalSeconds
    if ($elapsed -ge $limit) {
        Write-Warning "postprovision: after ${elapsed}s the Key Vault references are still not resolved: $($waiting -join ', ')"
        Write-Warning "postprovision: going on; if the deployment fails with 403, run 'azd deploy' again in a few minutes (docs/operations.md)."
        exit 0
    }
    Write-Host "postprovision: waiting for the app's role assignments to apply (${elapsed}s): $($waiting -join ', ')"
}
