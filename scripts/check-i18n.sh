#!/usr/bin/env bash
# Fails when a user-visible string has no German translation: runs lupdate over the
# sources into a scratch copy of the German file and checks that copy (scripts/check_ts.py:
# nothing unfinished, placeholders matching). The .ts files are the translations' source:
# after adding strings, run `lupdate qml core app -ts i18n/acdesk_de.ts` and translate the
# new entries in Qt Linguist (`linguist i18n/acdesk_de.ts`) or any editor.
# Usage: scripts/check-i18n.sh [LUPDATE]
set -euo pipefail
cd "$(dirname "$0")/.."
LUPDATE=${1:-/usr/lib/qt6/bin/lupdate}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp i18n/acdesk_de.ts "$tmp/acdesk_de.ts"
"$LUPDATE" -silent qml core app -ts "$tmp/acdesk_de.ts"
python3 scripts/check_ts.py "$tmp/acdesk_de.ts" i18n/acdesk_en.ts
echo "German: every string translated"
