# Shared by scripts/run.sh and scripts/test.sh: install what is missing, say what is done.
# Everything heavy is kept outside the clone (~/.cargo/bin, ~/.cache/taskmanager) so later runs
# and fresh clones reuse it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${TM_CACHE_DIR:-$HOME/.cache/taskmanager}"
TOOLS="$CACHE/tools"
CARGO_LEPTOS_VERSION="0.3.11"
BINARYEN_VERSION="132.0.0"
export PATH="$TOOLS/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Read at compile time by leptos; cargo-leptos sets it, so plain cargo runs set the same value
# and share the build cache instead of rebuilding every leptos crate.
export LEPTOS_OUTPUT_NAME=taskmanager

step() { printf '\n==> %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "Installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # A dpkg run cut short earlier (a killed install, a lost session) leaves packages half
  # configured, and apt then refuses every install until they are finished: finish them first.
  if [ -n "$($sudo dpkg --audit 2>/dev/null)" ]; then
    step "Finishing the configuration of packages an earlier dpkg run left half done"
    DEBIAN_FRONTEND=noninteractive $sudo dpkg --force-confold --configure -a
  fi
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}"
}

# The build cache lives outside the clone; target/ in the clone is a link to it (to
# CARGO_TARGET_DIR when that is set: the scripts read the build's outputs under target/).
link_target_dir() {
  local dir="${CARGO_TARGET_DIR:-$CACHE/target}"
  if [ ! -e "$ROOT/target" ]; then
    mkdir -p "$dir"
    ln -s "$dir" "$ROOT/target"
    step "Build cache: $ROOT/target -> $dir"
  fi
  prune_build_cache
}

# Incremental compilation only pays while editing; in scripted builds its session directories
# grow the cache by gigabytes per change of the server crate (a full disk stopped every tool
# once). Scripted builds do without it, and a cache that leaves less than 15 GB free loses its
# incremental data (rebuilt on demand) before anything is built.
export CARGO_INCREMENTAL=0
prune_build_cache() {
  local dir="${CARGO_TARGET_DIR:-$CACHE/target}" free_kb
  free_kb=$(df -Pk "$CACHE" 2>/dev/null | awk 'NR == 2 {print $4}')
  if [ -n "$free_kb" ] && [ "$free_kb" -lt $((15 * 1024 * 1024)) ]; then
    step "Less than 15 GB free: removing incremental build data under $dir"
    rm -rf "$dir"/debug/incremental "$dir"/release/incremental
  fi
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "Adding the wasm32-unknown-unknown Rust target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_cargo_leptos() {
  if have cargo-leptos && cargo-leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    return 0
  fi
  step "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 13 minutes, once per machine)"
  # Its lockfile pins cargo-util-schemas 0.14.2, which needs a newer rustc than this machine's;
  # 0.14.1 is compatible, so build a copy with that one pinned.
  cargo info "cargo-leptos@$CARGO_LEPTOS_VERSION" >/dev/null
  local src
  src="$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/cargo-leptos-"$CARGO_LEPTOS_VERSION" | head -n 1)"
  local work="$CACHE/build/cargo-leptos"
  rm -rf "$work" && mkdir -p "$(dirname "$work")" && cp -r "$src" "$work"
  # Its release profile (fat LTO, one codegen unit, opt-level 3) took 1,135 s to install on 2
  # cores, the longest tool install of a fresh machine, for a program that mostly runs cargo,
  # wasm-bindgen and wasm-opt. At opt-level 1 without LTO it takes 752 s (measured 2026-11-29;
  # 16 units and no LTO at opt-level 3 saved nothing). CARGO_PROFILE_* override the package's
  # profile for this install only.
  (cd "$work" && cargo update -p cargo-util-schemas --precise 0.14.1 \
    && CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo install --path . --locked)
}

ensure_wasm_bindgen() {
  local want
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
  if have wasm-bindgen && wasm-bindgen --version | grep -q " $want"; then
    return 0
  fi
  step "Installing wasm-bindgen-cli $want (must equal the wasm-bindgen crate)"
  cargo install wasm-bindgen-cli --version "$want" --force
}

ensure_binaryen() {
  # Debian's wasm-opt (108) emits bundles that never hydrate; npm's binaryen 132 works.
  if [ -x "$TOOLS/node_modules/.bin/wasm-opt" ] && grep -q "\"version\": \"$BINARYEN_VERSION\"" "$TOOLS/node_modules/binaryen/package.json" 2>/dev/null; then
    return 0
  fi
  step "Installing wasm-opt from npm binaryen@$BINARYEN_VERSION into $TOOLS"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund "binaryen@$BINARYEN_VERSION" >/dev/null
}

ensure_build_tools() {
  apt_install pkg-config build-essential
  ensure_wasm_target
  ensure_cargo_leptos
  ensure_wasm_bindgen
  ensure_binaryen
  link_target_dir
}

# python_with MODULE: the first of python3 / Debian's /usr/bin/python3 that can import MODULE
# (the python3 first on PATH may be another interpreter, e.g. pyenv's, without Debian's
# packages), or nothing.
python_with() {
  local candidate
  for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c "import $1" 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

build_release() {
  step "Building the release (server binary + wasm bundle) with cargo leptos"
  (cd "$ROOT" && cargo leptos build --release --split)
  precompress_site "$ROOT/target/site"
}

# precompress_site SITE_DIR: brotli (best level) and gzip copies of the wasm, js and css bundles,
# which the app serves to browsers that accept them (tower-http ServeDir's precompressed files)
# instead of compressing on every request.
precompress_site() {
  local f
  have brotli || apt_install brotli
  for f in "$1"/pkg/*.wasm "$1"/pkg/*.js "$1"/pkg/*.css; do
    [ -f "$f" ] || continue
    brotli -f -q 11 -o "$f.br" "$f"
    gzip -f -k -9 "$f"
  done
  echo "precompressed the bundles in $1/pkg (brotli and gzip)"
}

# The SurrealDB server for the multi-instance topology, built from crates.io once per machine
# (about 30 minutes cold on 2 cores) into its own cache, so it never slows the app's builds.
# The name carries how it is built: `-jemalloc` is the allocator SurrealDB's own releases link
# (the `allocator` feature in surreal/Cargo.toml); a machine with an older build makes this one.
SURREAL_VERSION="3.3.5"
SURREAL_BIN="$CACHE/bin/surreal-$SURREAL_VERSION-jemalloc"
SURREAL_LOG="$CACHE/build/surreal-build.log"
SURREAL_BUILD_PID=""
build_surreal() {
  mkdir -p "$CACHE/bin" "$CACHE/build"
  (cd "$ROOT" && CARGO_TARGET_DIR="$CACHE/surreal-target" cargo build --release --locked -p surreal --timings)
  install -m 0755 "$CACHE/surreal-target/release/surreal" "$SURREAL_BIN"
  # The build's timing report (which crates took how long, how busy the cores were) is kept.
  cp "$CACHE/surreal-target/cargo-timings/cargo-timing.html" "$CACHE/build/surreal-timing.html" 2>/dev/null || true
  rm -rf "$CACHE/surreal-target"
  # Builds of other versions or allocators are never run again (212 MB each).
  find "$CACHE/bin" -maxdepth 1 -name 'surreal-*' ! -path "$SURREAL_BIN" -print -delete
}
ensure_surreal() {
  if [ -n "$SURREAL_BUILD_PID" ]; then
    step "Waiting for the SurrealDB server's background build (log: $SURREAL_LOG)"
    local rc=0
    wait "$SURREAL_BUILD_PID" || rc=$?
    SURREAL_BUILD_PID=""
    trap - EXIT
    if [ "$rc" -ne 0 ] || [ ! -x "$SURREAL_BIN" ]; then
      tail -n 40 "$SURREAL_LOG" >&2 || true
      echo "the SurrealDB server's build failed (exit $rc); the whole log: $SURREAL_LOG" >&2
      return 1
    fi
  fi
  if [ -x "$SURREAL_BIN" ]; then
    return 0
  fi
  step "Building the SurrealDB server $SURREAL_VERSION (crate surrealdb-server; about 30 minutes, once per machine)"
  apt_install pkg-config build-essential
  build_surreal
  step "SurrealDB server installed at $SURREAL_BIN"
}
# On a machine without the SurrealDB server, start its build in the background, in a process
# group of its own, while the tools, the checks and the app's own build run: each build has
# single-threaded stretches (a big crate's front end, linking, the wasm's one-unit LTO) that
# leave one of the two cores idle, and the other build fills them. `ensure_surreal` waits for
# it; a script that ends before that stops it (EXIT trap).
start_surreal_build() {
  if [ -x "$SURREAL_BIN" ] || [ -n "$SURREAL_BUILD_PID" ]; then
    return 0
  fi
  # Its C parts (jemalloc, aws-lc) need the compiler before ensure_build_tools has run.
  apt_install pkg-config build-essential
  mkdir -p "$CACHE/build"
  step "Building the SurrealDB server $SURREAL_VERSION in the background (about 30 minutes, once per machine; log: $SURREAL_LOG)"
  setsid --wait bash -c 'source "$1" && build_surreal' bash "$ROOT/scripts/lib.sh" >"$SURREAL_LOG" 2>&1 </dev/null &
  SURREAL_BUILD_PID=$!
  trap 'kill -- -"$SURREAL_BUILD_PID" 2>/dev/null || true' EXIT
}
