#!/usr/bin/env bash
# Command 2: install what is missing, then run every check and test:
# fmt, clippy (server and wasm builds), the release build, the Rust tests (black-box tests on
# the real app, real Redis servers started by the tests), and Playwright in Debian's Chromium.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

started=$(date +%s)
timings=()
timed() {
  local name="$1"; shift
  local t0; t0=$(date +%s)
  step "$name"
  "$@"
  timings+=("$(printf '%-34s %5ss' "$name" "$(( $(date +%s) - t0 ))")")
}

apt_install redis-server nginx openssl chromium brotli curl ca-certificates python3 python3-pip
# The SurrealDB server the multi-instance tests run against (built once per machine, cached):
# on a machine without it, its build runs in the background from here until the Rust tests
# need it, beside the tools' installs, the checks and the app's build.
start_surreal_build
ensure_build_tools
# The API tests start this same binary (their default path must match SURREAL_BIN). Not a TM_
# name: the app rejects unknown TM_* settings, and Playwright's web server inherits this env.
export TEST_SURREAL_BIN="$SURREAL_BIN"

step "Installing the Playwright runner (npm ci in end2end/, no browser download: Debian's Chromium is used)"
(cd end2end && npm ci --no-audit --no-fund)

step "Installing the OpenAPI validator (PyPI openapi-spec-validator)"
python3 -c 'import openapi_spec_validator' 2>/dev/null \
  || python3 -m pip install --quiet openapi-spec-validator 2>/dev/null \
  || python3 -m pip install --quiet --break-system-packages openapi-spec-validator

step "Installing moto's S3 server (PyPI moto[server]: S3-compatible attachment storage is tested against it)"
python3 -c 'import moto.server' 2>/dev/null \
  || python3 -m pip install --quiet 'moto[server]' 2>/dev/null \
  || python3 -m pip install --quiet --break-system-packages 'moto[server]'

SSR_PACKAGES=(-p domain -p service -p app -p server)
timed "cargo fmt --check" cargo fmt --all -- --check
# Alert rules proven by promtool unit tests, Alertmanager routing and inhibition, dashboards
# and log shipping checked against the metrics catalogue (installs Debian's prometheus and
# prometheus-alertmanager when missing).
timed "ops config: promtool, amtool, dashboards" bash scripts/check_ops.sh
# The release pipeline's files, checked offline with the real tools: the GitHub workflows
# (actionlint, the workflow schema, shellcheck of every run: block, yamllint, the k6 script's
# syntax), the compose files (compose-spec schema, docker-compose config, structural rules) and
# fly.toml.
timed "pipeline: actionlint, schema, shellcheck" bash scripts/check_workflows.sh
timed "deploy configs: compose, fly.toml" bash scripts/check_deploy_config.sh
timed "clippy: server (ssr)" cargo clippy "${SSR_PACKAGES[@]}" --all-targets --features app/ssr -- -D warnings
timed "clippy: wasm (hydrate)" cargo clippy -p frontend -p app -p domain --target wasm32-unknown-unknown --features app/hydrate -- -D warnings
timed "wasm build has no server crates" bash -c '
  for crate in surrealdb redis axum argon2 tokio-tungstenite; do
    if cargo tree -p frontend --target wasm32-unknown-unknown -e normal -i "$crate" >/dev/null 2>&1; then
      echo "the wasm build pulls in $crate" >&2; exit 1
    fi
  done
  echo "ok: no surrealdb, redis, axum or argon2 in the wasm dependency tree"'
timed "release build (cargo leptos build --release --split, precompressed bundles)" build_release
timed "wasm budget: the entry bundle within 250 kB brotli" bash scripts/check_wasm_budget.sh
# The OpenAPI document is generated from the code: the release binary prints it. docs/API.md is
# the contract as the repository holds it (a copy of ../shared/API.md): every path it names must
# be documented.
timed "OpenAPI: valid 3.1 and covers every API.md path" bash -c '
  set -euo pipefail
  target/release/taskmanager openapi > target/openapi.json
  python3 scripts/check_openapi.py target/openapi.json docs/API.md'
# The REST API fuzzed from that document (schemathesis, PyPI): no 5xx for any generated request,
# every answer as documented, requests outside the schema refused.
timed "API fuzz: schemathesis on every operation" bash scripts/check_api_fuzz.sh
# The production image: hadolint, the Dockerfile's runtime stage built with podman around this
# release (on a Debian base made locally: no registry here), run until ready and healthy.
timed "container image: hadolint, build, run to ready" bash scripts/image.sh
timed "SurrealDB server (built once per machine)" ensure_surreal
timed "Rust tests (release profile, shares the build above)" cargo test --release "${SSR_PACKAGES[@]}" --features app/ssr
rm -rf target/e2e-data   # the e2e server's data dir (its mail outbox is read by the specs)
timed "Playwright (release build, Chromium)" bash -c 'cd end2end && CI=1 npx playwright test'
timed "Lighthouse: installable PWA, worker and offline start URL; board performance (figures)" \
  env LH_PERF_GATE=0 bash scripts/check_lighthouse.sh
# The local production topology: SurrealDB server, Redis, two instances, nginx with TLS. The
# edge's promises are checked with curl, then two browsers pinned to different instances share
# a live board.
timed "topology: 2 instances, live board, live metrics" bash -c '
  set -euo pipefail
  dir=target/topology-ci
  trap "bash scripts/topology.sh down --dir $dir >/dev/null 2>&1 || true" EXIT
  bash scripts/topology.sh up --dir "$dir" --port-base "${TM_TOPOLOGY_PORT_BASE:-18500}"
  source "$dir/topology.env"
  expect() { [ "$2" = "$3" ] || { echo "topology: $1: expected $3, got $2" >&2; exit 1; }; }
  expect "http redirects to https" "$(curl -s -o /dev/null -w "%{http_code} %{redirect_url}" "$TOPOLOGY_HTTP_URL/w/x?y=1")" "301 $TOPOLOGY_URL/w/x?y=1"
  expect "/metrics is closed at the edge" "$(curl -sk -o /dev/null -w "%{http_code}" "$TOPOLOGY_URL/metrics")" 404
  expect "/metrics is open on an instance" "$(curl -s -o /dev/null -w "%{http_code}" "$TOPOLOGY_APP_1_URL/metrics")" 200
  expect "one HSTS header" "$(curl -skI "$TOPOLOGY_URL/" | grep -ci "^strict-transport-security")" 1
  expect "readiness through the edge" "$(curl -sk -o /dev/null -w "%{http_code}" "$TOPOLOGY_URL/api/v1/health/ready")" 200
  (cd end2end && TOPOLOGY_URL="$TOPOLOGY_URL" CI=1 npx playwright test live)
  echo "ok: edge checks passed; the live board crossed instances"
  # After real traffic (the live specs): the exposition, the dashboards against it, and a real
  # Prometheus scraping both instances and computing the recording rules.
  bash scripts/check_live_metrics.sh "$TOPOLOGY_APP_1_URL" "$TOPOLOGY_APP_2_URL"
  # The logs of that run (apps, nginx, SurrealDB, Redis) hold no password or token; the
  # browser specs sign up with "a fine password".
  bash scripts/check_logs_for_secrets.sh "$dir" "a fine password"
  # The production edge config (deploy/nginx/nginx.conf) rendered with local paths, in front
  # of instance 1.
  bash scripts/check_edge.sh "$TOPOLOGY_APP_1_URL"
  # The k6 smoke test of the pipeline, run here by the Rust load client through the edge.
  bash scripts/smoke_local.sh "$TOPOLOGY_URL" "$TOPOLOGY_CA"'
# Releases under continuous load (reads, writes, websockets through nginx): blue-green, a
# deploy whose instances never turn ready, a rollback, a rolling update. Any failed request,
# lost or repeated event fails it; it prints requests, failures and p99 during each switch.
timed "deploy rehearsal: blue-green, failed deploy, rollback, rolling" bash scripts/rehearse_deploy.sh

step "Sizes"
wasm="$(ls target/site/pkg/taskmanager*.wasm | head -n 1)"
raw=$(stat -c %s "$wasm")
br=$(brotli -c -q 11 "$wasm" | wc -c)
bin=$(stat -c %s target/release/taskmanager)
printf 'release wasm: %s bytes raw, %s bytes brotli\nserver binary: %s bytes\n' "$raw" "$br" "$bin"

step "Timings"
printf '%s\n' "${timings[@]}"
printf 'total: %ss\n' "$(( $(date +%s) - started ))"
