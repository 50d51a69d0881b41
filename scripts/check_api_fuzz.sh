#!/usr/bin/env bash
# The REST API fuzzed from its own OpenAPI document with schemathesis (PyPI): generated valid and
# invalid requests for every operation, then stateful sequences that follow the ids one response
# gives to the next request. It fails on any 5xx ("no endpoint answers 500 to a malformed
# request"), on a status, content type, header or body the document does not declare, and on a
# request outside the schema that is accepted (scripts/fuzz/schemathesis.toml: the checks, and
# the two operations that accept such requests on purpose). The server is the release binary on its embedded
# in-memory database, signed in with a personal API token (read and write) over a seeded
# workspace.
#
#   scripts/check_api_fuzz.sh [--bin PATH] [--seed N] [--examples N] [--max-seconds N]
#
# Each phase runs once, with --examples (FUZZ_EXAMPLES, default 100) cases per operation; with
# --max-seconds (FUZZ_MAX_SECONDS) fuzzing and stateful sequences instead repeat until that much
# time is spent. The seed is fixed by default, so a run is repeatable; pass another (or
# FUZZ_SEED) to explore.
# shellcheck source=scripts/lib.sh disable=SC1091 # followed with shellcheck -x from the repository root
source "$(dirname "$0")/lib.sh"
set -euo pipefail
cd "$ROOT"

BIN="target/release/taskmanager"
SEED="${FUZZ_SEED:-20261129}"
EXAMPLES="${FUZZ_EXAMPLES:-100}"
MAX_SECONDS="${FUZZ_MAX_SECONDS:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) BIN="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --examples) EXAMPLES="$2"; shift 2 ;;
    --max-seconds) MAX_SECONDS="$2"; shift 2 ;;
    *) sed -n "2,17p" "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
[ -x "$BIN" ] || { echo "no server binary at $BIN: build the release first (scripts/lib.sh build_release)" >&2; exit 1; }

SCHEMATHESIS_VERSION="4.32.5"
VENV="$TOOLS/schemathesis-$SCHEMATHESIS_VERSION"
if [ ! -x "$VENV/bin/st" ]; then
  step "Installing schemathesis $SCHEMATHESIS_VERSION (PyPI) into $VENV"
  python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; /usr/bin/python3 -m venv "$VENV"; }
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

WORK="$(mktemp -d)"
PORT=""
for candidate in $(seq 18950 19000); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then PORT="$candidate"; break; fi
done
[ -n "$PORT" ] || { echo "no free port in 18950-19000" >&2; exit 1; }
BASE="http://127.0.0.1:$PORT"
SERVER_PID=""
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

step "Starting $BIN on $BASE (embedded in-memory database)"
env -i PATH="$PATH" HOME="$HOME" TM_LISTEN="127.0.0.1:$PORT" TM_DATA_DIR="$WORK/data" \
  TM_DATABASE_URL=mem:// TM_CLIENT_IP_HEADER=x-fuzz-client TM_LOG=info TM_LOG_FORMAT=json \
  TM_DRAIN_SECONDS=0 LEPTOS_SITE_ROOT="$ROOT/target/site" LEPTOS_ENV=PROD \
  "$BIN" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf "$BASE/api/v1/health" >/dev/null && break; sleep 0.1; done
curl -sf "$BASE/api/v1/health" >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }

# post PATH TOKEN BODY FIELD: POSTs JSON (as client 10.255.0.x) and prints FIELD of the answer.
seeded=0
post() {
  seeded=$((seeded + 1))
  local auth=()
  [ -n "$2" ] && auth=(-H "Authorization: Bearer $2")
  curl -sf -X POST "$BASE/api/v1$1" "${auth[@]}" -H "content-type: application/json" \
    -H "origin: $BASE" -H "x-fuzz-client: 10.255.0.$seeded" -d "$3" \
    | python3 -c "import json, sys; print(json.load(sys.stdin)$4)"
}
step "Seeding: an account, a personal API token, a workspace with tasks and a comment"
access="$(post /auth/register "" '{"email":"fuzz@example.com","password":"a fine password","name":"Fuzz"}' '["access_token"]')"
token="$(post /auth/tokens "$access" '{"name":"fuzz","scopes":["read","write"]}' '["token"]')"
ws="$(post /workspaces "$token" '{"name":"Fuzzed"}' '["id"]')"
task="$(post "/workspaces/$ws/tasks" "$token" '{"title":"First","labels":["ui"]}' '["id"]')"
post "/workspaces/$ws/tasks" "$token" '{"title":"Second","priority":"high"}' '["id"]' >/dev/null
post "/tasks/$task/comments" "$token" '{"body":"A comment"}' '["id"]' >/dev/null

# Left out: deleting the account and deleting API tokens, which would sign the fuzzer out for the
# rest of the run (their authorization is covered by the Rust API tests).
budget=()
[ -n "$MAX_SECONDS" ] && budget=(--max-time "$MAX_SECONDS")
step "schemathesis: $EXAMPLES examples per operation, seed $SEED, then stateful sequences${MAX_SECONDS:+ (repeated for ${MAX_SECONDS}s)}"
status=0
SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$ROOT/scripts/fuzz" \
  "$VENV/bin/st" --config-file "$ROOT/scripts/fuzz/schemathesis.toml" run "$BASE/api/v1/openapi.json" \
  --header "Authorization: Bearer $token" \
  --exclude-path-regex '^/auth/(me|tokens/\{id\})$' \
  --seed "$SEED" --max-examples "$EXAMPLES" --generation-database none \
  "${budget[@]}" --workers 2 --max-failures 50 --no-color \
  --suppress-health-check all \
  || status=$?

step "Server log: no request failed on the server's side"
faults="$(grep -c '"status":5[0-9][0-9]' "$WORK/server.log" || true)"
errors="$(grep -c '"level":"ERROR"' "$WORK/server.log" || true)"
echo "requests answered 5xx: $faults; ERROR lines: $errors; requests served: $(grep -c '"message":"request completed"' "$WORK/server.log" || true)"
if [ "$faults" != 0 ] || [ "$errors" != 0 ]; then
  grep '"level":"ERROR"\|"status":5[0-9][0-9]' "$WORK/server.log" | head -20 >&2
  status=1
fi
curl -sf "$BASE/api/v1/health/ready" >/dev/null || { echo "the server is not ready after the run" >&2; status=1; }
[ "$status" = 0 ] && echo "ok: the API held up under schemathesis" || echo "FAILED: see above" >&2
exit "$status"
