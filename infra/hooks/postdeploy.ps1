# azd postdeploy hook on Windows; infra/hooks/postdeploy.sh says what it does and why.
$ErrorActionPreference = 'Stop'
foreach ($name in 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME') {
    if (-not [Environment]::GetEnvironmentVariable($name)) { throw "$name is not set (run through azd)" }
}
$hostName = if ($env:AZURE_FUNCTION_APP_HOST_NAME) { $env:AZURE_FUNCTION_APP_HOST_NAME } else { "$env:AZURE_FUNCTION_APP_NAME.azurewebsites.net" }
$url = "https://$hostName/api/health"
$site = "/subscriptions/$env:AZURE_SUBSCRIPTION_ID/resourceGroups/$env:AZURE_RESOURCE_GROUP/providers/Microsoft.Web/sites/$env:AZURE_FUNCTION_APP_NAME"
$limit = if ($env:SCHEDULER_HEALTH_WAIT_SECONDS) { [int]$env:SCHEDULER_HEALTH_WAIT_SECONDS } else { 900 }
$haveAz = (Get-Command az -ErrorAction SilentlyContinue) -and $(az account show --output none 2>$null; $LASTEXITCODE -eq 0)
if (-not $haveAz) { Write-Warning 'postdeploy: the Azure CLI is missing or not signed in (az login): checking health without restarting the app.' }
$settledStatuses = 'Resolved', 'SecretNotFound', 'SecretVersionNotFound'
$clock = [Diagnostics.Stopwatch]::StartNew()
$lastRestart = [TimeSpan]::FromDays(-1)
$settled = 0 # 1: every reference App Service can resolve is resolved; 2: and the app was restarted since

while ($true) {
    $code = 0; $body = ''
    try {
        $response = Invoke-WebRequest -Uri $url -TimeoutSec 30 -SkipHttpErrorCheck -UseBasicParsing
        $code = [int]$response.StatusCode; $body = [string]$response.Content
    } catch { $body = $_.Exception.Message }
    $elapsed = $clock.Elapsed
    if ($code -eq 200) { Write-Host "postdeploy: $url is healthy."; exit 0 }

    $transient = $true
    if ($code -eq 503 -and $body -notmatch 'identity:|forbidden:|unreachable|timeout') {
        if ($body -match 'Key Vault reference not resolved' -and $haveAz) {
            $json = az rest --method get --url "$site/config/configreferences/appsettings?api-version=2022-03-01" 2>$null
            if ($LASTEXITCODE -eq 0 -and $json) {
                $refused = @(($json | Out-String | ConvertFrom-Json).value | Where-Object { $settledStatuses -notcontains $_.properties.status })
                if ($refused.Count -eq 0) {
                    if ($settled -eq 2) { $transient = $false } else { $settled = 1; $lastRestart = [TimeSpan]::FromDays(-1) }
                }
            }
        } elseif ($body -notmatch 'Key Vault reference not resolved') { $transient = $false }
    }
    if (-not $transient) {
        Write-Warning "postdeploy: deployed, but $url reports a configuration gap that waiting does not close: $body"
        Write-Warning 'postdeploy: set what it names (docs/operations.md, "Configure Twilio"), then restart the app.'
        exit 0
    }
    if ($elapsed.TotalSeconds -ge $limit) {
        Write-Error "postdeploy: $url still answers $code after $([int]$elapsed.TotalSeconds)s: $body" -ErrorAction Continue
        exit 1
    }
    if ($haveAz -and $code -eq 503 -and ($elapsed - $lastRestart).TotalSeconds -ge 180) {
        Write-Host "postdeploy: $url answers 503 ($body); resolving the Key Vault references again and restarting the app."
        az rest --method post --url "$site/config/configreferences/appsettings/refresh?api-version=2022-03-01" --output none 2>$null | Out-Null
        az functionapp restart --resource-group $env:AZURE_RESOURCE_GROUP --name $env:AZURE_FUNCTION_APP_NAME --output none
        $lastRestart = $clock.Elapsed
        if ($settled -eq 1) { $settled = 2 }
    } else {
        Write-Host "postdeploy: waiting for $url (HTTP $code, $([int]$elapsed.TotalSeconds)s)"
    }
    Start-Sleep -Seconds 20
}
