#!/usr/bin/env bash
# Shared helpers of scripts/bench-*.sh (sourced, not run). Everything binds to loopback.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_BUILD=${ACDESK_BENCH_BUILD_DIR:-$ROOT/build-bench}
ACDESK=${ACDESK_BINARY:-$BENCH_BUILD/app/acdesk}
LOADGEN=$BENCH_BUILD/bench/loadgen/acdesk_loadgen
NAIVE_QT=$BENCH_BUILD/bench/peers/naive-qt/acdesk_peer_naive_qt
QUICK=${QUICK:-0}
WORK=$(mktemp -d /tmp/acdesk-bench.XXXXXX)
SERVER_PIDS=()

cleanup() {
  for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# A release build without the GUI, of the server, the load generator and the Qt peer.
bench_build() {
  if [[ ! -f "$BENCH_BUILD/build.ninja" ]]; then
    cmake -S "$ROOT" -B "$BENCH_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DACDESK_BUILD_GUI=OFF -DACDESK_BUILD_TESTS=OFF -DACDESK_BUILD_BENCH=ON >/dev/null
  fi
  nice cmake --build "$BENCH_BUILD" -j "${ACDESK_JOBS:-1}" \
    --target acdesk acdesk_loadgen acdesk_peer_naive_qt >/dev/null
  # 10,000 clients need 10,000 descriptors on each side.
  ulimit -n "$(ulimit -Hn)"
}

# free_port: a free TCP port on loopback.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_listen PORT: until something accepts on 127.0.0.1:PORT (20 s at most).
wait_listen() {
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench: nothing listens on port $1" >&2
  return 1
}

# start_acdesk PORT CONFIG DATADIR [TRANSPORT]: starts the server (on TRANSPORT, qt or
# epoll; without it the default, qt); sets SERVER_PID.
start_acdesk() {
  mkdir -p "$3"
  local transport=()
  [[ -n "${4:-}" ]] && transport=(--transport "$4")
  "$ACDESK" server --headless --listen "127.0.0.1:$1" --data "$3" --config "$2" "${transport[@]}" \
    >"$WORK/acdesk-$1.log" 2>&1 &
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
  wait_listen "$1"
}

# start_peer ws|naive PORT PAYLOAD_BYTES: starts a peer broadcast server; sets SERVER_PID.
start_peer() {
  if [[ $1 == ws ]]; then
    if [[ ! -d "$ROOT/bench/peers/node_modules/ws" ]]; then
      (cd "$ROOT/bench/peers" && npm install --no-audit --no-fund --silent >/dev/null)
    fi
    node "$ROOT/bench/peers/ws-broadcast.js" "$2" "$3" >"$WORK/ws-$2.log" 2>&1 &
  else
    "$NAIVE_QT" "$2" "$3" >"$WORK/naive-$2.log" 2>&1 &
  fi
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
  wait_listen "$2"
}

rss_kib() { sed -n 's/^VmRSS:\s*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }

# measure_idle PORT CLIENTS [--peer]: CLIENTS idle clients (logged-in wallboards, or plain
# connections with --peer) join the server of SERVER_PID; sets IDLE_BEFORE and IDLE_AFTER
# (server RSS in KiB without and with them) and IDLE_RATE (connections ready per second),
# then stops the server. The load generator's output stays in $WORK/idle.out.
measure_idle() {
  local port=$1 clients=$2; shift 2
  sleep 1
  IDLE_BEFORE=$(rss_kib "$SERVER_PID")
  "$LOADGEN" idle --port "$port" --clients "$clients" --hold 600 --timeout 300 "$@" \
    >"$WORK/idle.out" 2>&1 &
  local lg=$!
  for _ in $(seq 3000); do grep -q '^READY' "$WORK/idle.out" && break; sleep 0.1; done
  sleep 2
  IDLE_AFTER=$(rss_kib "$SERVER_PID")
  kill "$lg" 2>/dev/null || true; wait "$lg" 2>/dev/null || true
  stop_server
  grep -q '^READY' "$WORK/idle.out" || { echo "bench: clients not ready" >&2; cat "$WORK/idle.out" >&2; }
  IDLE_RATE=$(sed -n 's/^setup: .*(\([0-9]*\)\/s)$/\1/p' "$WORK/idle.out")
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
}

# field NAME "RESULT ..." : the value of NAME=VALUE in a loadgen RESULT line.
field() {
  tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"
}

machine() {
  echo "$(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg) at the start"
}

# append_doc TITLE COMMAND TABLE_FILE NOTES: appends a section to docs/benchmarks.md
# (BENCH_NO_DOC=1: only print).
append_doc() {
  [[ "${BENCH_NO_DOC:-0}" == 1 ]] && return 0
  {
    echo
    echo "### $1 — run of $(date -u +%Y-%m-%d\ %H:%M) UTC$([[ $QUICK == 1 ]] && echo ', QUICK mode (small counts)')"
    echo
    echo "Command: \`$2\`. Machine: $(machine)."
    echo
    cat "$3"
    [[ -n "${4:-}" ]] && { echo; echo "$4"; }
  } >>"$ROOT/docs/benchmarks.md"
}
