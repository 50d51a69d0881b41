#!/usr/bin/env bash
# The pipeline's smoke load test (deploy/k6/smoke.js: 10 virtual users for 30 s, thresholds),
# run here without k6: examples/deployload.rs with 7 readers and 3 writers (each its own
# client) plus 10 websockets, for 30 s, through the edge. Fails on any failed request, a
# websocket event lost or repeated, or p95 over 500 ms (k6's threshold).
#
#   scripts/smoke_local.sh https://localhost:PORT CA.pem [SECONDS]
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
set -euo pipefail
cd "$ROOT"
URL="${1:?usage: scripts/smoke_local.sh https://host:port ca.pem [seconds]}"
CA="${2:?the CA certificate that signed the certificate of the edge}"
SECONDS_TO_RUN="${3:-30}"
step "Smoke load: 10 clients and 10 websockets for ${SECONDS_TO_RUN} s against $URL"
cargo build --release -q -p server --features app/ssr --example deployload
target/release/examples/deployload --url "$URL" --ca "$CA" --readers 7 --writers 3 --sockets 10 \
  --duration "$SECONDS_TO_RUN" --max-p95-ms 500
