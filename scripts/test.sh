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

apt_install redis-server chromium brotli curl ca-certificates python3 python3-pip
ensure_build_tools

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
timed "clippy: server (ssr)" cargo clippy "${SSR_PACKAGES[@]}" --all-targets --features app/ssr -- -D warnings
timed "clippy: wasm (hydrate)" cargo clippy -p frontend -p app -p domain --target wasm32-unknown-unknown --features app/hydrate -- -D warnings
timed "wasm build has no server crates" bash -c '
  for crate in surrealdb redis axum argon2 tokio-tungstenite; do
    if cargo tree -p frontend --target wasm32-unknown-unknown -e normal -i "$crate" >/dev/null 2>&1; then
      echo "the wasm build pulls in $crate" >&2; exit 1
    fi
  done
  echo "ok: no surrealdb, redis, axum or argon2 in the wasm dependency tree"'
timed "release build (cargo leptos build --release)" cargo leptos build --release
# The OpenAPI document is generated from the code: the release binary prints it. docs/API.md is
# the contract as the repository holds it (a copy of ../shared/API.md); paths of later issues
# (notifications, webhooks) are allowed to be missing for now.
timed "OpenAPI: valid 3.1 and covers every API.md path" bash -c '
  set -euo pipefail
  target/release/taskmanager openapi > target/openapi.json
  python3 scripts/check_openapi.py target/openapi.json docs/API.md \
    --allow-missing /notifications --allow-missing "/workspaces/{id}/webhooks"'
timed "Rust tests (release profile, shares the build above)" cargo test --release "${SSR_PACKAGES[@]}" --features app/ssr
rm -rf target/e2e-data   # the e2e server's data dir (its mail outbox is read by the specs)
timed "Playwright (release build, Chromium)" bash -c 'cd end2end && CI=1 npx playwright test'

step "Sizes"
wasm="target/site/pkg/taskmanager.wasm"
raw=$(stat -c %s "$wasm")
br=$(brotli -c -q 11 "$wasm" | wc -c)
bin=$(stat -c %s target/release/taskmanager)
printf 'release wasm: %s bytes raw, %s bytes brotli\nserver binary: %s bytes\n' "$raw" "$br" "$bin"

step "Timings"
printf '%s\n' "${timings[@]}"
printf 'total: %ss\n' "$(( $(date +%s) - started ))"
