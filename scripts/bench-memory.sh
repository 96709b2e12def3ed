#!/usr/bin/env bash
# Memory per idle connection and start time with a big history (issue 7, benchmark 3).
# 1. CLIENTS wallboards connect and log in, then stay idle; (server RSS with them − RSS
#    before) / CLIENTS, for Acdesk and, in the same run, the two peers (connected only).
# 2. Server start time (process start → "listening") with RECORDS call records on disk,
#    written straight into the SQLite schema of server/storage.cpp with sqlite3.
# QUICK=1: 1,000 clients, 100,000 records.
# Usage: [QUICK=1] [CLIENTS=10000] [RECORDS=1000000] bash scripts/bench-memory.sh
source "$(dirname "$0")/bench-lib.sh"
if [[ $QUICK == 1 ]]; then CLIENTS=${CLIENTS:-1000}; RECORDS=${RECORDS:-100000}
else CLIENTS=${CLIENTS:-10000}; RECORDS=${RECORDS:-1000000}; fi
bench_build
command -v sqlite3 >/dev/null || { echo "bench-memory: needs sqlite3" >&2; exit 1; }
python3 "$ROOT/bench/loadgen/make_config.py" "$WORK/config.json" --agents 100

table=$WORK/table.md
{
  echo "| server | idle connections | RSS before KiB | RSS with them KiB | per connection KiB |"
  echo "|---|---:|---:|---:|---:|"
} >"$table"
for server in acdesk ws naive-qt; do
  port=$(free_port)
  if [[ $server == acdesk ]]; then
    start_acdesk "$port" "$WORK/config.json" "$WORK/data-idle"; peer=()
  else
    start_peer "${server%-qt}" "$port" 1000; peer=(--peer)
  fi
  measure_idle "$port" "$CLIENTS" "${peer[@]}"
  before=$IDLE_BEFORE after=$IDLE_AFTER
  per=$(python3 -c "print(f'{($after - $before) / $CLIENTS:.1f}')")
  echo "$server: $before → $after KiB, $per KiB per connection" >&2
  printf '| %s | %s | %s | %s | %s |\n' "$server" "$CLIENTS" "$before" "$after" "$per" >>"$table"
done

# Start time: create the schema with the server itself, then fill it with sqlite3.
data=$WORK/data-history
port=$(free_port)
start_acdesk "$port" "$WORK/config.json" "$data"
stop_server
now_ms=$(($(date +%s) * 1000))
days=100
t0=$(date +%s.%N)
sqlite3 "$data/acdesk.sqlite" <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $RECORDS)
INSERT INTO call_legs (call_id, leg, kind, queue, direction, caller_number, caller_name,
  priority, agent, arrived_at, leg_start, offered_at, answered_at, ended_at, wrap_up_ended_at,
  wait_ms, talk_ms, hold_ms, wrap_up_ms, cause, complete)
SELECT 'hist-' || i, 0, 'queue', 'q', 'inbound', '+4930' || (i % 100000), 'Caller ' || i, 0,
  CASE WHEN i % 10 = 0 THEN NULL ELSE 'a' || (i % 100) END,
  $now_ms - (i * $days * 86400000 / $RECORDS), $now_ms - (i * $days * 86400000 / $RECORDS),
  $now_ms - (i * $days * 86400000 / $RECORDS) + 15000,
  CASE WHEN i % 10 = 0 THEN NULL ELSE $now_ms - (i * $days * 86400000 / $RECORDS) + 18000 END,
  $now_ms - (i * $days * 86400000 / $RECORDS) + 200000,
  CASE WHEN i % 10 = 0 THEN NULL ELSE $now_ms - (i * $days * 86400000 / $RECORDS) + 230000 END,
  18000, CASE WHEN i % 10 = 0 THEN 0 ELSE 182000 END, 0, 30000,
  CASE WHEN i % 10 = 0 THEN 'caller_hangup' ELSE 'agent_hangup' END, 1
FROM n;
COMMIT;
SQL
gen=$(python3 -c "import time; print(f'{time.time() - $t0:.1f}')")
size=$(du -m "$data/acdesk.sqlite" | cut -f1)
start_times=()
for run in 1 2 3; do
  port=$(free_port)
  s=$(date +%s%N)
  "$ACDESK" server --headless --listen "127.0.0.1:$port" --data "$data" --config "$WORK/config.json" \
    >"$WORK/start.log" 2>&1 &
  SERVER_PID=$!; SERVER_PIDS+=("$SERVER_PID")
  for _ in $(seq 6000); do grep -q 'listening on' "$WORK/start.log" && break; sleep 0.005; done
  e=$(date +%s%N)
  start_times+=("$(python3 -c "print(f'{($e - $s) / 1e9:.2f}')")")
  stop_server
done
{
  echo
  echo "| call records on disk | database MiB | start → listening s (3 runs) | records today |"
  echo "|---:|---:|---:|---:|"
  echo "| $RECORDS | $size | ${start_times[*]} | $((RECORDS / days)) |"
} >>"$table"
cat "$table"
append_doc "Memory per idle connection and start time with history" \
  "$([[ $QUICK == 1 ]] && echo 'QUICK=1 ')bash scripts/bench-memory.sh (CLIENTS=$CLIENTS RECORDS=$RECORDS)" "$table" \
  "Acdesk clients are logged-in wallboards, peer clients only connected. RSS from /proc/PID/status 2 s after the last client was ready. History: $RECORDS legs over $days days (generated with sqlite3 in ${gen} s); start time includes the \"today\" rebuild from stored records. Goals: at most 8 KiB per idle connection; start under 1 s with 1M records."
