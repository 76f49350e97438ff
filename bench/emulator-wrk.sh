#!/usr/bin/env bash
# Benchmarks scw-emulator on loopback with wrk (Debian package): the gateway with a valid token
# beside a public function (no auth) in the same run, the token list with 1,000 tokens,
# then resident memory with 100,000 tokens stored. Prints a table; not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release -p scw-emulator >&2
BIN=target/release/scw-emulator
OUT=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$OUT"' EXIT

"$BIN" --port 0 >"$OUT/ready" 2>/dev/null &
PID=$!
until [ -s "$OUT/ready" ]; do sleep 0.1; done
field() { python3 -c "import json,sys; print(json.load(open('$OUT/ready'))['$1'])"; }
API=$(field api_url); KEY=$(field secret_key); FN_URL=$(field function_url); NS=$(field namespace_id)
BASE="$API/functions/v1beta1/regions/fr-par"
api() { curl -sf -H "X-Auth-Token: $KEY" -H 'Content-Type: application/json' "$@"; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

TOKEN=$(api -X POST "$BASE/tokens" -d "{\"function_id\":\"$(field function_id)\"}" | json token)
PUBLIC_ID=$(api -X POST "$BASE/functions" -d "{\"namespace_id\":\"$NS\",\"name\":\"plain\",\"privacy\":\"public\"}" | json id)

# Creates about N tokens: 8 curl workers, each reusing one connection for its share.
create_tokens() {
  local n=$1 workers=8
  for w in $(seq "$workers"); do
    (for _ in $(seq $((n / workers))); do
      printf 'url = "%s/tokens"\nrequest = "POST"\ndata = "{\\"namespace_id\\":\\"%s\\"}"\noutput = "/dev/null"\n' "$BASE" "$NS"
    done | curl -sf -K - -H "X-Auth-Token: $KEY" -H 'Content-Type: application/json') &
  done
  wait
}

run_wrk() { # name url [header]
  local name=$1 url=$2 header=${3:-}
  local args=(-t2 -c32 -d"$DURATION" --latency)
  [ -n "$header" ] && args+=(-H "$header")
  wrk "${args[@]}" "$url" >"$OUT/wrk"
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk")
  p99=$(awk '$1 == "99%" {print $2}' "$OUT/wrk")
  printf '%-36s %12s %10s\n' "$name" "$rps" "$p99"
}

create_tokens 1000
printf '%-36s %12s %10s\n' "endpoint" "requests/s" "p99"
run_wrk "public function (no auth)" "$API/fn/$PUBLIC_ID/"
run_wrk "private function, valid token" "$FN_URL/" "X-Auth-Token: $TOKEN"
COUNT=$(api "$BASE/tokens?page_size=1" | json total_count)
run_wrk "token list ($COUNT tokens, page 1/20)" "$BASE/tokens" "X-Auth-Token: $KEY"

create_tokens $((100000 - COUNT))
COUNT=$(api "$BASE/tokens?page_size=1" | json total_count)
RSS=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
printf '%-36s %12s\n' "RSS with $COUNT tokens" "$((RSS / 1024)) MB"
