#!/usr/bin/env bash
# The deploy rehearsal: releases on the local production topology under continuous load, each
# proven to cost users nothing. Part of the test command; runnable on its own:
#
#   scripts/rehearse_deploy.sh [--port-base P]
#
# On a topology of two instances (release v1) it runs, each under its own load run (readers,
# writers and websockets through nginx, examples/deployload.rs):
#   1. blue-green to v2;
#   2. a failed blue-green: release "broken" ships a Redis URL that answers nothing, so its green
#      instances start, run and answer 503 on readiness (as a deploy that fails its health
#      check does) until the deploy gives up on them; blue must keep serving;
#   3. rollback (blue-green to the previous release, v1);
#   4. rolling update to v2, one instance at a time.
# Each prints requests, failures and p99 during the switch, and websocket reconnects, gaps and
# duplicates; any failed request, lost or repeated event fails the rehearsal. It expects the
# release build (cargo leptos build --release).
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
set -euo pipefail
cd "$ROOT"

PORT_BASE=18700
while [ $# -gt 0 ]; do
  case "$1" in
    --port-base) PORT_BASE="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
DIR="$ROOT/target/topology-deploy"
LOAD_PID=""
cleanup() {
  [ -z "$LOAD_PID" ] || kill "$LOAD_PID" 2>/dev/null || true
  bash scripts/topology.sh down --dir "$DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true

step "Building the load client (cargo build --release --example deployload)"
cargo build --release -q -p server --features app/ssr --example deployload
LOAD_BIN="$ROOT/target/release/examples/deployload"

step "Releases: v1 and v2 (this build), broken (the same build shipping an unreachable Redis)"
# A fresh database each rehearsal: the figures are comparable from run to run.
bash scripts/topology.sh down --dir "$DIR" >/dev/null 2>&1 || true
rm -rf "$DIR"
bash scripts/topology.sh release v1 --dir "$DIR"
bash scripts/topology.sh release v2 --dir "$DIR"
bash scripts/topology.sh release broken TM_REDIS_URL=redis://127.0.0.1:9 --dir "$DIR"

step "Topology: 2 instances of v1 behind nginx"
bash scripts/topology.sh up --dir "$DIR" --port-base "$PORT_BASE" --instances 2 --release v1
# shellcheck disable=SC1091
source "$DIR/topology.env"

summary=()
# scenario NAME EXPECT(ok|fail) DEPLOY-ARGS...: one deploy under its own load run.
scenario() {
  local name="$1" expect="$2"; shift 2
  step "$name (under load)"
  local log="$DIR/logs/load-${name// /-}.log"
  "$LOAD_BIN" --url "$TOPOLOGY_URL" --ca "$TOPOLOGY_CA" > "$log" 2>&1 &
  LOAD_PID=$!
  # Load running (and every socket subscribed) before the deploy starts.
  for _ in $(seq 1 100); do grep -q "running" "$log" && break; sleep 0.1; done
  sleep 3
  local outcome=ok
  bash scripts/deploy_local.sh "$@" --dir "$DIR" --mark "$LOAD_PID" || outcome=fail
  sleep 3
  kill -TERM "$LOAD_PID"
  local load_ok=ok
  wait "$LOAD_PID" || load_ok=fail
  LOAD_PID=""
  cat "$log"
  bash scripts/deploy_local.sh status --dir "$DIR"
  [ "$outcome" = "$expect" ] || { echo "rehearsal: $name: the deploy's outcome was $outcome, expected $expect" >&2; exit 1; }
  [ "$load_ok" = ok ] || { echo "rehearsal: $name: users noticed (see above)" >&2; exit 1; }
  local switch; switch="$(grep 'during the switch window' "$log" | sed 's/deployload: during the switch window: //')"
  local sockets; sockets="$(grep 'deployload: websockets' "$log" | sed 's/deployload: //')"
  summary+=("$(printf '%-26s %s\n%-26s %s' "$name" "$switch" "" "$sockets")")
}

scenario "blue-green v1 to v2" ok bluegreen v2
[ "$(cat "$DIR/releases/current")" = v2 ] || { echo "rehearsal: v2 is not current" >&2; exit 1; }
# Green gets 12 s to turn ready (30 by default), then is stopped.
export TM_READY_SECONDS=12
scenario "failed deploy (broken)" fail bluegreen broken
unset TM_READY_SECONDS
[ "$(cat "$DIR/releases/current")" = v2 ] || { echo "rehearsal: a failed deploy changed the current release" >&2; exit 1; }
scenario "rollback to v1" ok rollback
[ "$(cat "$DIR/releases/current")" = v1 ] || { echo "rehearsal: the rollback did not bring v1 back" >&2; exit 1; }
scenario "rolling v1 to v2" ok rolling v2
[ "$(cat "$DIR/releases/current")" = v2 ] || { echo "rehearsal: rolling did not finish on v2" >&2; exit 1; }

step "Deploy rehearsal: every switch under load"
printf '%s\n' "${summary[@]}"
echo "ok: blue-green, a failed deploy, a rollback and a rolling update; no request failed, no event lost or repeated"
