#!/usr/bin/env bash
# The production edge (deploy/nginx/nginx.conf + app.conf) run for real with Debian's nginx, in
# front of a live instance: the file is rendered with local paths (certificate, webroot, pid,
# temp dirs, ports; `api:8080` becomes the instance's address) and nothing else changes.
#
#   scripts/check_edge.sh http://127.0.0.1:PORT   (a running instance, e.g. the topology's)
#
# Checks: nginx -t; HTTP -> HTTPS 301 (certbot's webroot challenge stays on HTTP); TLS 1.2 and
# 1.3 only; HSTS exactly once on pages, API answers and the closed /metrics; gzip of pages and
# JSON; long immutable caching of hashed bundles and no-cache for the rest; the websocket
# location reaches the app; request ids forwarded; passive failover to a live instance when one
# upstream is dead.
# shellcheck source=scripts/lib.sh disable=SC1091
source "$(dirname "$0")/lib.sh"
set -euo pipefail
cd "$ROOT"

APP="${1:?usage: scripts/check_edge.sh http://127.0.0.1:PORT}"
APP_ADDR="${APP#http://}"
apt_install nginx openssl curl
W="$(mktemp -d)"
NGINX_PID=""
cleanup() {
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
  rm -rf "$W"
}
trap cleanup EXIT
HTTP_PORT="${EDGE_HTTP_PORT:-18481}"
HTTPS_PORT="${EDGE_HTTPS_PORT:-18482}"
# A port nothing listens on: the first upstream is dead, so every request proves failover.
DEAD_PORT="${EDGE_DEAD_PORT:-18489}"

step "Rendering deploy/nginx/nginx.conf with local paths (upstream: a dead port, then $APP_ADDR)"
mkdir -p "$W/tls" "$W/www/.well-known/acme-challenge" "$W/tmp"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost" -keyout "$W/tls/privkey.pem" -out "$W/tls/fullchain.pem" >/dev/null 2>&1
echo "challenge-token" > "$W/www/.well-known/acme-challenge/token"
# nginx workers run unprivileged: the webroot must be readable to them (mktemp makes 0700).
chmod -R a+rX "$W"
python3 - "$ROOT/deploy/nginx/nginx.conf" "$W/nginx.conf" "$W" "$HTTP_PORT" "$HTTPS_PORT" "$APP_ADDR" "$DEAD_PORT" "$ROOT" <<'PY'
import re, sys
src, dst, w, http, https, app, dead, root = sys.argv[1:]
text = open(src).read()
subs = [
    ("pid /var/run/nginx.pid;", f"pid {w}/nginx.pid;"),
    ("access_log /dev/stdout tm;", f"access_log {w}/access.log tm;"),
    ("error_log /dev/stderr warn;", f"error_log {w}/error.log warn;"),
    ("/etc/letsencrypt/live/taskmanager/", f"{w}/tls/"),
    ("root /var/www/certbot;", f"root {w}/www;"),
    ("include /etc/nginx/app.conf;", f"include {root}/deploy/nginx/app.conf;"),
    ("server api:8080 max_fails=1 fail_timeout=5s;",
     f"server 127.0.0.1:{dead} max_fails=1 fail_timeout=5s;\n        server {app} max_fails=1 fail_timeout=5s;"),
    ("listen 80;", f"listen 127.0.0.1:{http};"),
    ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
    ("http {", "http {\n" + "".join(f"    {k}_temp_path {w}/tmp/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))),
]
for old, new in subs:
    if old not in text:
        sys.exit(f"check_edge: deploy/nginx/nginx.conf no longer has {old!r}: update this check")
    text = text.replace(old, new)
# No IPv6 on every test machine: the [::] listeners are dropped.
text = re.sub(r"\n\s*listen \[::\]:[0-9]+[^;]*;", "", text)
open(dst, "w").write(text)
PY
nginx -t -p "$W" -c "$W/nginx.conf" -e "$W/error.log"
nginx -p "$W" -c "$W/nginx.conf" -e "$W/error.log" -g 'daemon off;' &
NGINX_PID=$!
for _ in $(seq 1 50); do curl -fsSk -o /dev/null "https://localhost:$HTTPS_PORT/api/v1/health/ready" 2>/dev/null && break; sleep 0.1; done

fail() { echo "check_edge: $*" >&2; exit 1; }
expect() { [ "$2" = "$3" ] || fail "$1: expected [$3], got [$2]"; echo "ok: $1"; }
H="https://localhost:$HTTPS_PORT"

step "Edge behaviour"
# Production listens on 443: the redirect names the host without a port.
expect "HTTP redirects to HTTPS" \
  "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H "Host: tasks.example.com" "http://127.0.0.1:$HTTP_PORT/w/x?y=1")" \
  "301 https://tasks.example.com/w/x?y=1"
expect "certbot's challenge is served over HTTP" \
  "$(curl -s "http://127.0.0.1:$HTTP_PORT/.well-known/acme-challenge/token")" "challenge-token"
expect "TLS 1.3" "$(curl -sk -o /dev/null -w '%{http_code}' --tlsv1.3 "$H/api/v1/health")" 200
expect "TLS 1.2" "$(curl -sk -o /dev/null -w '%{http_code}' --tlsv1.2 --tls-max 1.2 "$H/api/v1/health")" 200
if curl -sk -o /dev/null --tlsv1.1 --tls-max 1.1 "$H/api/v1/health" 2>/dev/null; then fail "TLS 1.1 was accepted"; fi
echo "ok: TLS 1.1 refused"
for path in / /api/v1/health /metrics /api/v1/nope; do
  expect "one HSTS header on $path" "$(curl -skI "$H$path" | grep -ci '^strict-transport-security: max-age=63072000')" 1
done
expect "/metrics is closed" "$(curl -sk -o /dev/null -w '%{http_code}' "$H/metrics")" 404
expect "pages are gzipped" \
  "$(curl -sk -o /dev/null -D - -H 'Accept-Encoding: gzip' "$H/signin" | grep -i '^content-encoding:' | tr -d '\r' | awk '{print tolower($2)}')" gzip
expect "the request id reaches the app and comes back" \
  "$(curl -skI -H 'X-Request-Id: edge-check-42' "$H/api/v1/health" | grep -i '^x-request-id:' | tr -d '\r' | awk '{print $2}')" edge-check-42
# A websocket upgrade without credentials: the app itself answers (401), so the location
# forwards upgrades to it.
expect "the websocket location reaches the app" \
  "$(curl -sk -o /dev/null -w '%{http_code}' --http1.1 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
      -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$H/api/v1/ws")" 401
ok=0
for _ in $(seq 1 20); do
  [ "$(curl -sk -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{}' "$H/api/v1/auth/login")" != 502 ] && ok=$((ok + 1))
done
expect "passive failover: 20 of 20 answered by the live instance (POSTs too)" "$ok" 20

step "Caching of the site's bundles"
# shellcheck disable=SC2016
pkg="$(curl -sk "$H/signin" | grep -o '/pkg/[^"]*\.wasm' | head -n 1 || true)"
[ -n "$pkg" ] || fail "the page names no wasm bundle"
cache="$(curl -skI "$H$pkg" | grep -i '^cache-control:' | tr -d '\r' | cut -d' ' -f2-)"
if [[ "$pkg" =~ \.[A-Za-z0-9_-]{16,}\.wasm$ ]]; then
  expect "hashed bundle $pkg is immutable" "$cache" "public, max-age=31536000, immutable"
else
  expect "unhashed bundle $pkg is revalidated" "$cache" "no-cache"
fi
br_headers="$(curl -sk -o /dev/null -D - -H 'Accept-Encoding: br, gzip' "$H$pkg" | tr -d '\r')"
expect "the wasm arrives brotli-compressed" \
  "$(grep -i '^content-encoding:' <<< "$br_headers" | awk '{print tolower($2)}')" br
# Compressed on the fly it would be chunked; the precompressed file has its length.
grep -qi '^content-length: [0-9]' <<< "$br_headers" || fail "the brotli wasm was compressed on the fly, not precompressed"
echo "ok: the brotli wasm is the precompressed file ($(grep -i '^content-length:' <<< "$br_headers" | awk '{print $2}') bytes)"
echo "ok: the production edge config behaves as documented"
