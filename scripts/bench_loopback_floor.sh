#!/usr/bin/env bash
# The machine's floor for the fan-out benchmark: the same pattern (N sockets, W writers each
# writing a MSG-byte message to its share at the same tick, 200 rounds at 20/s, the readers on
# the same cores) in plain C over loopback TCP: no websocket, no runtime, no database. What the
# kernel and the scheduler alone cost; scripts/bench_fanout.sh's figures are read against it.
#   scripts/bench_loopback_floor.sh [N=1000] [WRITERS=2] [READER_THREADS=2] [MSG=900]
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
apt_install gcc
out="${CARGO_TARGET_DIR:-$CACHE/target}/loopback_floor"
mkdir -p "$(dirname "$out")"
step "Building scripts/bench/loopback_floor.c"
gcc -O2 -pthread -o "$out" scripts/bench/loopback_floor.c
step "Running: ${1:-1000} sockets, ${2:-2} writers, ${3:-2} reader threads, ${4:-900}-byte messages"
"$out" "${1:-1000}" "${2:-2}" "${3:-2}" "${4:-900}"
