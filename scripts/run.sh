#!/usr/bin/env bash
# Command 1: install what is missing, build the release, and serve the app on the embedded
# database (data kept in ./data). Ctrl-C stops it gracefully.
source "$(dirname "$0")/lib.sh"

ensure_build_tools
build_release

export LEPTOS_SITE_ROOT="$ROOT/target/site"
export TM_DATA_DIR="${TM_DATA_DIR:-$ROOT/data}"
export TM_LISTEN="${TM_LISTEN:-127.0.0.1:3000}"
step "Serving on the embedded database in $TM_DATA_DIR — open http://$TM_LISTEN"
exec "$ROOT/target/release/taskmanager" serve
