#!/usr/bin/env bash
# Wallboard fan-out (issue 7, benchmarks 1 and 4): N wallboards subscribed to stats, one
# gateway; ROUNDS times a gw.arrive changes the queue and every wallboard must get the
# new stats event. The same workload, driven by the same load generator in the same run,
# against two peers: Node's `ws` (bench/peers/ws-broadcast.js) and a naive
# QWebSocketServer (bench/peers/naive-qt). Prints a table and appends it to
# docs/benchmarks.md. QUICK=1: 200 and 1,000 wallboards, 5 rounds.
# Usage: [QUICK=1] [COUNTS="1000 5000 10000"] [ROUNDS=20] bash scripts/bench-fanout.sh
source "$(dirname "$0")/bench-lib.sh"
if [[ $QUICK == 1 ]]; then
  COUNTS=${COUNTS:-200 1000}; ROUNDS=${ROUNDS:-5}
else
  COUNTS=${COUNTS:-1000 5000 10000}; ROUNDS=${ROUNDS:-20}
fi
bench_build
python3 "$ROOT/bench/loadgen/make_config.py" "$WORK/config.json"
table=$WORK/table.md
{
  echo "| server | wallboards | msg bytes | arrive→last p50 ms | p99 ms | first→last p50 ms | p99 ms | msgs/s in burst | server CPU µs/msg | msgs per CPU s | Acdesk CPU/msg ÷ this | µs/msg counting every stats event |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$table"
for n in $COUNTS; do
  bytes=1000
  acdesk_cpu=
  for server in acdesk ws naive-qt; do
    port=$(free_port)
    if [[ $server == acdesk ]]; then
      start_acdesk "$port" "$WORK/config.json" "$WORK/data-$n"
      peer=()
    else
      start_peer "${server%-qt}" "$port" "$bytes"
      peer=(--peer)
    fi
    sleep 0.5
    if ! res=$("$LOADGEN" fanout --port "$port" --clients "$n" --rounds "$ROUNDS" \
        --pid "$SERVER_PID" --timeout 300 "${peer[@]}" | grep '^RESULT'); then
      echo "bench-fanout: $server at $n wallboards failed: $res" >&2
    fi
    stop_server
    echo "$server $n: $res" >&2
    [[ $server == acdesk ]] && bytes=$(field bytes "$res") && acdesk_cpu=$(field cpu_us_per_msg "$res")
    cpu=$(field cpu_us_per_msg "$res")
    ratio=$(python3 -c "a,b='$acdesk_cpu','$cpu'; print(f'{float(a)/float(b):.2f}' if a and b and float(b)>0 else '–')")
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$server" "$n" \
      "$(field bytes "$res")" "$(field last_p50_ms "$res")" "$(field last_p99_ms "$res")" \
      "$(field spread_p50_ms "$res")" "$(field spread_p99_ms "$res")" \
      "$(field burst_msgs_per_s "$res")" "$cpu" "$(field msgs_per_cpu_s "$res")" "$ratio" \
      "$(field cpu_us_per_stats_all "$res")" >>"$table"
  done
done
cat "$table"
append_doc "Wallboard fan-out against peers" \
  "$([[ $QUICK == 1 ]] && echo 'QUICK=1 ')bash scripts/bench-fanout.sh (COUNTS=\"$COUNTS\" ROUNDS=$ROUNDS)" "$table" \
  "arrive→last: from sending gw.arrive until the last wallboard has the stats event showing the new waiting count; for Acdesk it includes the contract's coalescing window (200 ms), the peers broadcast at once. first→last: the fan-out itself. Server CPU from /proc/PID/stat (utime+stime, 10 ms ticks) over all rounds, divided by the messages delivered. Last column: below 1 means Acdesk spends less CPU per message (goals: ≤ 0.67 against ws, ≤ 0.5 against naive Qt). Last column: the same CPU over every stats event the wallboards received, Acdesk's periodic 5 s events included (the peers send none)."
