#!/bin/sh
# azd postdeploy hook (azure.yaml), after `azd deploy` and at the end of `azd up`: polls GET /api/health until the
# app is healthy. While it reports what a new environment's role assignments cause (a Key Vault reference left as
# its literal text, an identity without a token, storage answering 403) or does not answer yet, it asks App Service
# to resolve the Key Vault references again and restarts the app, every few minutes, since the app reads its
# settings only when it starts.
# Once App Service has resolved every reference it can, one more restart hands them to the app.
# A configuration gap that waiting does not close (a Twilio secret or setting not given yet) ends the wait with a
# warning naming it; the deployment itself is done. Gives up after SCHEDULER_HEALTH_WAIT_SECONDS (default 900)
# and fails, naming what is still wrong.
set -eu

: "${AZURE_SUBSCRIPTION_ID:?}" "${AZURE_RESOURCE_GROUP:?}" "${AZURE_FUNCTION_APP_NAME:?}"
host=${AZURE_FUNCTION_APP_HOST_NAME:-$AZURE_FUNCTION_APP_NAME.azurewebsites.net}
url="https://$host/api/health"
site="/subscriptions/$AZURE_SUBSCRIPTION_ID/resourceGroups/$AZURE_RESOURCE_GROUP/providers/Microsoft.Web/sites/$AZURE_FUNCTION_APP_NAME"
limit=${SCHEDULER_HEALTH_WAIT_SECONDS:-900}
have_az=1
if ! command -v az >/dev/null 2>&1 || ! az account show --output none >/dev/null 2>&1; then
  echo "postdeploy: the Azure CLI is missing or not signed in (az login): checking health without restarting the app." >&2
  have_az=0
fi

body=$(mktemp)
trap 'rm -f "$body"' EXIT
start=$(date +%s)
last_restart=0
settled=0 # 1: restarted once since App Service resolved every reference it can

while :; do
  code=$(curl --silent --max-time 30 --output "$body" --write-out '%{http_code}' "$url" || true)
  now=$(date +%s)
  elapsed=$((now - start))
  if [ "$code" = "200" ]; then
    echo "postdeploy: $url is healthy."
    exit 0
  fi

  # Waiting helps: no answer yet, the host still starting, or what role assignments not applied yet look like.
  transient=1
  if [ "$code" = "503" ] && ! grep -Eq 'identity:|forbidden:|unreachable|timeout' "$body"; then
    if grep -q 'Key Vault reference not resolved' "$body" && [ "$have_az" = 1 ]; then
      # Refused (still waiting for the role) or not there (a secret nobody set yet)?
      refused=$(az rest --method get --url "$site/config/configreferences/appsettings?api-version=2022-03-01" \
        --query "length(value[?properties.status != 'Resolved' && properties.status != 'SecretNotFound' && properties.status != 'SecretVersionNotFound'])" \
        --output tsv 2>/dev/null || echo 1)
      if [ "$refused" = "0" ]; then
        # App Service resolves what it can; the running app got the literal text at start and needs one restart
        # to see it. After that restart, what is still unresolved is a secret nobody has set.
        if [ "$settled" = 2 ]; then transient=0; else settled=1; last_restart=0; fi
      fi
    elif ! grep -q 'Key Vault reference not resolved' "$body"; then
      transient=0
    fi
  fi
  if [ "$transient" = 0 ]; then
    echo "postdeploy: deployed, but $url reports a configuration gap that waiting does not close:" >&2
    cat "$body" >&2; echo >&2
    echo "postdeploy: set what it names (docs/operations.md, \"Configure Twilio\"), then restart the app." >&2
    exit 0
  fi

  if [ "$elapsed" -ge "$limit" ]; then
    echo "postdeploy: $url still answers $code after ${elapsed}s:" >&2
    cat "$body" >&2; echo >&2
    exit 1
  fi
  if [ "$have_az" = 1 ] && [ "$code" = "503" ] && [ $((now - last_restart)) -ge 180 ]; then
    echo "postdeploy: $url answers 503 ($(tr -d '\n' <"$body" | cut -c1-300)); resolving the Key Vault references again and restarting the app."
    az rest --method post --url "$site/config/configreferences/appsettings/refresh?api-version=2022-03-01" --output none >/dev/null 2>&1 || true
    az functionapp restart --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" --output none || true
    last_restart=$(date +%s)
    [ "$settled" = 1 ] && settled=2
  else
    echo "postdeploy: waiting for $url (HTTP $code, ${elapsed}s)"
  fi
  sleep 20
done
