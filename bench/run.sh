#!/usr/bin/env bash
# What `make bench` runs once pkg/ and the release emulator are built: the client benchmark
# (bench/run.mjs: the guards, then size, per-call cost, invocation, FunctionProxy, cold start,
# memory), printed and written to bench/REPORT.md; then the emulator's wrk benchmark
# (bench/emulator-wrk.sh, about 3-4 minutes, writes bench/EMULATOR.md) unless --no-wrk is given.
# Usage: bench/run.sh [--no-wrk]    Env: see bench/run.mjs and bench/emulator-wrk.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
WRK=1
for arg in "$@"; do
  case "$arg" in
    --no-wrk) WRK=0 ;;
    *) echo "usage: bench/run.sh [--no-wrk]" >&2; exit 2 ;;
  esac
done
command -v node >/dev/null || { echo "node is missing" >&2; exit 1; }
[ -f pkg/index.js ] && [ -f pkg/scw_functions_auth_bg.wasm ] || { echo "pkg/ is not built: make build" >&2; exit 1; }
[ -x node_modules/.bin/esbuild ] && [ -d node_modules/@scaleway/sdk-function ] || { echo "node_modules incomplete: npm ci" >&2; exit 1; }
export EMULATOR_BIN=${EMULATOR_BIN:-target/release/scw-emulator}
if [ ! -x "$EMULATOR_BIN" ]; then
  cargo build --quiet --release -p scw-emulator
fi
# Measure a snapshot of pkg/: a rebuild during the run (other work in this tree) must not mix
# two builds. It must load (a copy taken mid-build would not), else retry.
SNAP=$(mktemp -d)
trap 'rm -rf "$SNAP"' EXIT
for try in 1 2 3 4 5; do
  rm -rf "$SNAP/pkg" && cp -r pkg "$SNAP/pkg"
  if node -e 'import(require("url").pathToFileURL(process.argv[1]).href)' "$SNAP/pkg/index.node.js" 2>/dev/null; then break; fi
  [ "$try" = 5 ] && { echo "pkg/ does not load (being rebuilt?)" >&2; exit 1; }
  sleep 5
done
export BENCH_PKG="$SNAP/pkg"
# Bounded: the client benchmark takes 2-5 minutes; 15 minutes means something hangs.
timeout --kill-after=10 900 node bench/run.mjs
if [ "$WRK" = 1 ]; then
  echo >&2
  bench/emulator-wrk.sh
fi
