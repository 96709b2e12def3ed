#!/usr/bin/env bash
# Fails when a user-visible string has no German translation: runs lupdate over the
# sources into a scratch copy of the German file and lets scripts/i18n_de.py check it.
# Usage: scripts/check-i18n.sh [LUPDATE]
set -euo pipefail
cd "$(dirname "$0")/.."
LUPDATE=${1:-/usr/lib/qt6/bin/lupdate}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp i18n/acdesk_de.ts "$tmp/acdesk_de.ts"
"$LUPDATE" -silent qml core app -ts "$tmp/acdesk_de.ts"
python3 scripts/i18n_de.py "$tmp/acdesk_de.ts"
echo "German: every string translated"
