#!/usr/bin/env bash
# Runs one browser test: installs playwright-core, puppeteer-core and ws from
# package-lock.json when node_modules is missing (npm ci), skips (77) when there is no
# chromium.
set -euo pipefail
cd "$(dirname "$0")"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [[ ! -x "$CHROMIUM" ]]; then
  echo "SKIP: no $CHROMIUM (scripts/setup-deps.sh installs it with ACDESK_WITH_BROWSER=1)"
  exit 77
fi
if [[ ! -d node_modules/playwright-core || ! -d node_modules/ws || ! -d node_modules/puppeteer-core ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node "${1:-wallboard.e2e.js}"
