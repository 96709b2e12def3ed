#!/usr/bin/env bash
# How the engine's cost grows with the floor: routing decisions per second with 1,000
# agents in 100 queues up to 10,000 agents in 1,000 queues (3 queues per agent, 5 skills,
# all seven strategies), next to the naive rescan-every-tick peer at the same size.
# Medians of RUNS (default 5) runs per size, sizes alternating. Not part of CTest.
#
#   bash scripts/bench-engine-scale.sh            # prints the table
#   RUNS=3 SIZES="1000:100 10000:1000" DECISIONS=100000 bash scripts/bench-engine-scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${ACDESK_BENCH_BUILD_DIR:-build}
RUNS=${RUNS:-5}
SIZES=${SIZES:-"1000:100 2500:250 5000:500 10000:1000"}
DECISIONS=${DECISIONS:-200000}
BIN="$BUILD/bench/engine/acdesk_bench_engine"
[ -x "$BIN" ] || cmake --build "$BUILD" --target acdesk_bench_engine >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for run in $(seq 1 "$RUNS"); do
  for size in $SIZES; do
    agents=${size%%:*}
    queues=${size##*:}
    "$BIN" "$DECISIONS" "$agents" "$queues" > "$tmp/$size.$run"
  done
done
value() { grep -F "$1" "$2" | awk '{print $NF}'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "Command: RUNS=$RUNS SIZES=\"$SIZES\" DECISIONS=$DECISIONS bash scripts/bench-engine-scale.sh"
echo "Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
echo
echo "| agents | queues | engine decisions/s | naive peer decisions/s | engine ÷ naive | engine calls/s | stats snapshot µs | agents snapshot µs |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for size in $SIZES; do
  agents=${size%%:*}
  queues=${size##*:}
  col() { for run in $(seq 1 "$RUNS"); do value "$1" "$tmp/$size.$run"; done | median; }
  d=$(col "engine routing decisions/s")
  n=$(col "naive rescan-every-tick peer decisions/s")
  c=$(col "engine calls/s")
  s=$(col "stats snapshot, all queues")
  a=$(col "agents snapshot, all agents")
  ratio=$(awk -v d="$d" -v n="$n" 'BEGIN {printf "%.2f", d / n}')
  printf '| %s | %s | %.0f | %.0f | %s | %.0f | %s | %s |\n' "$agents" "$queues" "$d" "$n" "$ratio" "$c" "$s" "$a"
done
