#!/usr/bin/env bash
# Start-up time of scw-emulator (launch to ready line) for each RSA key size: the seeded
# namespace's key is generated at start-up. Not a test.
# Usage: bench/emulator-startup.sh [RUNS] (default 10); EMULATOR_BIN (default target/release/scw-emulator).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-10}
BIN=${EMULATOR_BIN:-target/release/scw-emulator}
[ -x "$BIN" ] || { echo "$BIN is missing: cargo build --release -p scw-emulator" >&2; exit 1; }
READY=$(mktemp)
trap 'rm -f "$READY"' EXIT
# ready_ms BITS: milliseconds from launch to the ready line; stops the emulator.
ready_ms() {
  : >"$READY"
  local start pid
  start=$(date +%s%N)
  "$BIN" --port 0 --rsa-bits "$1" >"$READY" 2>/dev/null &
  pid=$!
  until [ -s "$READY" ]; do
    kill -0 "$pid" 2>/dev/null || { echo "scw-emulator exited before its ready line" >&2; exit 1; }
    sleep 0.005
  done
  echo $(( ($(date +%s%N) - start) / 1000000 ))
  kill "$pid"
  wait "$pid" || true
}
for bits in 2048 4096; do
  times=()
  for _ in $(seq "$RUNS"); do
    times+=("$(ready_ms "$bits")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v bits="$bits" -v runs="$RUNS" '
    { t[NR] = $1; sum += $1 }
    END { printf "--rsa-bits %s: median %d ms, mean %d ms, max %d ms (%d runs)\n", bits, t[int((NR + 1) / 2)], sum / NR, t[NR], runs }'
done
