#!/usr/bin/env bash
# Releases on the local production topology (scripts/topology.sh), the way production does them:
#
#   scripts/deploy_local.sh bluegreen RELEASE [--dir DIR] [--mark PID]
#       start a green instance per blue one with RELEASE, wait until each is ready, switch nginx
#       to green (graceful reload, checked through the edge), drain blue (SIGTERM: readiness
#       turns 503, sockets close with 1012 and reconnect to green, requests in flight finish),
#       stop blue. A green that is not ready in time is stopped and blue keeps serving: exit 1.
#   scripts/deploy_local.sh rolling RELEASE [--dir DIR] [--mark PID]
#       one instance at a time: out of nginx, drain, restart with RELEASE, ready, back in. An
#       instance that does not turn ready is started again on the release it had: exit 1.
#   scripts/deploy_local.sh rollback [--dir DIR] [--mark PID]
#       blue-green to the release before the current one.
#   scripts/deploy_local.sh status [--dir DIR]
#
# Releases are snapshots made by `scripts/topology.sh release NAME` (DIR/releases/NAME).
# --mark PID sends SIGUSR1 to a load generator (examples/deployload.rs) as the deploy starts and
# again when it ends (succeeded or failed), so it reports the deploy's own figures.
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1

cmd="${1:-}"
shift || true
DIR="${TM_TOPOLOGY_DIR:-$ROOT/target/topology}"
MARK=""
RELEASE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) DIR="$2"; shift 2 ;;
    --mark) MARK="$2"; shift 2 ;;
    *) RELEASE="$1"; shift ;;
  esac
done
DIR="$(cd "$DIR" 2>/dev/null && pwd)" || { echo "no topology directory $DIR" >&2; exit 1; }
# A green instance gets this long to turn ready (the migrations ran before, as fly's
# release_command runs them).
export TM_READY_SECONDS="${TM_READY_SECONDS:-30}"

say() { printf '[deploy] %s\n' "$*"; }
die() { printf '[deploy] error: %s\n' "$*" >&2; exit 1; }
topology() { bash "$ROOT/scripts/topology.sh" "$@" --dir "$DIR"; }
mark() { [ -z "$MARK" ] || kill -USR1 "$MARK" 2>/dev/null || true; }
running() { local p; p="$(cat "$DIR/pids/app-$1.pid" 2>/dev/null || true)"; [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }
release_of() { cat "$DIR/app-$1/release" 2>/dev/null || echo "build"; }
serving() { mapfile -t SERVING < <(topology serving); [ "${#SERVING[@]}" -gt 0 ] || die "nothing is serving"; }
record() {
  local now; now="$(cat "$DIR/releases/current" 2>/dev/null || true)"
  if [ -n "$now" ] && [ "$now" != "$1" ]; then echo "$now" > "$DIR/releases/previous"; fi
  echo "$1" > "$DIR/releases/current"
}
since() { local ms=$(( ($(date +%s%N) - $1) / 1000000 )); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
check_release() { [ -x "$DIR/releases/$1/taskmanager" ] || die "no release $1 (make it with scripts/topology.sh release $1)"; }

bluegreen() {
  local release="$1" started=() green=() i t0
  check_release "$release"
  serving
  local blue=("${SERVING[@]}")
  # Green takes the lowest free indices.
  i=1
  while [ "${#green[@]}" -lt "${#blue[@]}" ]; do
    if [[ " ${blue[*]} " != *" $i "* ]] && ! running "$i"; then
      green+=("$i")
    fi
    i=$((i + 1))
  done
  say "blue-green: blue is instance(s) ${blue[*]} ($(release_of "${blue[0]}")), green will be ${green[*]} ($release)"
  t0=$(date +%s%N)
  mark
  for i in "${green[@]}"; do
    if ! topology start "$i" --release "$release"; then
      say "green instance $i did not turn ready: stopping green; blue keeps serving"
      for s in "${started[@]}" "$i"; do topology kill "$s" >/dev/null 2>&1 || true; done
      mark
      say "deploy of $release FAILED: production is unchanged (blue ${blue[*]} on $(release_of "${blue[0]}"))"
      return 1
    fi
    started+=("$i")
  done
  say "green ready in $(since "$t0") s; switching nginx"
  topology route "${green[@]}"
  say "draining blue (SIGTERM: sockets told to reconnect, requests in flight finish)"
  for i in "${blue[@]}"; do topology stop "$i" & done
  wait
  mark
  record "$release"
  say "deployed $release blue-green: serving ${green[*]} in $(since "$t0") s"
}

rolling() {
  local release="$1" i old others=() rest
  check_release "$release"
  serving
  local all=("${SERVING[@]}")
  say "rolling: instance(s) ${all[*]} to $release, one at a time"
  mark
  for i in "${all[@]}"; do
    old="$(release_of "$i")"
    others=()
    for rest in "${all[@]}"; do [ "$rest" = "$i" ] || others+=("$rest"); done
    [ "${#others[@]}" -gt 0 ] || die "rolling needs at least two instances"
    say "instance $i: out of nginx, draining"
    topology route "${others[@]}"
    topology stop "$i"
    if ! topology start "$i" --release "$release"; then
      say "instance $i did not turn ready on $release: back to $old"
      topology kill "$i" >/dev/null 2>&1 || true
      if [ "$old" = "build" ]; then topology start "$i"; else topology start "$i" --release "$old"; fi
      topology route "${all[@]}"
      mark
      say "rolling deploy of $release FAILED at instance $i; every instance serves as before"
      return 1
    fi
    topology route "${all[@]}"
    say "instance $i serves $release"
  done
  mark
  record "$release"
  say "deployed $release rolling: serving ${all[*]}"
}

case "$cmd" in
  bluegreen) [ -n "$RELEASE" ] || die "which release?"; bluegreen "$RELEASE" ;;
  rolling) [ -n "$RELEASE" ] || die "which release?"; rolling "$RELEASE" ;;
  rollback)
    previous="$(cat "$DIR/releases/previous" 2>/dev/null || true)"
    [ -n "$previous" ] || die "no previous release recorded"
    say "rolling back to $previous"
    bluegreen "$previous" ;;
  status)
    serving
    for i in "${SERVING[@]}"; do echo "instance $i: $(release_of "$i")"; done
    echo "current: $(cat "$DIR/releases/current" 2>/dev/null || echo -)  previous: $(cat "$DIR/releases/previous" 2>/dev/null || echo -)" ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
