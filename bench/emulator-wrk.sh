#!/usr/bin/env bash
# Benchmarks scw-emulator on loopback with wrk (Debian package, /usr/bin/wrk). Not a test.
#   1. the gateway with a valid token on the private function, beside
#   2. a public function (plain echo handler, no auth) measured in the same run, and their ratio;
#   3. GET token list with 1,000 tokens stored (default page of 20, and page_size=100);
#   4. resident memory (VmRSS) with 100,000 tokens stored (all but 1,000 of them of the seeded
#      function), how long creating them took, and the token list at that size: unfiltered, and a
#      page of 50 filtered by function;
#   5. token creation alone: wrk POSTing CreateToken for the seeded function.
# The emulator's per-request log lines go to /dev/null during the measured run; a second, shorter
# run with them written to a file shows what they cost (LOGCHECK=0 skips it).
# Prints a markdown table and writes it, with the date and the command, into bench/EMULATOR.md
# (between the results markers; the rest of that file is kept).
# Env: DURATION (10s), THREADS (2), CONNECTIONS (32), BULK (100000), SEED_CONCURRENCY (32),
#      LOGCHECK (1), REPORT (bench/EMULATOR.md; empty: don't write it),
#      EMULATOR_BIN (default: cargo build --release -p scw-emulator, target/release/scw-emulator).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
BULK=${BULK:-100000}
SEED_CONCURRENCY=${SEED_CONCURRENCY:-32}
LOGCHECK=${LOGCHECK:-1}
REPORT=${REPORT-bench/EMULATOR.md}
WRK=/usr/bin/wrk
COMMAND="$0${*:+ $*}"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
[ -x "$WRK" ] || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v node >/dev/null || { echo "node is missing" >&2; exit 1; }
if [ -n "${EMULATOR_BIN:-}" ]; then
  BIN=$EMULATOR_BIN # another build of the emulator, e.g. for a profile comparison
else
  cargo build --release -p scw-emulator >&2 # a no-op when the binary is up to date
  BIN=target/release/scw-emulator
fi
SEED=bench/emulator-seed.mjs

OUT=$(mktemp -d)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    # Bounded wait: SIGKILL if it does not stop within 5 s.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_emulator NAME LOG: starts it with stderr to LOG; sets EMU_PID and READY (the ready-line file).
start_emulator() {
  READY="$OUT/$1.ready"
  "$BIN" --host 127.0.0.1 --port 0 >"$READY" 2>"$2" &
  EMU_PID=$!
  PIDS+=("$EMU_PID")
  for _ in $(seq 300); do # at most 30 s (RSA key generation)
    [ "$(wc -l <"$READY")" -ge 1 ] && return 0
    kill -0 "$EMU_PID" 2>/dev/null || { echo "scw-emulator exited before its ready line" >&2; exit 1; }
    sleep 0.1
  done
  echo "scw-emulator printed no ready line within 30 s" >&2
  exit 1
}
field() { node -p "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'))[process.argv[2]]" "$1" "$2"; }
rss_mb() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
status_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@"; }

ROWS="$OUT/rows.md"
: >"$ROWS"
row() { printf '| %s | %s | %s | %s |\n' "$@" | tee -a "$ROWS"; }

# run_wrk NAME URL [HEADER [SCRIPT]]: one wrk run, one table row; sets RPS.
run_wrk() {
  local name=$1 url=$2 header=${3:-} script=${4:-}
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency)
  [ -n "$header" ] && args+=(-H "$header")
  [ -n "$script" ] && args+=(-s "$script")
  timeout 300 "$WRK" "${args[@]}" "$url" >"$OUT/wrk"
  RPS=$(awk '/^Requests\/sec/ {print $2}' "$OUT/wrk")
  local p99 errors
  p99=$(awk '$1 == "99%" {print $2}' "$OUT/wrk")
  errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$OUT/wrk")
  row "$name" "$RPS" "$p99" "$errors"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

header() {
  printf '| %s | %s | %s | %s |\n' "$1" "requests/s" "p99 latency" "errors (non-2xx, socket)" | tee -a "$ROWS"
  printf '|---|---:|---:|---:|\n' | tee -a "$ROWS"
}

# --- Main run: logs to /dev/null -------------------------------------------------------------
start_emulator main /dev/null
MAIN_PID=$EMU_PID
API=$(field "$READY" api_url)
KEY=$(field "$READY" secret_key)
FN_URL=$(field "$READY" function_url)
BASE="$API/functions/v1beta1/regions/$(field "$READY" region)"
RSS_START=$(rss_mb "$MAIN_PID")

timeout 60 node "$SEED" "$READY" setup >"$OUT/setup.json"
TOKEN=$(field "$OUT/setup.json" token)
PLAIN_URL="$API/fn/$(field "$OUT/setup.json" public_id)"
# The measured calls must really succeed (and the gateway really check).
[ "$(status_of -H "X-Auth-Token: $TOKEN" "$FN_URL")" = 200 ] || { echo "gateway refused the token" >&2; exit 1; }
[ "$(status_of "$FN_URL")" = 403 ] || { echo "gateway admitted a call without token" >&2; exit 1; }
[ "$(status_of "$PLAIN_URL")" = 200 ] || { echo "public function did not answer 200" >&2; exit 1; }

timeout 600 node "$SEED" "$READY" tokens $((1000 - 1)) "$SEED_CONCURRENCY" >"$OUT/seed1k.json"
COUNT=$(field "$OUT/seed1k.json" total_count)
echo "created $(field "$OUT/seed1k.json" created) tokens in $(field "$OUT/seed1k.json" seconds) s" >&2

header "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, logs to /dev/null"
run_wrk "(2) public function, no auth: \`GET /fn/{id}\`" "$PLAIN_URL"
PLAIN_RPS=$RPS
run_wrk "(1) private function, valid token: \`GET /fn/{id}\` + X-Auth-Token" "$FN_URL" "X-Auth-Token: $TOKEN"
GATEWAY_RPS=$RPS
GATEWAY_RATIO=$(ratio "$GATEWAY_RPS" "$PLAIN_RPS")
run_wrk "(3) token list, $COUNT tokens, default page (20)" "$BASE/tokens" "X-Auth-Token: $KEY"
run_wrk "(3) token list, $COUNT tokens, page_size=100" "$BASE/tokens?page_size=100" "X-Auth-Token: $KEY"
RSS_1K=$(rss_mb "$MAIN_PID")

timeout 1800 node "$SEED" "$READY" tokens $((BULK - COUNT)) "$SEED_CONCURRENCY" function >"$OUT/seedbulk.json"
BULK_COUNT=$(field "$OUT/seedbulk.json" total_count)
BULK_CREATED=$(field "$OUT/seedbulk.json" created)
BULK_SECONDS=$(field "$OUT/seedbulk.json" seconds)
RSS_BULK=$(rss_mb "$MAIN_PID")
run_wrk "token list, $BULK_COUNT tokens, default page (20)" "$BASE/tokens" "X-Auth-Token: $KEY"
FUNCTION_ID=$(field "$READY" function_id)
run_wrk "(4) token list filtered by function, $BULK_COUNT tokens, page_size=50" \
  "$BASE/tokens?function_id=$FUNCTION_ID&page_size=50" "X-Auth-Token: $KEY"
FILTERED_RPS=$RPS
run_wrk "private function, valid token, $BULK_COUNT tokens stored" "$FN_URL" "X-Auth-Token: $TOKEN"
cat >"$OUT/create.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"function_id":"$FUNCTION_ID"}'
LUA
run_wrk "(5) token creation: \`POST .../tokens\` (function token, JWT signed)" "$BASE/tokens" "X-Auth-Token: $KEY" "$OUT/create.lua"
CREATE_RPS=$RPS
RSS_END=$(rss_mb "$MAIN_PID")
kill "$MAIN_PID"

# --- Log cost: same two gateway calls with the per-request lines written to a file ------------
if [ "$LOGCHECK" = 1 ]; then
  LOG="$OUT/emulator.log"
  start_emulator logged "$LOG"
  timeout 60 node "$SEED" "$READY" setup >"$OUT/setup.json"
  FN_URL=$(field "$READY" function_url)
  TOKEN=$(field "$OUT/setup.json" token)
  PLAIN_URL="$(field "$READY" api_url)/fn/$(field "$OUT/setup.json" public_id)"
  echo | tee -a "$ROWS"
  header "same, logs written to a file (separate emulator)"
  run_wrk "public function, no auth" "$PLAIN_URL"
  LOGGED_PLAIN=$RPS
  run_wrk "private function, valid token" "$FN_URL" "X-Auth-Token: $TOKEN"
  LOGGED_RATIO=$(ratio "$RPS" "$LOGGED_PLAIN")
  LOG_LINES=$(wc -l <"$LOG")
  kill "$EMU_PID"
fi

{
  echo
  echo "- gateway / plain requests/s: **$GATEWAY_RATIO** (goal >= 0.8)"
  [ "$LOGCHECK" = 1 ] && echo "- with logs to a file: gateway / plain $LOGGED_RATIO; plain $LOGGED_PLAIN vs $PLAIN_RPS req/s with logs to /dev/null ($LOG_LINES log lines written)"
  echo "- a page of 50 tokens filtered by function among $BULK_COUNT: **$FILTERED_RPS requests/s** (goal >= 5,000)"
  echo "- token creation: **$CREATE_RPS tokens/s** (goal >= 1,500)"
  echo "- VmRSS: $RSS_START MB at start, $RSS_1K MB with $COUNT tokens, **$RSS_BULK MB with $BULK_COUNT tokens** (goal < 100 MB), $RSS_END MB after the creation run"
  echo "- creating $BULK_CREATED tokens through the API (POST .../tokens, $SEED_CONCURRENCY in flight, node fetch): **$BULK_SECONDS s** ($(awk -v n="$BULK_CREATED" -v s="$BULK_SECONDS" 'BEGIN {printf "%.0f", (s > 0 ? n / s : 0)}') tokens/s)"
} | tee -a "$ROWS"

if [ -n "$REPORT" ]; then
  {
    echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') with \`$COMMAND\`"
    echo "(DURATION=$DURATION THREADS=$THREADS CONNECTIONS=$CONNECTIONS BULK=$BULK SEED_CONCURRENCY=$SEED_CONCURRENCY)"
    echo "on $(nproc) CPUs ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), load average before: $LOAD_BEFORE,"
    echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- emulator Cargo.toml Cargo.lock || echo ' (emulator/ or Cargo files modified)'), binary $BIN, wrk and emulator on the same machine."
    echo
    cat "$ROWS"
  } >"$OUT/results.md"
  if [ -f "$REPORT" ] && grep -q '^<!-- results:begin -->$' "$REPORT"; then
    awk -v f="$OUT/results.md" '
      /^<!-- results:begin -->$/ {print; while ((getline l < f) > 0) print l; skip = 1; next}
      /^<!-- results:end -->$/ {skip = 0}
      !skip' "$REPORT" >"$OUT/report.md"
  else
    { echo "# scw-emulator benchmark"; echo; echo "<!-- results:begin -->"; cat "$OUT/results.md"; echo "<!-- results:end -->"; } >"$OUT/report.md"
  fi
  cat "$OUT/report.md" >"$REPORT"
  echo "written to $REPORT" >&2
fi
