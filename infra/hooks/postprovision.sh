#!/bin/sh
# azd postprovision hook (azure.yaml), after `azd provision` and before `azd deploy` in `azd up`.
# On a new environment the app's identity and its role assignments are minutes old: Azure applies new role
# assignments within minutes, and until then App Service cannot resolve the Key Vault references (it then keeps
# their literal text, and looks again only about once a day) and cannot write the deployment package to the
# deployment-package container. This waits until the identity can read the vault: it asks App Service to resolve
# the references again and reads each reference's status, until none is refused (a secret not set yet, such as the
# Twilio ones, is not waited for: /api/health names it). The same identity got its storage roles in the same
# deployment, so by then the package upload goes through as well.
# SCHEDULER_IDENTITY_WAIT_SECONDS (default 900) bounds the wait; it then goes on and infra/hooks/postdeploy.sh
# keeps watching /api/health.
set -eu

: "${AZURE_SUBSCRIPTION_ID:?}" "${AZURE_RESOURCE_GROUP:?}" "${AZURE_FUNCTION_APP_NAME:?}"
if ! command -v az >/dev/null 2>&1 || ! az account show --output none >/dev/null 2>&1; then
  echo "postprovision: the Azure CLI is missing or not signed in (az login): not waiting for the app's role assignments." >&2
  exit 0
fi
# The next provision decides again whether the vault must be recovered (infra/hooks/preprovision.sh).
azd env set AZURE_KEY_VAULT_CREATE_MODE default

site="/subscriptions/$AZURE_SUBSCRIPTION_ID/resourceGroups/$AZURE_RESOURCE_GROUP/providers/Microsoft.Web/sites/$AZURE_FUNCTION_APP_NAME"
api="api-version=2022-03-01"
limit=${SCHEDULER_IDENTITY_WAIT_SECONDS:-900}
start=$(date +%s)

while :; do
  az rest --method post --url "$site/config/configreferences/appsettings/refresh?$api" --output none >/dev/null 2>&1 || true
  sleep 20
  # One line per Key Vault reference: <setting> <status>.
  statuses=$(az rest --method get --url "$site/config/configreferences/appsettings?$api" \
    --query "value[].[id, properties.status]" --output tsv 2>/dev/null || true)
  waiting=$(printf '%s\n' "$statuses" | awk 'NF >= 1 { s = (NF >= 2 ? $2 : "pending"); n = split($1, p, "/")
    if (s != "Resolved" && s != "SecretNotFound" && s != "SecretVersionNotFound") print p[n] " (" s ")" }')
  if [ -n "$statuses" ] && [ -z "$waiting" ]; then
    printf '%s\n' "$statuses" | awk 'NF == 2 && $2 != "Resolved" { n = split($1, p, "/"); print "postprovision: Key Vault secret for " p[n] " is not set yet (" $2 "); /api/health names it until it is." }'
    echo "postprovision: the app's identity reads Key Vault."
    exit 0
  fi
  elapsed=$(( $(date +%s) - start ))
  if [ "$elapsed" -ge "$limit" ]; then
    echo "postprovision: after ${elapsed}s the Key Vault references are still not resolved: $(echo $waiting)" >&2
    echo "postprovision: going on; if the deployment fails with 403, run 'azd deploy' again in a few minutes (docs/operations.md)." >&2
    exit 0
  fi
  echo "postprovision: waiting for the app's role assignments to apply (${elapsed}s): $(echo $waiting)"
done
