#!/usr/bin/env bash
# Unattended soak of the desktop wallboard (not in CI): the server with the simulator,
# the wallboard as a real window on a virtual X screen, and the wallboard's resident
# memory sampled every INTERVAL seconds. Memory should stay flat.
# Usage: bash scripts/soak-wallboard.sh                 30 minutes, a sample every 30 s
#        DURATION=180 INTERVAL=30 bash scripts/soak-wallboard.sh   a 3-minute run
#        WALLBOARD_ARGS=--software-renderer ...                    extra wallboard options
# Needs a build (ACDESK_BUILD_DIR, default build/) and Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN=${ACDESK_BINARY:-${ACDESK_BUILD_DIR:-$ROOT/build}/app/acdesk}
DURATION=${DURATION:-1800}
INTERVAL=${INTERVAL:-30}
RATE=${RATE:-3600}
[[ -x "$BIN" ]] || { echo "no $BIN: build first (bash scripts/acdesk.sh build)" >&2; exit 1; }
command -v Xvfb >/dev/null || { echo "Xvfb missing (apt-get install xvfb)" >&2; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

"$BIN" server --headless --listen 127.0.0.1:0 --data "$tmp/data" \
  --simulate "$RATE" --sim-agents 5 --sim-seed 7 >"$tmp/server.log" 2>&1 &
server_pid=$!
pids+=("$server_pid")
for _ in $(seq 100); do grep -q "listening on" "$tmp/server.log" && break; sleep 0.1; done
addr=$(sed -n 's/.*listening on \([0-9.]*:[0-9]*\).*/\1/p' "$tmp/server.log" | head -1)
[[ -n "$addr" ]] || { cat "$tmp/server.log" >&2; exit 1; }

# Our own X server (its display number chosen by Xvfb), so the wallboard is our direct child.
exec 3>"$tmp/display"
Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
pids+=("$!")
exec 3>&-
for _ in $(seq 100); do [[ -s "$tmp/display" ]] && break; sleep 0.1; done
display=":$(head -1 "$tmp/display")"

DISPLAY=$display XDG_CONFIG_HOME="$tmp/config" ACDESK_LANG=en \
  "$BIN" wallboard --server "ws://$addr/ws" --user tv1 --secret demotv1 --page-seconds 10 \
  ${WALLBOARD_ARGS:-} >"$tmp/wallboard.log" 2>&1 &
wall_pid=$!
pids+=("$wall_pid")

rss() { ps -o rss= -p "$1" 2>/dev/null | tr -d ' ' || echo 0; }
metric() { curl -fs "http://$addr/metrics" | sed -n "s/^acdesk_connections{role=\"wallboard\"} //p" | head -1; }

echo "acdesk wallboard soak: $DURATION s, a sample every $INTERVAL s, simulator $RATE calls/h, server $addr, X $display"
printf '%8s  %14s  %14s  %10s\n' "time s" "wallboard KiB" "server KiB" "wallboards"
start=$(date +%s)
samples=()
while :; do
  now=$(( $(date +%s) - start ))
  kill -0 "$wall_pid" 2>/dev/null || { echo "the wallboard exited:"; cat "$tmp/wallboard.log"; exit 1; }
  w=$(rss "$wall_pid"); s=$(rss "$server_pid"); c=$(metric || echo "?")
  samples+=("$w")
  printf '%8d  %14d  %14d  %10s\n' "$now" "$w" "$s" "${c:-?}"
  (( now >= DURATION )) && break
  sleep "$INTERVAL"
done

n=${#samples[@]}
first=${samples[1]:-${samples[0]}}   # the first sample after start-up settles
last=${samples[$((n - 1))]}
max=$(printf '%s\n' "${samples[@]}" | sort -n | tail -1)
half=${samples[$((n / 2))]}
echo
echo "wallboard RSS: after ${INTERVAL} s ${first} KiB, at half time ${half} KiB, at the end ${last} KiB, max ${max} KiB"
echo "growth second half: $(( last - half )) KiB; whole run after warm-up: $(( last - first )) KiB"
# CPU time of the wallboard (utime + stime, clock ticks) over the whole run, start-up included.
ticks=$(awk '{print $14 + $15}' "/proc/$wall_pid/stat" 2>/dev/null || echo 0)
echo "wallboard CPU: $(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}') s"
