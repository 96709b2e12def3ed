#!/usr/bin/env bash
# Offer latency (issue 7, benchmark 2): AGENTS agents logged in and ready (one queue, long
# talk: an agent accepts its offer and keeps the call), one gateway sending gw.arrive at
# 10 / 100 / 1,000 calls/s; latency from sending gw.arrive to call.offer at the agent.
# A fresh server per rate. Prints a table and appends it to docs/benchmarks.md.
# QUICK=1: 100 agents, 100 calls per rate.
# Usage: [QUICK=1] [AGENTS=1000] [RATES="10 100 1000"] bash scripts/bench-offer.sh
source "$(dirname "$0")/bench-lib.sh"
if [[ $QUICK == 1 ]]; then AGENTS=${AGENTS:-100}; else AGENTS=${AGENTS:-1000}; fi
RATES=${RATES:-10 100 1000}
bench_build
python3 "$ROOT/bench/loadgen/make_config.py" "$WORK/config.json" --agents "$AGENTS"
table=$WORK/table.md
{
  echo "| calls/s | agents | calls | p50 ms | p99 ms | p99.9 ms | max ms | server CPU s |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$table"
for rate in $RATES; do
  # Each agent takes one call and keeps it: calls = min(agents, rate × seconds).
  if [[ $QUICK == 1 ]]; then secs=2; else secs=20; fi
  calls=$(python3 -c "print(min($AGENTS, max(10, int($rate * $secs))))")
  port=$(free_port)
  start_acdesk "$port" "$WORK/config.json" "$WORK/data-$rate"
  res=$("$LOADGEN" offer --port "$port" --clients "$AGENTS" --rate "$rate" --calls "$calls" \
    --agent-prefix a --agent-secret pw --pid "$SERVER_PID" --timeout 300 | grep '^RESULT') ||
    echo "bench-offer: rate $rate failed: $res" >&2
  stop_server
  echo "rate $rate: $res" >&2
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$rate" "$AGENTS" "$(field offers "$res")/$calls" \
    "$(field p50_ms "$res")" "$(field p99_ms "$res")" "$(field p999_ms "$res")" \
    "$(field max_ms "$res")" "$(field server_cpu_s "$res")" >>"$table"
done
cat "$table"
append_doc "Offer latency, gw.arrive → call.offer" \
  "$([[ $QUICK == 1 ]] && echo 'QUICK=1 ')bash scripts/bench-offer.sh (AGENTS=$AGENTS RATES=\"$RATES\")" "$table" \
  "Measured by the load generator on both ends (gateway and agent connections in one process, one clock). Goal: p99 under 2 ms at 100 calls/s."
