#!/usr/bin/env bash
# The local production topology, on loopback: a file-backed SurrealDB server, Redis, N app
# instances (default 2) and nginx in front with TLS (a self-signed certificate made here),
# HTTP -> HTTPS 301, websocket upgrade and /metrics closed. Tests, benchmarks and the deploy
# rehearsal reuse it.
#
#   scripts/topology.sh up [--instances N] [--dir DIR] [--port-base P] [--release NAME]
#   scripts/topology.sh down [--dir DIR]
#   scripts/topology.sh kill APP_INDEX   (kill -9 one instance)
#   scripts/topology.sh stop APP_INDEX   (SIGTERM: drain, then exit)
#   scripts/topology.sh start APP_INDEX  (start an instance again and wait until it is ready)
#   scripts/topology.sh redis-restart
#   scripts/topology.sh release NAME [KEY=VALUE...]  (snapshot the current build as release NAME,
#                                     with settings it ships, e.g. a broken one for rehearsals)
#   scripts/topology.sh start APP_INDEX --release NAME  (an instance of that release)
#   scripts/topology.sh route APP_INDEX...  (nginx serves exactly these instances: reloaded
#                                     gracefully, and checked through the edge)
#   scripts/topology.sh serving      (the instances nginx serves)
#
# Ports from P (default 18400): P http, P+1 https, P+2 SurrealDB, P+3 Redis, P+10+i instance i.
# `up` writes DIR/topology.env (URLs, ports, pids) for the tools that drive it. It expects a
# release build (`cargo leptos build --release`) and builds the SurrealDB server once per
# machine when missing. TM_APP_WRAP prefixes each instance's command line for profiling, e.g.
# TM_APP_WRAP="heaptrack -o /tmp/ht" (live heap by call stack) or "perf record -g -o /tmp/p".
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1

# Every socket is a file descriptor: room for tens of thousands of clients per instance.
ulimit -n 65536 2>/dev/null || true

cmd="${1:-}"
shift || true
INSTANCES=2
DIR="${TM_TOPOLOGY_DIR:-$ROOT/target/topology}"
PORT_BASE="${TM_TOPOLOGY_PORT_BASE:-18400}"
RELEASE=""
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --instances) INSTANCES="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --port-base) PORT_BASE="$2"; shift 2 ;;
    --release) RELEASE="$2"; shift 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
ARG="${ARGS[0]:-}"
DIR="$(mkdir -p "$DIR" && cd "$DIR" && pwd)"

HTTP_PORT=$PORT_BASE
HTTPS_PORT=$((PORT_BASE + 1))
DB_PORT=$((PORT_BASE + 2))
REDIS_PORT=$((PORT_BASE + 3))
app_port() { echo $((PORT_BASE + 10 + $1)); }
BIN="$ROOT/target/release/taskmanager"

say() { printf '[topology] %s\n' "$*"; }
die() { printf '[topology] error: %s\n' "$*" >&2; exit 1; }

# wait_for WHAT SECONDS COMMAND...: retries the command until it succeeds.
wait_for() {
  local what="$1" secs="$2"; shift 2
  local deadline=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "$what did not become ready within ${secs}s (logs: $DIR/logs)"
    sleep 0.1
  done
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# spawn NAME COMMAND...: runs in its own session, logs to DIR/logs/NAME.log, pid in DIR/pids.
spawn() {
  local name="$1"; shift
  setsid "$@" >>"$DIR/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$DIR/pids/$name.pid"
}

pid_of() { cat "$DIR/pids/$1.pid" 2>/dev/null || true; }
alive() { local p; p="$(pid_of "$1")"; [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

# start_app INDEX [RELEASE]: an instance of the current build, or of a release snapshot (its
# binary, its site and the settings it ships in releases/NAME/env).
start_app() {
  local i="$1" release="${2:-}" port bin="$BIN" site="$ROOT/target/site" shipped=()
  port="$(app_port "$i")"
  mkdir -p "$DIR/app-$i"
  port_free "$port" || die "port $port (instance $i) is taken"
  if [ -n "$release" ]; then
    [ -x "$DIR/releases/$release/taskmanager" ] || die "no release $release in $DIR/releases"
    bin="$DIR/releases/$release/taskmanager"
    site="$DIR/releases/$release/site"
    if [ -f "$DIR/releases/$release/env" ]; then
      mapfile -t shipped < "$DIR/releases/$release/env"
    fi
    echo "$release" > "$DIR/app-$i/release"
  else
    rm -f "$DIR/app-$i/release"
  fi
  # shellcheck disable=SC2086 # TM_APP_WRAP is a command line: word splitting intended
  spawn "app-$i" env -i PATH="$PATH" HOME="$HOME" \
    TM_LISTEN="127.0.0.1:$port" \
    TM_PUBLIC_URL="https://localhost:$HTTPS_PORT" \
    TM_DATABASE_URL="ws://127.0.0.1:$DB_PORT" \
    TM_DATABASE_USER=root TM_DATABASE_PASS="$(cat "$DIR/db-password")" \
    TM_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
    TM_SECRET_KEY="$(cat "$DIR/secret-key")" \
    TM_CLIENT_IP_HEADER=x-real-ip \
    TM_INSTANCE_ID="app-$i" \
    TM_DATA_DIR="$DIR/app-$i" \
    TM_LOG_FORMAT=json TM_LOG="${TM_LOG:-info}" \
    TM_DRAIN_SECONDS="${TM_DRAIN_SECONDS:-10}" \
    MIMALLOC_PURGE_DELAY=0 \
    LEPTOS_SITE_ROOT="$site" \
    "${shipped[@]}" \
    ${TM_APP_WRAP:-} "$bin" serve
  # Ready within TM_READY_SECONDS, or fail: at once if the process exits.
  local deadline=$(( $(date +%s) + ${TM_READY_SECONDS:-60} ))
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/api/v1/health/ready" 2>/dev/null; do
    alive "app-$i" || die "instance $i exited before it was ready (log: $DIR/logs/app-$i.log)"
    [ "$(date +%s)" -lt "$deadline" ] || die "instance $i was not ready within ${TM_READY_SECONDS:-60}s (log: $DIR/logs/app-$i.log)"
    sleep 0.1
  done
}

# write_nginx INDEX...: nginx's configuration serving exactly these instances.
write_nginx() {
  local upstreams="" pinned="" routes=""
  for i in "$@"; do
    upstreams+="        server 127.0.0.1:$(app_port "$i") max_fails=1 fail_timeout=5s;"$'\n'
    pinned+="    upstream app_$i { server 127.0.0.1:$(app_port "$i"); keepalive 16; }"$'\n'
    routes+="        \"$i\" app_$i;"$'\n'
  done
  UPSTREAMS="$upstreams" PINNED="$pinned" ROUTES="$routes" python3 - "$ROOT/deploy/nginx/topology.conf.template" \
    "$DIR/nginx/conf/nginx.conf" "$DIR" "$HTTP_PORT" "$HTTPS_PORT" <<'PY'
import os, sys
src, dst, d, http, https = sys.argv[1:]
text = open(src).read()
for key, value in {"@DIR@": d, "@HTTP_PORT@": http, "@HTTPS_PORT@": https,
                   "@UPSTREAMS@": os.environ["UPSTREAMS"].rstrip("\n"),
                   "@PINNED_UPSTREAMS@": os.environ["PINNED"].rstrip("\n"),
                   "@ROUTES@": os.environ["ROUTES"].rstrip("\n")}.items():
    text = text.replace(key, value)
open(dst + ".new", "w").write(text)
PY
  # The shared application snippet (the production edge includes the same file).
  cp "$ROOT/deploy/nginx/app.conf" "$DIR/nginx/conf/app.conf"
  mv "$DIR/nginx/conf/nginx.conf.new" "$DIR/nginx/conf/nginx.conf"
  nginx -t -p "$DIR/nginx" -c conf/nginx.conf -e "$DIR/logs/nginx-error.log" >>"$DIR/logs/nginx.log" 2>&1 \
    || die "nginx rejected its configuration (see $DIR/logs/nginx.log)"
  printf '%s\n' "$@" > "$DIR/serving"
}

# route INDEX...: nginx serves exactly these instances from now on. A graceful reload: new
# workers take new connections, old ones finish what they carry. Returns once the edge has
# answered 20 times in a row from the new set only.
route() {
  [ $# -gt 0 ] || die "route needs at least one instance"
  local i
  for i in "$@"; do alive "app-$i" || die "instance $i is not running"; done
  write_nginx "$@"
  nginx -p "$DIR/nginx" -c conf/nginx.conf -e "$DIR/logs/nginx-error.log" -s reload \
    >>"$DIR/logs/nginx.log" 2>&1 || die "nginx did not reload (see $DIR/logs/nginx.log)"
  local want=" ${*/#/app-} " streak=0 deadline=$(( $(date +%s) + 15 )) who
  while [ "$streak" -lt 20 ]; do
    [ "$(date +%s)" -lt "$deadline" ] || die "the edge still answers from outside {$*} after 15 s"
    who="$(curl -fsSk --max-time 2 -o /dev/null -D - "https://localhost:$HTTPS_PORT/api/v1/health" 2>/dev/null \
      | tr -d '\r' | awk -F': ' 'tolower($1) == "x-taskmanager-instance" {print $2}' || true)"
    if [[ -n "$who" && "$want" == *" $who "* ]]; then streak=$((streak + 1)); else streak=0; sleep 0.05; fi
  done
  say "nginx serves instance(s) $*"
}

up() {
  [ -x "$BIN" ] || die "no release build at $BIN: run cargo leptos build --release first"
  apt_install redis-server nginx openssl curl
  ensure_surreal
  if [ -f "$DIR/topology.env" ]; then
    say "a topology is already up in $DIR: stopping it first"
    down
  fi
  mkdir -p "$DIR/logs" "$DIR/pids" "$DIR/tls" "$DIR/nginx/conf" \
    "$DIR/nginx/tmp"/{body,proxy,fastcgi,uwsgi,scgi}
  for port in "$HTTP_PORT" "$HTTPS_PORT" "$DB_PORT" "$REDIS_PORT"; do
    port_free "$port" || die "port $port is taken (choose another --port-base)"
  done
  [ -f "$DIR/secret-key" ] || head -c 48 /dev/urandom | base64 -w0 > "$DIR/secret-key"
  [ -f "$DIR/db-password" ] || head -c 18 /dev/urandom | base64 -w0 | tr '+/' 'xy' > "$DIR/db-password"

  say "SurrealDB server on 127.0.0.1:$DB_PORT (file-backed: $DIR/surreal)"
  spawn surreal "$SURREAL_BIN" start --bind "127.0.0.1:$DB_PORT" --user root \
    --pass "$(cat "$DIR/db-password")" --log warn --no-banner "surrealkv://$DIR/surreal"
  wait_for "SurrealDB" 30 curl -fsS "http://127.0.0.1:$DB_PORT/health"

  say "Redis on 127.0.0.1:$REDIS_PORT (ephemeral: no persistence; losing it loses no data)"
  spawn redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no
  wait_for "Redis" 10 redis-cli -p "$REDIS_PORT" ping

  # Migrations run once, before the instances (as fly's release_command does).
  say "Migrating the database"
  env -i PATH="$PATH" TM_DATABASE_URL="ws://127.0.0.1:$DB_PORT" TM_DATABASE_USER=root \
    TM_DATABASE_PASS="$(cat "$DIR/db-password")" TM_DATA_DIR="$DIR/migrate" \
    TM_SECRET_KEY="$(cat "$DIR/secret-key")" "$BIN" migrate >>"$DIR/logs/migrate.log" 2>&1 \
    || die "migrations failed (see $DIR/logs/migrate.log)"

  for i in $(seq 1 "$INSTANCES"); do
    say "Instance $i on 127.0.0.1:$(app_port "$i")${RELEASE:+ (release $RELEASE)}"
    start_app "$i" "$RELEASE"
  done
  # The release serving now (scripts/deploy_local.sh keeps current/previous from here on).
  if [ -n "$RELEASE" ]; then echo "$RELEASE" > "$DIR/releases/current"; rm -f "$DIR/releases/previous"; fi

  say "nginx on 127.0.0.1:$HTTPS_PORT (TLS, certificate from a local CA) and :$HTTP_PORT (301 to https)"
  # A throwaway certificate authority and a server certificate it signs (as mkcert does):
  # clients that verify TLS trust tls/ca.pem (TOPOLOGY_CA), the others pass -k.
  openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=Task Manager topology CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$DIR/tls/ca-key.pem" -out "$DIR/tls/ca.pem" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$DIR/tls/key.pem" -out "$DIR/tls/server.csr" >/dev/null 2>&1
  printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" > "$DIR/tls/server.ext"
  openssl x509 -req -in "$DIR/tls/server.csr" -CA "$DIR/tls/ca.pem" -CAkey "$DIR/tls/ca-key.pem" \
    -CAcreateserial -days 7 -extfile "$DIR/tls/server.ext" -out "$DIR/tls/cert.pem" >/dev/null 2>&1
  write_nginx $(seq 1 "$INSTANCES")
  spawn nginx nginx -p "$DIR/nginx" -c conf/nginx.conf -e "$DIR/logs/nginx-error.log" -g 'daemon off;'
  wait_for "nginx" 10 curl -fsSk "https://localhost:$HTTPS_PORT/api/v1/health/ready"

  {
    echo "TOPOLOGY_DIR=$DIR"
    echo "TOPOLOGY_URL=https://localhost:$HTTPS_PORT"
    echo "TOPOLOGY_HTTP_URL=http://localhost:$HTTP_PORT"
    echo "TOPOLOGY_CA=$DIR/tls/ca.pem"
    echo "TOPOLOGY_DATABASE_URL=ws://127.0.0.1:$DB_PORT"
    echo "TOPOLOGY_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
    echo "TOPOLOGY_INSTANCES=$INSTANCES"
    echo "TOPOLOGY_PORT_BASE=$PORT_BASE"
    for i in $(seq 1 "$INSTANCES"); do
      echo "TOPOLOGY_APP_${i}_URL=http://127.0.0.1:$(app_port "$i")"
    done
  } > "$DIR/topology.env"

  cat <<EOF

Topology up (logs in $DIR/logs):
  app (nginx, TLS)   https://localhost:$HTTPS_PORT   (certificate authority: $DIR/tls/ca.pem)
  http               http://localhost:$HTTP_PORT  -> 301 to https
  SurrealDB server   ws://127.0.0.1:$DB_PORT  (root / $DIR/db-password, data in $DIR/surreal)
  Redis              redis://127.0.0.1:$REDIS_PORT
$(for i in $(seq 1 "$INSTANCES"); do echo "  instance $i         http://127.0.0.1:$(app_port "$i")  (metrics: /metrics)"; done)
Stop it with: scripts/topology.sh down --dir $DIR
EOF
}

# stop_pid NAME SIGNAL SECONDS: signals and waits for the process to exit.
stop_pid() {
  local name="$1" signal="$2" secs="$3" pid
  pid="$(pid_of "$name")"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "-$signal" "$pid" 2>/dev/null || true
    local deadline=$(( $(date +%s) + secs ))
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$(date +%s)" -ge "$deadline" ]; then
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
  fi
  rm -f "$DIR/pids/$name.pid"
}

down() {
  [ -d "$DIR/pids" ] || { say "nothing running in $DIR"; return 0; }
  say "Stopping nginx, the instances (draining), Redis and SurrealDB"
  stop_pid nginx QUIT 10
  for pidfile in "$DIR"/pids/app-*.pid; do
    [ -e "$pidfile" ] || continue
    stop_pid "$(basename "$pidfile" .pid)" TERM 30 &
  done
  wait
  stop_pid redis TERM 10
  stop_pid surreal TERM 15
  rm -f "$DIR/topology.env"
  say "Stopped"
}

load_env() {
  [ -f "$DIR/topology.env" ] || die "no topology is up in $DIR"
  # shellcheck disable=SC1091
  source "$DIR/topology.env"
  PORT_BASE="$TOPOLOGY_PORT_BASE"
  HTTP_PORT=$PORT_BASE; HTTPS_PORT=$((PORT_BASE + 1)); DB_PORT=$((PORT_BASE + 2)); REDIS_PORT=$((PORT_BASE + 3))
}

case "$cmd" in
  up) up ;;
  down) down ;;
  kill)
    load_env; [ -n "$ARG" ] || die "which instance?"
    say "kill -9 instance $ARG"; stop_pid "app-$ARG" KILL 5 ;;
  stop)
    load_env; [ -n "$ARG" ] || die "which instance?"
    say "SIGTERM instance $ARG (drains)"; stop_pid "app-$ARG" TERM 30 ;;
  start)
    load_env; [ -n "$ARG" ] || die "which instance?"
    alive "app-$ARG" && die "instance $ARG is running"
    say "Starting instance $ARG${RELEASE:+ (release $RELEASE)}"; start_app "$ARG" "$RELEASE" ;;
  release)
    [ -n "$ARG" ] || die "which release name?"
    [[ "$ARG" =~ ^[A-Za-z0-9._-]+$ ]] || die "a release name is letters, digits, . _ -"
    [ -x "$BIN" ] || die "no release build at $BIN"
    rm -rf "$DIR/releases/$ARG.tmp" && mkdir -p "$DIR/releases/$ARG.tmp"
    # Hard links when possible: cargo replaces its outputs rather than rewriting them.
    cp -l "$BIN" "$DIR/releases/$ARG.tmp/taskmanager" 2>/dev/null || cp "$BIN" "$DIR/releases/$ARG.tmp/taskmanager"
    # The bundles' content hashes, read from beside the binary (cargo-leptos hash-files).
    if [ -f "$(dirname "$BIN")/hash.txt" ]; then cp "$(dirname "$BIN")/hash.txt" "$DIR/releases/$ARG.tmp/hash.txt"; fi
    cp -rl "$ROOT/target/site" "$DIR/releases/$ARG.tmp/site" 2>/dev/null || cp -r "$ROOT/target/site" "$DIR/releases/$ARG.tmp/site"
    printf '%s\n' "${ARGS[@]:1}" | grep -E '^[A-Z_][A-Z0-9_]*=' > "$DIR/releases/$ARG.tmp/env" || true
    rm -rf "$DIR/releases/$ARG" && mv "$DIR/releases/$ARG.tmp" "$DIR/releases/$ARG"
    say "release $ARG: $("$BIN" --version)$( [ -s "$DIR/releases/$ARG/env" ] && printf ', shipping %s' "$(tr '\n' ' ' < "$DIR/releases/$ARG/env")")" ;;
  route) load_env; route "${ARGS[@]}" ;;
  serving) load_env; cat "$DIR/serving" ;;
  redis-restart)
    load_env; say "Restarting Redis (its contents are lost)"
    stop_pid redis KILL 5
    spawn redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no
    wait_for "Redis" 10 redis-cli -p "$REDIS_PORT" ping ;;
  *) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
