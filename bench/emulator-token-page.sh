#!/usr/bin/env bash
# A page of 50 tokens filtered by function among N tokens (default 100,000, all of that one
# function: the largest group a filtered page can come from), and the unfiltered first page.
# The tokens come from a --seed file, so that the run takes seconds, not the minutes creating them
# through the API would. Also the emulator's VmRSS with them. Not a test.
# Usage: bench/emulator-token-page.sh [N]; env DURATION (10s), THREADS (2), CONNECTIONS (32),
#        EMULATOR_BIN (default target/release/scw-emulator).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
BIN=${EMULATOR_BIN:-target/release/scw-emulator}
[ -x "$BIN" ] || { echo "$BIN is missing: cargo build --release -p scw-emulator" >&2; exit 1; }
OUT=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$OUT"; }
trap cleanup EXIT

node -e '
  const n = Number(process.argv[1]);
  const hex = (i) => i.toString(16).padStart(12, "0");
  const fn = "00000000-0000-4000-8000-000000000002";
  const tokens = Array.from({ length: n }, (_, i) => ({ id: `10000000-0000-4000-8000-${hex(i)}`, function_id: fn }));
  const seed = { namespaces: [{ id: "00000000-0000-4000-8000-000000000001", name: "bench",
    functions: [{ id: fn, name: "hello", privacy: "private" }] }], tokens };
  process.stdout.write(JSON.stringify(seed));
' "$N" >"$OUT/seed.json"

"$BIN" --port 0 --seed "$OUT/seed.json" >"$OUT/ready" 2>/dev/null &
PID=$!
for _ in $(seq 600); do [ -s "$OUT/ready" ] && break; sleep 0.1; done
[ -s "$OUT/ready" ] || { echo "no ready line" >&2; exit 1; }
field() { node -p "JSON.parse(require('fs').readFileSync('$OUT/ready', 'utf8'))['$1']"; }
BASE="$(field api_url)/functions/v1beta1/regions/$(field region)/tokens"
KEY=$(field secret_key)
FUNCTION=$(field function_id)
TOTAL=$(curl -s -H "X-Auth-Token: $KEY" "$BASE?function_id=$FUNCTION&page_size=1" | node -p 'JSON.parse(require("fs").readFileSync(0)).total_count')
RSS=$(awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$PID/status")
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $TOTAL tokens of one function; VmRSS $RSS MB"
echo "| wrk -t$THREADS -c$CONNECTIONS -d$DURATION | requests/s | p99 latency |"
echo "|---|---:|---:|"
for query in "function_id=$FUNCTION&page_size=50" "page_size=50"; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "X-Auth-Token: $KEY" "$BASE?$query" >"$OUT/wrk"
  printf '| `GET .../tokens?%s` | %s | %s |\n' "${query/$FUNCTION/{id\}}" \
    "$(awk '/^Requests\/sec/ {print $2}' "$OUT/wrk")" "$(awk '$1 == "99%" {print $2}' "$OUT/wrk")"
done
