#!/bin/sh
# azd preprovision hook (azure.yaml), before every `azd provision` and `azd up`:
# 1. Key Vault: after `azd down` this environment's vault is soft-deleted, and purge protection keeps its name
#    (fixed by subscription, environment and region) for 90 days. If it is there, provision recovers it, secrets and
#    all (AZURE_KEY_VAULT_CREATE_MODE=recover); otherwise creates it (default). Decided afresh on every run.
# 2. AZURE_PRINCIPAL_TYPE: when unset and the Azure CLI is signed in as a service principal (a pipeline), set it to
#    ServicePrincipal, so that the deployer's Key Vault role assignment is not refused as a User.
# Needs the Azure CLI signed in to the same tenant as azd (`az login`); without it, says what to do and goes on.
set -eu

env_name=${AZURE_ENV_NAME:?AZURE_ENV_NAME is not set (run through azd)}
location=$(printf '%s' "${AZURE_LOCATION:?AZURE_LOCATION is not set: azd env set AZURE_LOCATION <region>}" | tr '[:upper:]' '[:lower:]' | tr -d ' ')

if ! command -v az >/dev/null 2>&1 || ! az account show --output none >/dev/null 2>&1; then
  echo "preprovision: the Azure CLI is missing or not signed in (az login): not looking for a soft-deleted Key Vault." >&2
  echo "preprovision: if this environment was removed with 'azd down', run 'azd env set AZURE_KEY_VAULT_CREATE_MODE recover' first (docs/operations.md)." >&2
  exit 0
fi
set -- # the subscription azd deploys to, when it says
if [ -n "${AZURE_SUBSCRIPTION_ID:-}" ]; then set -- --subscription "$AZURE_SUBSCRIPTION_ID"; fi

if [ -z "${AZURE_PRINCIPAL_TYPE:-}" ] && [ "$(az account show "$@" --query user.type --output tsv)" = "servicePrincipal" ]; then
  echo "preprovision: deploying as a service principal: AZURE_PRINCIPAL_TYPE=ServicePrincipal"
  azd env set AZURE_PRINCIPAL_TYPE ServicePrincipal
fi

# The vault carries the tag azd-env-name and sits in this region; a soft-deleted vault keeps both.
deleted=$(az keyvault list-deleted --resource-type vault "$@" \
  --query "[?properties.tags.\"azd-env-name\"=='$env_name' && properties.location=='$location' && starts_with(name, 'kv-')].name | [0]" \
  --output tsv)
if [ -n "$deleted" ]; then
  echo "preprovision: Key Vault $deleted of environment $env_name is soft-deleted (azd down): provisioning recovers it with its secrets."
  azd env set AZURE_KEY_VAULT_CREATE_MODE recover
else
  azd env set AZURE_KEY_VAULT_CREATE_MODE default
fi
