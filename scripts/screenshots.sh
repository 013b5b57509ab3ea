#!/usr/bin/env bash
# Makes the README's screenshots from the real pages: starts the demo centre on a dev host (with Azurite), drives
# Debian's chromium through the pages and writes docs/screenshots/*.png. Needs what the browser tests need
# (chromium at /usr/bin/chromium or CHROMIUM_PATH, and `npm ci` for Azurite and axe-core).
set -euo pipefail
cd "$(dirname "$0")/.."
SCHEDULER_SCREENSHOTS=docs/screenshots dotnet test tests/Scheduler.Browser.Tests --filter "FullyQualifiedName~ScreenshotTests"
ls -l docs/screenshots
