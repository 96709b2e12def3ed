#!/usr/bin/env bash
# Hunts timing-dependent tests: runs CTest tests again and again in a build directory
# while the machine is loaded, and stops at the first failure with its output.
#
#   bash scripts/stress-tests.sh [-b BUILD_DIR] [-n RUNS] [-R REGEX] [-L LABEL] [-j JOBS] [--no-load]
#
# BUILD_DIR defaults to build/ (build-asan/ for the sanitizer build). The load is stress-ng
# (package stress-ng) with one CPU hog per core and a memory churner, so every test runs
# with less CPU than it would alone, as on a busy CI machine. Each run's log is kept in
# BUILD_DIR/stress-logs/. Exit status: 0 when all runs passed, 1 at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=$ROOT/build
RUNS=30
REGEX=""
LABEL=""
JOBS=$(nproc)
LOAD=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    -b) BUILD=$(cd "$2" && pwd); shift 2 ;;
    -n) RUNS=$2; shift 2 ;;
    -R) REGEX=$2; shift 2 ;;
    -L) LABEL=$2; shift 2 ;;
    -j) JOBS=$2; shift 2 ;;
    --no-load) LOAD=0; shift ;;
    *) echo "usage: $0 [-b BUILD_DIR] [-n RUNS] [-R REGEX] [-L LABEL] [-j JOBS] [--no-load]" >&2; exit 2 ;;
  esac
done

if [[ $LOAD == 1 ]] && ! command -v stress-ng >/dev/null; then
  echo "stress-tests: stress-ng is missing (apt-get install stress-ng)" >&2
  exit 2
fi

args=(--output-on-failure -j "$JOBS" --timeout 600)
[[ -n $REGEX ]] && args+=(-R "$REGEX")
[[ -n $LABEL ]] && args+=(-L "$LABEL")
# The sanitizer build runs through its test preset, which sets ASAN_OPTIONS, LSAN_OPTIONS
# and UBSAN_OPTIONS exactly as scripts/sanitize.sh does.
runner=(bash -c 'cd "$0" && exec ctest "$@"' "$BUILD")
[[ $BUILD == "$ROOT/build-asan" ]] && runner=(ctest --preset asan)

loadpid=""
cleanup() { [[ -n $loadpid ]] && kill "$loadpid" 2>/dev/null || true; }
trap cleanup EXIT
if [[ $LOAD == 1 ]]; then
  stress-ng --cpu "$(nproc)" --vm 1 --vm-bytes 256M --timeout 0 --quiet &
  loadpid=$!
fi

mkdir -p "$BUILD/stress-logs"
t0=$(date +%s)
for ((i = 1; i <= RUNS; ++i)); do
  log=$BUILD/stress-logs/run-$i.log
  if "${runner[@]}" "${args[@]}" >"$log" 2>&1; then
    echo "stress-tests: run $i/$RUNS passed ($(grep -E 'tests passed' "$log" | tail -1))"
  else
    echo "stress-tests: run $i/$RUNS FAILED after $(( $(date +%s) - t0 )) s; log: $log" >&2
    grep -E 'FAIL|Failed|\*\*\*' "$log" | head -40 >&2
    exit 1
  fi
done
echo "stress-tests: $RUNS of $RUNS runs passed in $(( $(date +%s) - t0 )) s"
