#!/usr/bin/env bash
# Websocket fan-out on the local production topology: 1,000 clients over 2 instances, all in
# one workspace, 200 changes at 20/s alternating the instance that commits. Prints latency
# p50/p95/p99/max (send → delivered, including the database write and the Redis hop),
# deliveries expected vs received, deliveries/s and RSS per idle connection.
#   scripts/bench_fanout.sh [--clients N] [--changes N] [--rate N] [--users N]
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
ensure_build_tools
build_release
ulimit -n 65536 2>/dev/null || true
DIR="$ROOT/target/topology-bench"
trap 'bash scripts/topology.sh down --dir "$DIR" >/dev/null 2>&1 || true' EXIT
# A fresh database each run: the benchmark's accounts, events and jobs from earlier runs would
# otherwise pile up and every run would measure a larger database than the last.
bash scripts/topology.sh down --dir "$DIR" >/dev/null 2>&1 || true
rm -rf "$DIR/surreal"
TM_LOG="${TM_LOG:-warn}" bash scripts/topology.sh up --dir "$DIR" --port-base "${BENCH_PORT_BASE:-18600}" --instances 2
# shellcheck disable=SC1091
source "$DIR/topology.env"
step "Fan-out benchmark (release build of the client: cargo run --release --example fanout)"
cargo run --release -q -p server --features app/ssr --example fanout -- \
  --app "$TOPOLOGY_APP_1_URL" --pid "$(cat "$DIR/pids/app-1.pid")" \
  --app "$TOPOLOGY_APP_2_URL" --pid "$(cat "$DIR/pids/app-2.pid")" \
  --watch "SurrealDB=$(cat "$DIR/pids/surreal.pid")" --watch "Redis=$(cat "$DIR/pids/redis.pid")" "$@"
