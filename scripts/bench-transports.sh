#!/usr/bin/env bash
# The two transports side by side (issue 16): Acdesk on QWebSocketServer (qt, the default)
# and on its own epoll framing (epoll), with Node's `ws` (bench/peers/ws-broadcast.js) as
# the peer, all in the same run and in alternating order, REPEATS times; medians.
#   fan-out   N wallboards subscribed to stats, ROUNDS gw.arrive changes each: server CPU
#             per delivered message (/proc/PID/stat), for each N in COUNTS;
#   idle      CLIENTS wallboards connect, log in (Acdesk) and stay: RSS per connection,
#             and the connect rate the load generator saw (connections ready per second).
# Usage: [COUNTS="1000 5000"] [ROUNDS=20] [CLIENTS=5000] [REPEATS=5] bash scripts/bench-transports.sh
source "$(dirname "$0")/bench-lib.sh"
COUNTS=${COUNTS:-1000 5000}
ROUNDS=${ROUNDS:-20}
CLIENTS=${CLIENTS:-5000}
REPEATS=${REPEATS:-5}
SERVERS=(qt epoll ws)
bench_build
python3 "$ROOT/bench/loadgen/make_config.py" "$WORK/config.json"
results=$WORK/results.txt # lines: KIND SERVER N VALUE

# start SERVER PORT: Acdesk on that transport, or the ws peer.
start() {
  if [[ $1 == ws ]]; then
    start_peer ws "$2" "$(cat "$WORK/bytes" 2>/dev/null || echo 1000)"
  else
    start_acdesk "$2" "$WORK/config.json" "$WORK/data-$1" "$1"
  fi
}

for rep in $(seq "$REPEATS"); do
  # Alternate the order: a noisy neighbour should not always hit the same server.
  order=("${SERVERS[@]}")
  ((rep % 2 == 0)) && order=(ws epoll qt)
  for n in $COUNTS; do
    for server in "${order[@]}"; do
      port=$(free_port)
      start "$server" "$port"
      peer=()
      [[ $server == ws ]] && peer=(--peer)
      sleep 0.5
      res=$("$LOADGEN" fanout --port "$port" --clients "$n" --rounds "$ROUNDS" \
        --pid "$SERVER_PID" --timeout 300 "${peer[@]}" | grep '^RESULT' || true)
      stop_server
      # The peer sends what Acdesk sends: the size of Acdesk's stats event.
      [[ $server != ws && -n $res ]] && field bytes "$res" >"$WORK/bytes"
      echo "fanout $server $n $(field cpu_us_per_msg "$res")" | tee -a "$results" >&2
    done
  done
  for server in "${order[@]}"; do
    port=$(free_port)
    start "$server" "$port"
    peer=()
    [[ $server == ws ]] && peer=(--peer)
    measure_idle "$port" "$CLIENTS" "${peer[@]}"
    before=$IDLE_BEFORE after=$IDLE_AFTER rate=$IDLE_RATE
    echo "memory $server $CLIENTS $(python3 -c "print(f'{($after - $before) / $CLIENTS:.2f}')")" | tee -a "$results" >&2
    echo "connect $server $CLIENTS ${rate:-}" | tee -a "$results" >&2
  done
done

table=$WORK/table.md
python3 - "$results" "$REPEATS" >"$table" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if len(l.split()) == 4]
def values(kind, server, n):
    return [float(r[3]) for r in rows if r[:3] == [kind, server, n]]
def cell(vs):
    if not vs:
        return "–"
    return f"{statistics.median(vs):.2f} ({min(vs):.2f}–{max(vs):.2f})"
def ratio(kind, a, b, n):
    va, vb = values(kind, a, n), values(kind, b, n)
    if not va or not vb or statistics.median(vb) == 0:
        return "–"
    return f"{statistics.median(va) / statistics.median(vb):.2f}"
print(f"| measure | qt (QWebSocketServer, default) | epoll | Node ws | qt ÷ ws | epoll ÷ ws |")
print("|---|---:|---:|---:|---:|---:|")
keys = sorted({(r[0], r[2]) for r in rows}, key=lambda k: (k[0], int(k[1])))
names = {"fanout": "fan-out: server CPU µs per delivered message, {} wallboards",
         "memory": "memory: KiB per idle connection, {} connections",
         "connect": "connect rate: connections ready per second, {} clients"}
for kind, n in keys:
    print(f"| {names[kind].format(n)} | " + " | ".join(cell(values(kind, s, n)) for s in ("qt", "epoll", "ws"))
          + f" | {ratio(kind, 'qt', 'ws', n)} | {ratio(kind, 'epoll', 'ws', n)} |")
print(f"\nMedian of {sys.argv[2]} runs each (range in brackets), servers in alternating order.")
PY
cat "$table"
append_doc "Transports: QWebSocketServer and epoll against Node ws" \
  "bash scripts/bench-transports.sh (COUNTS=\"$COUNTS\" ROUNDS=$ROUNDS CLIENTS=$CLIENTS REPEATS=$REPEATS)" "$table" \
  "Fan-out as in bench-fanout.sh (loadgen fanout; CPU from /proc/PID/stat over all rounds ÷ messages delivered). Memory: (server RSS with the idle clients − before) ÷ clients; Acdesk's clients are logged-in wallboards, ws's only connected. Connect rate: the load generator's own figure (TCP connect, upgrade and, for Acdesk, login), limited by the load generator on the same 2 cores. Lower is better for CPU and memory, higher for the connect rate."
