#!/usr/bin/env bash
# Sanitizer suite and fuzzing (issue 7), run by `scripts/acdesk.sh test` after the normal
# tests. Two parts, both fail on any finding:
#   asan  the `asan` preset of CMakePresets.json: a second build of everything, GUI included
#         (gcc, ASan + UBSan, Debug at -O1) in build-asan, and the whole CTest suite under
#         it with leak detection on; UBSan does not recover. By hand:
#         cmake --preset asan && cmake --build --preset asan && ctest --preset asan
#   fuzz  the libFuzzer targets of tests/fuzz (clang, -fsanitize=fuzzer,address,undefined)
#         in build-fuzz, each for FUZZ_SECONDS on a corpus seeded from tests/data:
#         the envelope and request decoders, the server-message decoder, the config
#         parser, and the server's dispatch path with a session in each role plus the
#         same bytes raw on the wire (request head or WebSocket frames; extra seeds in
#         tests/fuzz/seeds/wire); and the SIP gateway's input path, each input one UDP
#         datagram to a live gateway core (seeds in tests/fuzz/seeds/sip).
# Environment: SANITIZE_STEPS="asan fuzz" (default both), FUZZ_RUNS (200000), FUZZ_SEED (1), FUZZ_SECONDS (cap, 60),
# ACDESK_FUZZ_BUILD_DIR, ACDESK_JOBS. The asan build directory is the preset's (build-asan).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
FUZZ_BUILD=${ACDESK_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
JOBS=${ACDESK_JOBS:-$(nproc)}
STEPS=${SANITIZE_STEPS:-asan fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_RUNS=${FUZZ_RUNS:-200000}
FUZZ_SEED=${FUZZ_SEED:-1}
export CCACHE_DIR=${CCACHE_DIR:-$ROOT/.cache/ccache}
t0=$(date +%s)

if [[ " $STEPS " == *" asan "* ]]; then
  # Configured every time (a second or two): a changed preset reaches an existing build-asan.
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j "$JOBS"
  tb=$(date +%s)
  # The test preset sets ASAN_OPTIONS, LSAN_OPTIONS (suppressions of Qt's own leaks in
  # tests/sanitizers/lsan.supp) and UBSAN_OPTIONS; a leak in our code fails like any other
  # finding.
  # Every test, on both transports, but the Qt Quick tests' epoll runs (label epoll-quick:
  # the views do not see the transport, and under ASan each costs half a minute).
  ctest --preset asan -j "$JOBS" -LE epoll-quick
  echo "sanitize: asan+ubsan suite passed (build $(( tb - t0 )) s, tests $(( $(date +%s) - tb )) s)"
fi

if [[ " $STEPS " == *" fuzz "* ]]; then
  t1=$(date +%s)
  if ! command -v clang++-14 >/dev/null && ! command -v clang++ >/dev/null; then
    echo "sanitize: clang is missing (scripts/setup-deps.sh with ACDESK_WITH_BROWSER=1 installs it)" >&2
    exit 1
  fi
  CLANG=$(command -v clang++-14 || command -v clang++)
  if [[ ! -f "$FUZZ_BUILD/build.ninja" ]]; then
    cmake -S "$ROOT/tests/fuzz" -B "$FUZZ_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_CXX_COMPILER="$CLANG" >/dev/null
  fi
  cmake --build "$FUZZ_BUILD" -j "$JOBS"
  rm -rf "$FUZZ_BUILD/seeds"
  python3 "$ROOT/tests/fuzz/split_corpus.py" "$ROOT/tests/data" "$FUZZ_BUILD/seeds"
  # fuzz_dispatch keeps a live server whose state grows with every call the inputs
  # create; ASan's default 256 MiB quarantine on top would reach the RSS limit.
  export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:quarantine_size_mb=64
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # fuzz_dispatch runs once per transport (qt, the default, and epoll).
  for pair in fuzz_requests:requests fuzz_server_messages:server_messages fuzz_config:config \
    fuzz_dispatch:requests fuzz_dispatch@epoll:requests fuzz_sip:sip; do
    run=${pair%%:*}
    target=${run%@*}
    transport=qt
    [[ $run == *@* ]] && transport=${run#*@}
    seeds=$FUZZ_BUILD/seeds/${pair##*:}
    extra=()
    [[ $target == fuzz_dispatch ]] && extra=("$ROOT/tests/fuzz/seeds/wire")
    [[ $target == fuzz_sip ]] && seeds=$ROOT/tests/fuzz/seeds/sip
    corpus=$FUZZ_BUILD/corpus/${pair##*:}
    mkdir -p "$corpus" "$FUZZ_BUILD/crashes"
    # The corpus grows across runs in the build dir; the seeds are always added. Frames
    # above 64 KiB are refused by the server before decoding, so -max_len stays below.
    echo "sanitize: $run: $FUZZ_RUNS runs from seed $FUZZ_SEED (at most ${FUZZ_SECONDS}s, dispatch 0.6 of it)"
    # A fixed seed and run count make CI repeatable: the same inputs every time, so a red
    # run is a real finding, not luck; FUZZ_SECONDS caps the time on a slow machine.
    # The dispatch target runs once per transport: each gets 0.6 of the cap, so that both
    # together cost about what one run did before the second transport came (CI time).
    seconds=$FUZZ_SECONDS
    [[ $target == fuzz_dispatch ]] && seconds=$(( FUZZ_SECONDS * 6 / 10 ))
    if ! ACDESK_TRANSPORT=$transport "$FUZZ_BUILD/$target" -seed="$FUZZ_SEED" -runs="$FUZZ_RUNS" \
      -max_total_time="$seconds" -max_len=8192 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$FUZZ_BUILD/crashes/$run-" \
      "$corpus" "$seeds" "${extra[@]}" >"$FUZZ_BUILD/$run.log" 2>&1; then
      tail -n 60 "$FUZZ_BUILD/$run.log" >&2
      echo "sanitize: $run FAILED (ACDESK_TRANSPORT=$transport); reproducer in $FUZZ_BUILD/crashes/" >&2
      exit 1
    fi
    grep -aE '^stat::number_of_executed_units|^stat::peak_rss_mb' "$FUZZ_BUILD/$run.log" | tr '\n' ' '
    echo
  done
  echo "sanitize: fuzzing passed in $(( $(date +%s) - t1 )) s"
fi
echo "sanitize: total $(( $(date +%s) - t0 )) s"
