#!/usr/bin/env bash
# The benchmark (issue #9): builds the release, then prints in one run on this machine, on
# loopback only (docs/performance.md explains every figure and how it is taken):
#   - cold start to ready, RSS idle and under load, of the release binary on the embedded store;
#   - the SSR board page of a 200-task workspace: p50/p95/p99 and req/s;
#   - the REST task list beside a trivial axum handler (examples/trivial_http.rs) in the same
#     run, and their ratio;
#   - login throughput (examples/login_bench.rs);
#   - websocket fan-out to 1,000 clients (scripts/bench_fanout.sh, on the 2-instance topology);
#   - the wasm bundle, raw and brotli.
# It ends with a block of `key: value` lines (the unit is the end of the key) whose format
# stays stable so runs can be compared; the block is also saved in target/bench/.
#
#   scripts/bench.sh [--skip-fanout] [--no-build]
#
#   --skip-fanout  leave out the websocket fan-out (the slowest part: its own topology)
#   --no-build     run no cargo at all: use the binaries already built (a part whose binary is
#                  missing prints n/a; the fan-out, which builds, is left out)
# Environment: BENCH_BIN (the server binary, default target/release/taskmanager; setting it
# implies --no-build; hash.txt must sit beside it), BENCH_SITE (its site, default
# target/site), BENCH_EXAMPLES (directory of trivial_http and login_bench, default
# target/release/examples), BENCH_PORT (default 18800; the trivial server takes the next one),
# BENCH_SECONDS (each measured load, default 10), BENCH_WARMUP_SECONDS (default 2),
# BENCH_CONNECTIONS (default 16). Figures are comparable only at the defaults.
# shellcheck source=scripts/lib.sh disable=SC1091 # (followed with shellcheck -x)
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1

SKIP_FANOUT=0
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-fanout) SKIP_FANOUT=1; shift ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,/^# shellcheck/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

BIN="${BENCH_BIN:-$ROOT/target/release/taskmanager}"
[ -z "${BENCH_BIN:-}" ] || BUILD=0
SITE="${BENCH_SITE:-$ROOT/target/site}"
EXAMPLES="${BENCH_EXAMPLES:-$ROOT/target/release/examples}"
PORT="${BENCH_PORT:-18800}"
TRIVIAL_PORT=$((PORT + 1))
LOAD_SECONDS="${BENCH_SECONDS:-10}"
WARMUP_SECONDS="${BENCH_WARMUP_SECONDS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
TASKS=200
FANOUT_CLIENTS=1000
BASE="http://127.0.0.1:$PORT"
TRIVIAL_BASE="http://127.0.0.1:$TRIVIAL_PORT"
RUN_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
[ "$CONNECTIONS" -ge 2 ] || { echo "bench: BENCH_CONNECTIONS must be at least 2 (wrk runs 2 threads)" >&2; exit 2; }

# The results, printed in this order at the end; anything not measured stays n/a.
KEYS=(
  cpu_model mem_total_mib load_connections load_seconds tasks_seeded
  cold_start_ms rss_idle_mib rss_load_mib
  ssr_board_p50_ms ssr_board_p95_ms ssr_board_p99_ms ssr_board_rps ssr_board_errors ssr_board_bytes
  rest_list_p50_ms rest_list_p99_ms rest_list_rps rest_list_errors rest_list_bytes
  trivial_p50_ms trivial_p99_ms trivial_rps trivial_errors trivial_bytes
  rest_vs_trivial_p99_ratio rest_vs_trivial_rps_ratio
  login_rps login_p50_ms login_p99_ms
  fanout_clients fanout_p50_ms fanout_p95_ms fanout_p99_ms fanout_lost fanout_rss_per_conn_kib fanout_rss_marginal_kib fanout_heap_per_conn_kib
  wasm_raw_bytes wasm_brotli_bytes wasm_total_raw_bytes wasm_total_brotli_bytes wasm_files
)
declare -A R=()
for key in "${KEYS[@]}"; do R[$key]=n/a; done
FAILED=()
# record LINES: takes `key=value` lines (from the helper below) into the results.
record() {
  local line
  while IFS= read -r line; do
    [ -n "$line" ] && R["${line%%=*}"]="${line#*=}"
  done <<< "$1"
}
fail() { FAILED+=("$1"); printf 'bench: %s\n' "$*" >&2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tm-bench-XXXXXX")"
PIDS=()
# stop_pid PID: SIGTERM, up to 5 s to exit, then SIGKILL; and forgets it (a later cleanup must
# never signal a recycled pid).
stop_pid() {
  local pid="$1" p _ kept=()
  for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  PIDS=("${kept[@]}")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Parsing and arithmetic, in one place: `python3 "$HELPER" COMMAND ARGS...` prints key=value lines.
HELPER="$WORK/helper.py"
cat > "$HELPER" <<'PY'
import glob, http.client, json, os, re, subprocess, sys, urllib.parse

def out(key, value):
    print(f"{key}={value}")

def wrk(name, path):
    text = open(path).read()
    m = re.search(r"^BENCH_JSON (\{.*\})$", text, re.M)
    if not m:
        sys.exit(f"{name}: no result from wrk:\n{text}")
    j = json.loads(m.group(1))
    secs = j["duration_us"] / 1e6
    out(f"{name}_p50_ms", f"{j['p50_us'] / 1000:.2f}")
    if name == "ssr_board":
        out(f"{name}_p95_ms", f"{j['p95_us'] / 1000:.2f}")
    out(f"{name}_p99_ms", f"{j['p99_us'] / 1000:.2f}")
    out(f"{name}_rps", f"{j['requests'] / secs:.0f}")
    out(f"{name}_errors", j["status"] + j["connect"] + j["read"] + j["write"] + j["timeout"])

def ratio(real_p99, trivial_p99, real_rps, trivial_rps):
    out("rest_vs_trivial_p99_ratio", f"{float(real_p99) / float(trivial_p99):.2f}")
    out("rest_vs_trivial_rps_ratio", f"{float(real_rps) / float(trivial_rps):.2f}")

def rss_max(path):
    values = [int(v) for v in open(path).read().split() if v.isdigit()]
    if not values:
        sys.exit("no RSS samples")
    out("rss_load_mib", f"{max(values) / 1024:.1f}")

def seed(base, tasks):
    """A user, a workspace and TASKS tasks spread over its columns, through the REST API.
    Every request names its own client (x-bench-client) so the per-client limits never apply."""
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    calls = 0
    def call(method, path, body, token=None):
        nonlocal calls
        calls += 1
        headers = {"content-type": "application/json",
                   "x-bench-client": f"10.77.{calls // 250}.{calls % 250}"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        conn.request(method, path, body=json.dumps(body), headers=headers)
        res = conn.getresponse()
        data = res.read()
        if res.status >= 300:
            sys.exit(f"seeding: {method} {path} answered {res.status}: {data[:300]!r}")
        return json.loads(data) if data else None
    user = call("POST", "/api/v1/auth/register",
                {"email": f"bench-{os.getpid()}@example.com", "password": "a fine bench password",
                 "name": "Bench"})
    token = user["access_token"]
    ws = call("POST", "/api/v1/workspaces", {"name": "Bench board"}, token)
    columns = [c["key"] for c in ws["columns"]]
    verbs = ["fix", "write", "ship", "review", "plan"]
    things = ["login", "board", "docs", "search", "billing"]
    for i in range(int(tasks)):
        call("POST", f"/api/v1/workspaces/{ws['id']}/tasks", {
            "title": f"Task {i}: {verbs[i % 5]} {things[(i // 5) % 5]}",
            "description": f"Details for task {i}",
            "status": columns[i % len(columns)],
            "priority": ["low", "medium", "medium", "high", "urgent"][i % 5],
            "labels": [["bug", "feature", "ops"][i % 3]],
            "due_at": f"2026-12-{1 + i % 28:02d}T12:00:00Z",
        }, token)
    out("token", token)
    out("workspace", ws["id"])

def list_items(path):
    out("items", len(json.load(open(path))["items"]))

def login(path):
    text = open(path).read()
    rate = re.search(r"throughput: ([\d.]+) logins/s", text)
    lat = re.search(r"latency ms: p50 ([\d.]+)\s+p90 [\d.]+\s+p99 ([\d.]+)", text)
    if not (rate and lat):
        sys.exit("login_bench printed no throughput/latency line")
    out("login_rps", f"{float(rate.group(1)):.0f}")
    out("login_p50_ms", f"{float(lat.group(1)):.2f}")
    out("login_p99_ms", f"{float(lat.group(2)):.2f}")

def fanout(path):
    text = open(path).read()
    lat = re.search(r"^latency \(send[^\n]*?p50 ([\d.]+)\s+p95 ([\d.]+)\s+p99 ([\d.]+)", text, re.M)
    lost = re.search(r"^deliveries: expected \d+, received \d+, unexpected versions \d+, lost (\d+)", text, re.M)
    if not (lat and lost):
        sys.exit("fanout printed no latency/deliveries line")
    out("fanout_p50_ms", f"{float(lat.group(1)):.2f}")
    out("fanout_p95_ms", f"{float(lat.group(2)):.2f}")
    out("fanout_p99_ms", f"{float(lat.group(3)):.2f}")
    out("fanout_lost", lost.group(1))
    per_conn = re.search(r"per idle connection KiB: ([\d. /]+)$", text, re.M)
    if per_conn:
        out("fanout_rss_per_conn_kib", f"{max(float(v) for v in per_conn.group(1).split('/')):.1f}")
    marginal = re.search(r"per idle connection over the second half KiB: ([\d. /]+)$", text, re.M)
    if marginal:
        out("fanout_rss_marginal_kib", f"{max(float(v) for v in marginal.group(1).split('/')):.1f}")
    heap = re.search(r"^live heap KiB per instance [^\n]*; per idle connection KiB: ([\d. /-]+) \(", text, re.M)
    if heap:
        out("fanout_heap_per_conn_kib", f"{max(float(v) for v in heap.group(1).split('/')):.1f}")

def wasm(site, hash_file):
    """The entry bundle (named in hash.txt beside the binary) and every wasm of the same build
    (split chunks: written within 10 minutes of the entry; older ones are left-overs)."""
    files = glob.glob(os.path.join(site, "pkg", "**", "*.wasm"), recursive=True)
    if not files:
        sys.exit(f"no .wasm under {site}/pkg")
    entry = None
    if os.path.isfile(hash_file):
        for line in open(hash_file):
            key, _, value = line.partition(":")
            if key.strip() == "wasm":
                named = [f for f in files if os.path.basename(f).endswith(f".{value.strip()}.wasm")]
                entry = named[0] if named else None
    if entry is None:
        entry = max(files, key=os.path.getmtime)
    def brotli_size(f):
        # precompress_site's copy (brotli -q 11), unless it predates the file; else made here.
        br = f + ".br"
        if os.path.isfile(br) and os.path.getmtime(br) >= os.path.getmtime(f) - 5:
            return os.path.getsize(br)
        return len(subprocess.run(["brotli", "-c", "-q", "11", f], check=True,
                                  capture_output=True).stdout)
    build = [f for f in files if abs(os.path.getmtime(f) - os.path.getmtime(entry)) <= 600]
    out("wasm_raw_bytes", os.path.getsize(entry))
    out("wasm_brotli_bytes", brotli_size(entry))
    out("wasm_total_raw_bytes", sum(os.path.getsize(f) for f in build))
    out("wasm_total_brotli_bytes", sum(brotli_size(f) for f in build))
    out("wasm_files", len(build))

commands = {"wrk": wrk, "ratio": ratio, "rss_max": rss_max, "seed": seed, "items": list_items,
            "login": login, "fanout": fanout, "wasm": wasm}
commands[sys.argv[1]](*sys.argv[2:])
PY

# wrk: every request names its own client (the server trusts x-bench-client here only), so the
# per-client API limit (600 a minute) is exercised but never what is measured; done() prints
# the figures as one JSON line.
LUA="$WORK/bench.lua"
cat > "$LUA" <<'LUA'
local counter = 0
request = function()
  counter = counter + 1
  wrk.headers["x-bench-client"] = "10." .. (counter % 250) .. "." .. (math.floor(counter / 250) % 250) .. ".1"
  return wrk.format(nil, nil, wrk.headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%.0f,"duration_us":%.0f,"status":%.0f,"connect":%.0f,"read":%.0f,"write":%.0f,"timeout":%.0f,"p50_us":%.0f,"p95_us":%.0f,"p99_us":%.0f,"max_us":%.0f}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
LUA

# load NAME URL [wrk options...]: a warm-up (discarded), then the measured run -> NAME_* results.
load() {
  local name="$1" url="$2" result
  shift 2
  step "$name: wrk, $CONNECTIONS connections, ${WARMUP_SECONDS} s warm-up + ${LOAD_SECONDS} s: $url"
  wrk -t2 -c"$CONNECTIONS" -d"${WARMUP_SECONDS}s" --timeout 10s -s "$LUA" "$@" "$url" >/dev/null
  wrk -t2 -c"$CONNECTIONS" -d"${LOAD_SECONDS}s" --timeout 10s -s "$LUA" "$@" "$url" > "$WORK/$name.wrk"
  grep -v '^BENCH_JSON' "$WORK/$name.wrk" | sed 's/^/  /' || true
  if result="$(python3 "$HELPER" wrk "$name" "$WORK/$name.wrk")"; then
    record "$result"
    [ "${R[${name}_errors]}" = 0 ] || fail "$name: ${R[${name}_errors]} failed requests (non-2xx/3xx or socket errors)"
  else
    fail "$name: no figures"
  fi
}

# port_free PORT: nothing listens there.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

vm_rss_kib() {
  local key value _
  while read -r key value _; do
    [ "$key" = "VmRSS:" ] && { echo "$value"; return 0; }
  done < "/proc/$1/status"
  return 1
}

# --- Build ------------------------------------------------------------------------------------
apt_install wrk curl brotli
if [ "$BUILD" = 1 ]; then
  ensure_build_tools
  build_release
  step "Building the benchmark's examples (trivial_http, login_bench)"
  cargo build --release -q -p server --features app/ssr --example trivial_http --example login_bench
else
  step "Not building (--no-build or BENCH_BIN): $BIN, site $SITE, examples in $EXAMPLES"
fi
[ -x "$BIN" ] || { echo "bench: no server binary at $BIN" >&2; exit 1; }
for port in "$PORT" "$TRIVIAL_PORT"; do
  port_free "$port" || { echo "bench: port $port is taken (set BENCH_PORT)" >&2; exit 1; }
done

R[cpu_model]="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
R[mem_total_mib]="$(awk '/^MemTotal:/ {printf "%.0f", $2 / 1024}' /proc/meminfo)"
R[load_connections]="$CONNECTIONS"
R[load_seconds]="$LOAD_SECONDS"
R[tasks_seeded]="$TASKS"

step "Wasm bundle in $SITE/pkg"
if result="$(python3 "$HELPER" wasm "$SITE" "$(dirname "$BIN")/hash.txt")"; then
  record "$result"
else
  fail "wasm: no sizes"
fi

# --- The release binary: cold start, seeding, idle memory --------------------------------------
step "Starting $BIN on $BASE (embedded SurrealKV store in a fresh directory)"
mkdir -p "$WORK/data"
started_ns="$(date +%s%N)"
env -i PATH="$PATH" HOME="$HOME" \
  TM_LISTEN="127.0.0.1:$PORT" \
  TM_DATA_DIR="$WORK/data" \
  TM_DATABASE_URL="surrealkv://$WORK/data/db" \
  TM_CLIENT_IP_HEADER=x-bench-client \
  TM_INSTANCE_ID=bench \
  TM_LOG=warn TM_LOG_FORMAT=json \
  TM_DRAIN_SECONDS=0 \
  MIMALLOC_PURGE_DELAY=0 \
  LEPTOS_SITE_ROOT="$SITE" LEPTOS_ENV=PROD \
  "$BIN" serve > "$WORK/server.log" 2>&1 &
SERVER=$!
PIDS+=("$SERVER")
until curl -fs -o /dev/null --max-time 1 "$BASE/api/v1/health/ready"; do
  if ! kill -0 "$SERVER" 2>/dev/null; then
    cat "$WORK/server.log" >&2
    echo "bench: the server exited before it was ready" >&2
    exit 1
  fi
  if [ $(( ($(date +%s%N) - started_ns) / 1000000000 )) -ge 60 ]; then
    echo "bench: the server was not ready within 60 s" >&2
    exit 1
  fi
  sleep 0.01
done
R[cold_start_ms]=$(( ($(date +%s%N) - started_ns) / 1000000 ))
echo "ready after ${R[cold_start_ms]} ms"
REVISION="$(curl -fs -D - -o /dev/null "$BASE/api/v1/health" | tr -d '\r' \
  | awk -F': ' 'tolower($1) == "x-taskmanager-revision" {print $2}')"
if [ -z "$REVISION" ] || [ "$REVISION" = unknown ]; then
  REVISION="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
fi
# A binary built here from uncommitted changes is not the commit it names.
if [ -z "${BENCH_BIN:-}" ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  REVISION="$REVISION-dirty"
fi

step "Seeding: a user, a workspace and $TASKS tasks over its columns (REST API)"
seeded="$(python3 "$HELPER" seed "$BASE" "$TASKS")"
TOKEN="$(sed -n 's/^token=//p' <<< "$seeded")"
WS="$(sed -n 's/^workspace=//p' <<< "$seeded")"
echo "workspace $WS"
sleep 2
R[rss_idle_mib]="$(awk '{printf "%.1f", $1 / 1024}' <<< "$(vm_rss_kib "$SERVER")")"
echo "RSS idle: ${R[rss_idle_mib]} MiB"

# The page and the list answer 200 with the seeded tasks before any load is measured (wrk
# counts only statuses from 400 as errors: a redirect to sign-in would pass unnoticed).
BOARD_URL="$BASE/w/$WS"
LIST_URL="$BASE/api/v1/workspaces/$WS/tasks"
read -r code bytes < <(curl -s -o "$WORK/board.html" -w '%{http_code} %{size_download}\n' \
  -H "cookie: tm_access=$TOKEN" -H 'accept: text/html' -H 'x-bench-client: 10.78.0.1' "$BOARD_URL")
if [ "$code" != 200 ] || ! grep -q 'Task 0: fix login' "$WORK/board.html"; then
  echo "bench: GET /w/$WS answered $code without the seeded tasks" >&2
  exit 1
fi
R[ssr_board_bytes]="$bytes"
read -r code bytes < <(curl -s -o "$WORK/list.json" -w '%{http_code} %{size_download}\n' \
  -H "authorization: Bearer $TOKEN" -H 'x-bench-client: 10.78.0.2' "$LIST_URL")
[ "$code" = 200 ] || { echo "bench: GET $LIST_URL answered $code" >&2; exit 1; }
R[rest_list_bytes]="$bytes"
LIST_ITEMS="$(python3 "$HELPER" items "$WORK/list.json" | sed 's/^items=//')"

# --- Load: SSR board, REST list (RSS sampled meanwhile) -----------------------------------------
( while kill -0 "$SERVER" 2>/dev/null; do vm_rss_kib "$SERVER" 2>/dev/null || true; sleep 0.1; done ) > "$WORK/rss.txt" &
SAMPLER=$!
PIDS+=("$SAMPLER")
load ssr_board "$BOARD_URL" -H "cookie: tm_access=$TOKEN" -H 'accept: text/html'
load rest_list "$LIST_URL" -H "authorization: Bearer $TOKEN"
stop_pid "$SAMPLER"
if result="$(python3 "$HELPER" rss_max "$WORK/rss.txt")"; then
  record "$result"
  echo "RSS under load (max): ${R[rss_load_mib]} MiB"
else
  fail "rss: no samples under load"
fi
stop_pid "$SERVER"

# --- The trivial axum handler, same client, same settings ---------------------------------------
if [ -x "$EXAMPLES/trivial_http" ]; then
  MIMALLOC_PURGE_DELAY=0 "$EXAMPLES/trivial_http" --listen "127.0.0.1:$TRIVIAL_PORT" --items "$LIST_ITEMS" \
    > "$WORK/trivial.log" 2>&1 &
  TRIVIAL=$!
  PIDS+=("$TRIVIAL")
  TRIVIAL_URL="$TRIVIAL_BASE/api/v1/workspaces/$WS/tasks"
  for _ in $(seq 100); do
    curl -fs -o /dev/null --max-time 1 "$TRIVIAL_URL" && break
    sleep 0.05
  done
  if R[trivial_bytes]="$(curl -fs -o /dev/null -w '%{size_download}' "$TRIVIAL_URL")"; then
    load trivial "$TRIVIAL_URL" -H "authorization: Bearer $TOKEN"
    if [ "${R[trivial_p99_ms]}" != n/a ] && [ "${R[rest_list_p99_ms]}" != n/a ]; then
      record "$(python3 "$HELPER" ratio "${R[rest_list_p99_ms]}" "${R[trivial_p99_ms]}" \
        "${R[rest_list_rps]}" "${R[trivial_rps]}")"
    fi
  else
    R[trivial_bytes]=n/a
    cat "$WORK/trivial.log" >&2
    fail "trivial_http did not answer"
  fi
  stop_pid "$TRIVIAL"
else
  fail "no $EXAMPLES/trivial_http (build it: cargo build --release -p server --example trivial_http)"
fi

# --- Login throughput (in-process, argon2id as in production) ------------------------------------
if [ -x "$EXAMPLES/login_bench" ]; then
  step "Login: examples/login_bench (32 concurrent clients, production argon2id)"
  if MIMALLOC_PURGE_DELAY=0 "$EXAMPLES/login_bench" 2>&1 | tee "$WORK/login.txt" | sed 's/^/  /' \
    && result="$(python3 "$HELPER" login "$WORK/login.txt")"; then
    record "$result"
  else
    fail "login_bench failed"
  fi
else
  fail "no $EXAMPLES/login_bench (build it: cargo build --release -p server --example login_bench)"
fi

# --- Websocket fan-out (its own topology) -------------------------------------------------------
if [ "$SKIP_FANOUT" = 1 ]; then
  step "Fan-out: skipped (--skip-fanout)"
elif [ "$BUILD" = 0 ]; then
  step "Fan-out: skipped (it builds the current tree; --no-build or BENCH_BIN given)"
else
  R[fanout_clients]="$FANOUT_CLIENTS"
  step "Fan-out: scripts/bench_fanout.sh --clients $FANOUT_CLIENTS"
  if bash scripts/bench_fanout.sh --clients "$FANOUT_CLIENTS" 2>&1 | tee "$WORK/fanout.txt" \
    && result="$(python3 "$HELPER" fanout "$WORK/fanout.txt")"; then
    record "$result"
  else
    fail "fan-out failed"
  fi
fi

# --- Results -----------------------------------------------------------------------------------
BLOCK="$WORK/results.txt"
{
  echo "== bench results (taskmanager $REVISION, $RUN_DATE, $(nproc) cores) =="
  for key in "${KEYS[@]}"; do echo "$key: ${R[$key]}"; done
  echo "== end =="
} > "$BLOCK"
echo
cat "$BLOCK"
# Saved for later comparison (only where the build cache is: never create target/ itself).
if [ -d "$ROOT/target" ]; then
  saved="target/bench/bench-$(tr -d ':-' <<< "$RUN_DATE").txt"
  mkdir -p "$ROOT/target/bench"
  cp "$BLOCK" "$ROOT/$saved"
  echo "(saved as $saved)"
fi
if [ ${#FAILED[@]} -gt 0 ]; then
  printf 'bench: %d part(s) failed or are missing:\n' "${#FAILED[@]}" >&2
  printf '  - %s\n' "${FAILED[@]}" >&2
  exit 1
fi
