#!/usr/bin/env bash
# Screenshots of the supervisor console for the docs, from a real window under xvfb-run:
#   scripts/screenshots-supervisor.sh [BUILD_DIR]   (default: build; builds nothing)
# Writes docs/screenshots/supervisor.png (the floor), report.png (today's report) and
# supervisor-worklist.png, supervisor-audit.png and supervisor-admin.png. The demo
# configuration (as a file, so that the administration can edit it) runs headless with the
# simulator on a free loopback port; after WARMUP seconds of traffic (default 60) the
# console signs in as boss and the app's screenshot hook (ACDESK_SCREENSHOT,
# ACDESK_SCREENSHOT_DELAY) grabs the window and quits.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
BIN="$BUILD/app/acdesk"
OUT="$ROOT/docs/screenshots"
WARMUP=${WARMUP:-60}
[[ -x "$BIN" ]] || { echo "no $BIN; build first" >&2; exit 1; }
mkdir -p "$OUT"
TMP=$(mktemp -d)
SERVER_PID=""
cleanup() { [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cp "$ROOT/resources/demo-config.json" "$TMP/acdesk.json"
"$BIN" server --headless --config "$TMP/acdesk.json" --simulate 1800 --sim-agents 5 \
  --listen "127.0.0.1:$PORT" --data "$TMP/data" \
  > "$TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do grep -q listening "$TMP/server.log" && break; sleep 0.1; done
grep -q listening "$TMP/server.log" || { echo "server did not start" >&2; cat "$TMP/server.log" >&2; exit 1; }
echo "simulating traffic for $WARMUP s"
sleep "$WARMUP"

shot() { # NAME TAB DELAY_MS
  local name=$1 tab=$2 delay=$3
  ACDESK_LANG=${ACDESK_LANG:-en} ACDESK_SCREENSHOT="$TMP/$name" ACDESK_SCREENSHOT_DELAY=$delay \
  XDG_CONFIG_HOME="$TMP/config" \
    xvfb-run -a -s "-screen 0 1600x1000x24" "$BIN" supervisor --server "ws://127.0.0.1:$PORT/ws" \
      --user boss --password demoboss --tab "$tab" >/dev/null
  local suffix=""
  [[ "${ACDESK_LANG:-en}" == en ]] || suffix="-$ACDESK_LANG"
  cp "$TMP/$name-1.png" "$OUT/$name$suffix.png"
  echo "wrote $OUT/$name$suffix.png"
}
shot supervisor floor 5000
shot report reports 5000
shot supervisor-worklist worklist 4000
shot supervisor-audit audit 4000
shot supervisor-admin admin 4000
