#!/usr/bin/env bash
# Screenshots of both wallboards with live simulated traffic, for docs/screenshots/:
#   docs/screenshots/wallboard-desktop.png  the desktop wallboard, a real window under xvfb-run
#   docs/screenshots/wallboard-browser.png  the browser wallboard in headless chromium
# Usage: bash scripts/screenshots-wallboard.sh   (after a build; ACDESK_BUILD_DIR=build)
#        WARMUP=60 SIZE=1920x1080 to change the traffic warm-up (s) and the screen size.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN=${ACDESK_BINARY:-${ACDESK_BUILD_DIR:-$ROOT/build}/app/acdesk}
WARMUP=${WARMUP:-90}
SIZE=${SIZE:-1920x1080}
OUT=$ROOT/docs/screenshots
[[ -x "$BIN" ]] || { echo "no $BIN: build first (bash scripts/acdesk.sh build)" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "xvfb-run missing (apt-get install xvfb xauth)" >&2; exit 1; }
mkdir -p "$OUT"

tmp=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# The simulator near the 5 agents' capacity (500 calls/h, 25 s talk): queues build up and
# drain, so the board shows green, amber and red.
"$BIN" server --headless --listen 127.0.0.1:0 --data "$tmp/data" \
  --simulate "${RATE:-500}" --sim-talk 25 --sim-agents 5 --sim-seed 7 >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$tmp/server.log" && break
  sleep 0.1
done
addr=$(sed -n 's/.*listening on \([0-9.]*:[0-9]*\).*/\1/p' "$tmp/server.log" | head -1)
[[ -n "$addr" ]] || { cat "$tmp/server.log" >&2; exit 1; }
echo "server on $addr; $WARMUP s of simulated traffic first"
sleep "$WARMUP"

# Desktop: a real window on a virtual X screen; the app's screenshot hook grabs it and quits.
LANG_CODE=${ACDESK_LANG:-en}
SUFFIX=""
[[ "$LANG_CODE" == en ]] || SUFFIX="-$LANG_CODE"
XDG_CONFIG_HOME="$tmp/config" ACDESK_LANG=$LANG_CODE ACDESK_SCREENSHOT="$tmp/desktop" ACDESK_SCREENSHOT_DELAY=8000 \
  xvfb-run -a -s "-screen 0 ${SIZE}x24" \
  "$BIN" wallboard --kiosk --server "ws://$addr/ws" --user tv1 --secret demotv1
mv "$tmp/desktop-1.png" "$OUT/wallboard-desktop$SUFFIX.png"
echo "wrote $OUT/wallboard-desktop$SUFFIX.png"

# Browser: the page the server serves, in Debian's chromium.
bash -c "cd tests/web && [[ -d node_modules/playwright-core ]] || npm ci --no-audit --no-fund --loglevel=error"
node tests/web/screenshot.js "http://$addr/wallboard?lang=$LANG_CODE&user=tv1&secret=demotv1" "$OUT/wallboard-browser$SUFFIX.png" "$SIZE" 4000
echo "wrote $OUT/wallboard-browser$SUFFIX.png"
