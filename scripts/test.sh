#!/usr/bin/env bash
# The test command: provisions what the tests need on a fresh machine with the .NET SDK and Node.js (the npm
# packages: Azurite and axe-core; Debian's chromium for the browser tests), then runs every test.
# Arguments go to `dotnet test` (for example --project tests/Scheduler.Core.Tests).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules/azurite ]; then
  echo "== npm ci (Azurite, axe-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi

chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== apt-get install chromium (for the browser tests)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
  else
    echo "error: the browser tests need chromium at $chromium: run 'sudo apt-get install chromium fonts-noto-cjk', or set CHROMIUM_PATH" >&2
    exit 2
  fi
fi

exec dotnet test "$@"
