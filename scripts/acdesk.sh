#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine:
#   bash scripts/acdesk.sh demo   install what is missing, build, run the demo
#   bash scripts/acdesk.sh test   install what is missing, build, run every test
#   bash scripts/acdesk.sh build  install what is missing and build
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${ACDESK_BUILD_DIR:-$ROOT/build}
JOBS=${ACDESK_JOBS:-$(nproc)}
what=${1:-demo}
shift || true

if [[ "$what" == test ]]; then
  ACDESK_WITH_BROWSER=1 bash scripts/setup-deps.sh
else
  bash scripts/setup-deps.sh
fi

export CCACHE_DIR=${CCACHE_DIR:-$ROOT/.cache/ccache}
werror=OFF
[[ "${CI:-}" == true ]] && werror=ON
if [[ ! -f "$BUILD/build.ninja" ]]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DACDESK_WERROR=$werror >/dev/null
fi
cmake --build "$BUILD" -j "$JOBS"

case "$what" in
  build) ;;
  demo) exec "$BUILD/app/acdesk" demo "$@" ;;
  test)
    cd "$BUILD"
    ctest --output-on-failure -j "$JOBS" --timeout 600 "$@"
    # Then the whole suite again in the ASan+UBSan build (asan preset) and the bounded
    # fuzz runs.
    bash "$ROOT/scripts/sanitize.sh"
    ;;
  *) echo "usage: $0 demo|test|build" >&2; exit 2 ;;
esac
