#!/usr/bin/env bash
# Desktop wallboard memory (issue 17): resident memory of the wallboard at 1920×1080 with
# the two demo queues and live simulated traffic, on Qt Quick's default renderer (OpenGL;
# under Xvfb that is Mesa's llvmpipe) and with --software-renderer, REPEATS runs each in
# alternating order, DURATION seconds each (scripts/soak-wallboard.sh); medians. The CPU
# column is the wallboard's own CPU time over the run. Not part of CTest.
# Usage: [REPEATS=5] [DURATION=60] bash scripts/bench-wallboard-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS=${REPEATS:-5}
DURATION=${DURATION:-60}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for rep in $(seq "$REPEATS"); do
  order=(gl software)
  ((rep % 2 == 0)) && order=(software gl)
  for r in "${order[@]}"; do
    args=""
    [[ $r == software ]] && args=--software-renderer
    res=$(WALLBOARD_ARGS=$args DURATION=$DURATION INTERVAL=$((DURATION / 3)) bash scripts/soak-wallboard.sh)
    end=$(sed -n 's/.*at the end \([0-9]*\) KiB.*/\1/p' <<<"$res")
    growth=$(sed -n 's/^growth second half: \(-\?[0-9]*\) KiB.*/\1/p' <<<"$res")
    cpu=$(sed -n 's/^wallboard CPU: \([0-9.]*\) s/\1/p' <<<"$res")
    echo "$r $end $growth $cpu" | tee -a "$out" >&2
  done
done
echo "Command: REPEATS=$REPEATS DURATION=$DURATION bash scripts/bench-wallboard-memory.sh"
echo
python3 - "$out" "$REPEATS" "$DURATION" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if len(l.split()) == 4]
def col(r, i):
    return [float(x[i]) for x in rows if x[0] == r]
def cell(v, scale=1, fmt="{:.1f}"):
    return f"{fmt.format(statistics.median(v) / scale)} ({fmt.format(min(v) / scale)}–{fmt.format(max(v) / scale)})" if v else "–"
print("| renderer | RSS at the end MiB | growth in the second half KiB | wallboard CPU s per run |")
print("|---|---:|---:|---:|")
for r, name in (("gl", "default (OpenGL; Mesa llvmpipe under Xvfb)"), ("software", "--software-renderer")):
    print(f"| {name} | {cell(col(r, 1), 1024)} | {cell(col(r, 2), 1, '{:.0f}')} | {cell(col(r, 3), 1, '{:.2f}')} |")
gl, sw = col("gl", 1), col("software", 1)
if gl and sw:
    print(f"\nMedian of {sys.argv[2]} runs of {sys.argv[3]} s each (range in brackets); software ÷ default memory: {statistics.median(sw) / statistics.median(gl):.2f}.")
PY
