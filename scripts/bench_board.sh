#!/usr/bin/env bash
# The earlier benchmarks, kept for comparison with their recorded figures (scripts/bench.sh is
# the one-run summary of issue #9). They print figures, never pass/fail:
#   1. login latency and throughput (in-process, argon2id as in production);
#   2. REST task list (50 items) at 64 connections on the release build with the embedded store,
#      beside the trivial JSON health handler measured in the same run;
#   3. a 5,000-task board in Chromium: first contentful paint and time to interactive.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_build_tools
apt_install wrk curl
apt_install chromium
step "Login benchmark (release)"
cargo run --release -q -p server --example login_bench

step "Building the release site and server"
build_release
( cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null )

PORT=${BENCH_PORT:-3790}
BASE="http://127.0.0.1:$PORT"
DATA=$(mktemp -d /tmp/tm-bench-XXXX)
step "Starting the server on $BASE with the embedded store in $DATA"
TM_LISTEN="127.0.0.1:$PORT" TM_DATA_DIR="$DATA" TM_LOG=warn TM_CLIENT_IP_HEADER=x-bench-client \
  LEPTOS_SITE_ROOT="$ROOT/target/site" LEPTOS_ENV=PROD "$ROOT/target/release/taskmanager" serve &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do curl -fs "$BASE/api/v1/health/ready" >/dev/null && break; sleep 0.2; done

EMAIL="bench-$$@example.com"; PASS="a fine bench password"
TOKEN=$(curl -fs -X POST "$BASE/api/v1/auth/register" -H 'content-type: application/json' -H 'x-bench-client: 10.9.9.1' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"$PASS\",\"name\":\"Bench\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
WS=$(curl -fs -X POST "$BASE/api/v1/workspaces" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d '{"name":"Five thousand"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
step "Seeding 5,000 tasks (one CSV import)"
python3 - > "$DATA/tasks.csv" <<'PY'
import random
random.seed(7)
print("title,description,status,priority,labels,due_at")
for i in range(5000):
    st = random.choice(["todo", "todo", "in_progress", "done"])
    pr = random.choice(["low", "medium", "medium", "high", "urgent"])
    day = 1 + i % 28
    print(f"Task {i}: {random.choice(['fix','write','ship','review','plan'])} {random.choice(['login','board','docs','search','billing'])},"
          f"Details for task {i},{st},{pr},{random.choice(['bug','feature','ops'])},2026-12-{day:02d}T12:00:00Z")
PY
curl -fs -o /dev/null -w 'import: HTTP %{http_code} in %{time_total}s\n' -X POST "$BASE/api/v1/workspaces/$WS/import" \
  -H "authorization: Bearer $TOKEN" -H 'content-type: text/csv' -H 'x-bench-client: 10.9.9.2' --data-binary @"$DATA/tasks.csv"

run_wrk() {
  local label=$1 url=$2
  wrk -t2 -c64 -d10s --latency -s "$ROOT/scripts/bench/vary-client.lua" -H "authorization: Bearer $TOKEN" "$url" > "$DATA/wrk.txt"
  python3 - "$label" "$DATA/wrk.txt" <<'PY'
import re, sys
label, path = sys.argv[1], sys.argv[2]
text = open(path).read()
def lat(p):
    m = re.search(rf"^\s*{p}%\s+([\d.]+)(us|ms|s)", text, re.M)
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == "us" else v * 1000 if u == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{label}: {rps:,.0f} req/s, p50 {lat(50):.2f} ms, p90 {lat(90):.2f} ms, p99 {lat(99):.2f} ms at 64 connections"
      + (f", NON-2xx: {non2xx.group(1)}" if non2xx else ""))
PY
}
step "REST list of 50 tasks vs the trivial JSON handler (wrk, 64 connections, 10 s each)"
run_wrk "GET /api/v1/health (trivial JSON)" "$BASE/api/v1/health"
run_wrk "GET /api/v1/workspaces/{id}/tasks?limit=50" "$BASE/api/v1/workspaces/$WS/tasks?limit=50"
run_wrk "GET .../tasks?limit=50&status=done&sort=due_at" "$BASE/api/v1/workspaces/$WS/tasks?limit=50&status=done&sort=due_at"
# Pages are cached per workspace version, so the figures above are of a board nobody is
# changing. Now someone moves a card ten times a second: each move makes the next read of the
# page miss (one load, the other readers wait for it) -- the cost of the cache's misses.
TASK=$(curl -fs "$BASE/api/v1/workspaces/$WS/tasks?limit=1" -H "authorization: Bearer $TOKEN" -H 'x-bench-client: 10.9.9.3' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
(
  i=0
  while :; do
    status=$([ $((i % 2)) -eq 0 ] && echo done || echo todo); i=$((i + 1))
    curl -fs -o /dev/null -X POST "$BASE/api/v1/tasks/$TASK/move" -H "authorization: Bearer $TOKEN" \
      -H 'content-type: application/json' -H "x-bench-client: 10.9.8.$((i % 200))" -d "{\"status\":\"$status\"}" || true
    sleep 0.1
  done
) &
WRITER=$!
run_wrk "GET .../tasks?limit=50 while a card moves every 100 ms" "$BASE/api/v1/workspaces/$WS/tasks?limit=50"
kill $WRITER 2>/dev/null; wait $WRITER 2>/dev/null || true
echo "server RSS after the load: $(( $(awk '/VmRSS/ {print $2}' /proc/$SERVER/status) / 1024 )) MiB"

step "Board of 5,000 tasks in Chromium"
( cd end2end && node bench/board.mjs "$BASE" "$EMAIL" "$PASS" "$WS" )
