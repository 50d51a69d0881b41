#!/usr/bin/env bash
# Benchmarks that print figures (never part of the pass/fail test run).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_build_tools
step "Login benchmark (release)"
cargo run --release -q -p domain -p service -p app -p server --features app/ssr --example login_bench 2>/dev/null \
  || cargo run --release -q -p server --example login_bench
