#!/usr/bin/env bash
# The Lighthouse budgets (issue #9), measured on the release build in Debian's Chromium, on
# loopback only:
#   - performance >= 95 (Lighthouse 12, median of up to 3 runs) on the board page of a workspace
#     holding 200 tasks, signed in; and no layout shift from hydration: CLS <= 0.02 in every run;
#   - installability: Lighthouse 11's PWA category (the last Lighthouse with one) on the start
#     page `/`; its installable-manifest audit must pass. The category's other audits are
#     printed, and a check of what Lighthouse 10+ no longer audits (a service worker that
#     controls the page, the manifest's start_url loading with the server down) gates too.
# LH_PERF_GATE=0 prints the performance figures without failing on them (the test command: a
# shared 2-core machine's timings are benchmark figures, not a test).
#
#   scripts/check_lighthouse.sh
#
# Environment: LH_BIN (the server binary, default target/release/taskmanager), LH_SITE (its
# site, default target/site), LH_PORT (default 18850), CHROME_PATH (default /usr/bin/chromium).
# Installs what is missing: Debian's chromium, lighthouse@12 and lighthouse@11 from npm (pinned
# below) side by side in ~/.cache/taskmanager/tools/lighthouse{12,11}.
# The reports (without the session cookie) are kept in target/lighthouse/<UTC time>/.
# Exit status: 0 when every budget holds, 1 otherwise.
#
# Form factor: Lighthouse's desktop preset (1350x940, 40 ms RTT, 10 Mbit/s, no CPU slowdown).
# The issue asks for "performance >= 95" without a device; the board is a desktop work surface
# (drag and drop over several columns), and the mobile default simulates a 4x slower CPU, which
# on this 2-core machine shared with builds multiplies whatever else runs by four: the score
# would measure the neighbours more than the page. Figures measured while other work loads the
# CPU read low; the budget is not lowered for that.
# shellcheck source=scripts/lib.sh disable=SC1091 # (followed with shellcheck -x)
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1

BIN="${LH_BIN:-$ROOT/target/release/taskmanager}"
SITE="${LH_SITE:-$ROOT/target/site}"
PORT="${LH_PORT:-18850}"
CHROME="${CHROME_PATH:-/usr/bin/chromium}"
BASE="http://127.0.0.1:$PORT"
TASKS=200
MIN_SCORE=95
MAX_CLS=0.02
RUNS=3
RUN_TIMEOUT=240          # seconds for one Lighthouse run, Chromium included
LIGHTHOUSE12_VERSION=12.8.2
LIGHTHOUSE11_VERSION=11.7.1   # the last release with the PWA category
CHROME_FLAGS=(--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync)
HELPER="$ROOT/scripts/lighthouse_budget.py"
EMAIL="lighthouse-$$@example.com"
PASSWORD="a fine lighthouse password"

case "${1:-}" in
  -h|--help) sed -n '2,/^# shellcheck/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) echo "check_lighthouse: unknown argument $1 (see --help)" >&2; exit 2 ;;
esac

# ensure_lighthouse VERSION: lighthouse@VERSION in $TOOLS/lighthouse<major>, installed when missing.
ensure_lighthouse() {
  local version="$1" prefix="$TOOLS/lighthouse${1%%.*}"
  if [ -x "$prefix/node_modules/.bin/lighthouse" ] \
    && grep -q "\"version\": \"$version\"" "$prefix/node_modules/lighthouse/package.json" 2>/dev/null; then
    return 0
  fi
  step "Installing lighthouse@$version from npm into $prefix"
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund "lighthouse@$version" >/dev/null
}

apt_install chromium python3
if ! have node || ! have npm; then
  echo "check_lighthouse: node and npm are needed (Lighthouse runs on node)" >&2
  exit 1
fi
ensure_lighthouse "$LIGHTHOUSE12_VERSION"
ensure_lighthouse "$LIGHTHOUSE11_VERSION"
PY="$(python_with json)"
[ -x "$BIN" ] || { echo "check_lighthouse: no server binary at $BIN (build the release first)" >&2; exit 1; }
[ -d "$SITE/pkg" ] || { echo "check_lighthouse: no site at $SITE (build the release first)" >&2; exit 1; }
[ -x "$CHROME" ] || { echo "check_lighthouse: no Chromium at $CHROME" >&2; exit 1; }
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "check_lighthouse: port $PORT is taken (set LH_PORT)" >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tm-lighthouse-XXXXXX")"
mkdir -p "$WORK/tmp" "$WORK/data"
SERVER=""
# kill_left_chromium: a Chromium whose Lighthouse was timed out outlives it (chrome-launcher
# starts it detached); its profile is under $WORK/tmp (TMPDIR of every run), which names it.
kill_left_chromium() {
  local proc pid
  for proc in /proc/[0-9]*; do
    pid="${proc#/proc/}"
    if tr '\0' ' ' < "$proc/cmdline" 2>/dev/null | grep -qF -- "--user-data-dir=$WORK/"; then
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
}
stop_server() {
  [ -n "$SERVER" ] || return 0
  kill "$SERVER" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  SERVER=""
}
# shellcheck disable=SC2317 # (run by the EXIT trap)
cleanup() {
  stop_server
  kill_left_chromium
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SUMMARY=()
FAILED=0
note() { SUMMARY+=("$*"); }

# lighthouse MAJOR NAME URL [options...]: one run, its report in $WORK/NAME.json, its log in
# $WORK/NAME.log (shown when the run fails); the status is Lighthouse's.
lighthouse() {
  local major="$1" name="$2" url="$3" rc=0
  shift 3
  TMPDIR="$WORK/tmp" CHROME_PATH="$CHROME" timeout -k 10 "$RUN_TIMEOUT" \
    "$TOOLS/lighthouse$major/node_modules/.bin/lighthouse" "$url" \
    --chrome-flags="${CHROME_FLAGS[*]}" --max-wait-for-load=45000 \
    --output=json --output-path="$WORK/$name.json" "$@" > "$WORK/$name.log" 2>&1 || rc=$?
  kill_left_chromium
  if [ "$rc" != 0 ]; then
    echo "lighthouse $major ($name) exited with $rc$([ "$rc" = 124 ] && echo ": timed out after ${RUN_TIMEOUT} s"); its log ends:" >&2
    tail -n 15 "$WORK/$name.log" | sed 's/^/  /' >&2
  fi
  return "$rc"
}

step "Conditions"
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
echo "$("$CHROME" --version 2>/dev/null | head -n 1), lighthouse $LIGHTHOUSE12_VERSION and $LIGHTHOUSE11_VERSION"
echo "server $BIN, site $SITE"

# --- The release binary on an in-memory database, as the Playwright specs run it ---------------
step "Starting the server on $BASE (mem://)"
env -i PATH="$PATH" \
  TM_LISTEN="127.0.0.1:$PORT" \
  TM_DATABASE_URL=mem:// \
  TM_DATA_DIR="$WORK/data" \
  TM_INSTANCE_ID=lh \
  TM_CLIENT_IP_HEADER=x-lh-client \
  LEPTOS_SITE_ROOT="$SITE" LEPTOS_ENV=PROD \
  "$BIN" serve > "$WORK/server.log" 2>&1 &
SERVER=$!
for i in $(seq 600); do
  curl -fs -o /dev/null --max-time 1 "$BASE/api/v1/health/ready" && break
  if ! kill -0 "$SERVER" 2>/dev/null || [ "$i" = 600 ]; then
    tail -n 30 "$WORK/server.log" >&2
    echo "check_lighthouse: the server did not turn ready within 60 s" >&2
    exit 1
  fi
  sleep 0.1
done

step "Seeding: a user, a workspace and $TASKS tasks over its columns (REST API)"
seeded="$("$PY" "$HELPER" seed "$BASE" "$TASKS" "$EMAIL" "$PASSWORD")"
WS="$(sed -n 's/^workspace=//p' <<< "$seeded")"
BOARD_URL="$BASE/w/$WS"
echo "workspace $WS: $TASKS tasks over $(sed -n 's/^columns=//p' <<< "$seeded") columns"
# The board as the browser will get it: signed in (the cookie), tasks rendered. This also
# warms the server up before anything is measured.
"$PY" "$HELPER" headers "$BASE" "$EMAIL" "$PASSWORD" 10.90.0.1 "$WORK/headers-0.json"
"$PY" "$HELPER" board "$BOARD_URL" "$WORK/headers-0.json" "$TASKS"

# --- Performance: Lighthouse 12, desktop preset, the board ---------------------------------------
step "Performance: Lighthouse $LIGHTHOUSE12_VERSION, desktop preset, $BOARD_URL (median of up to $RUNS runs)"
reports=()
perf_ok=1
for run in $(seq "$RUNS"); do
  # A fresh session per run (access tokens last 15 minutes; a run may take minutes here).
  "$PY" "$HELPER" headers "$BASE" "$EMAIL" "$PASSWORD" "10.90.1.$run" "$WORK/headers-$run.json"
  printf 'run %d: ' "$run"
  if ! lighthouse 12 "perf-$run" "$BOARD_URL" --preset=desktop --only-categories=performance \
    --extra-headers="$WORK/headers-$run.json" && [ ! -s "$WORK/perf-$run.json" ]; then
    echo "no report"
    perf_ok=0
    break
  fi
  if ! "$PY" "$HELPER" perf-run "$WORK/perf-$run.json" "$BOARD_URL"; then
    perf_ok=0
    break
  fi
  reports+=("$WORK/perf-$run.json")
  # Two runs on the same side of the budget decide the median of three.
  if [ ${#reports[@]} -ge 2 ] && "$PY" "$HELPER" perf-decided "$MIN_SCORE" "${reports[@]}"; then
    break
  fi
done
if [ "$perf_ok" = 1 ] && "$PY" "$HELPER" perf-summary "$MIN_SCORE" "$MAX_CLS" "${reports[@]}" | tee "$WORK/perf.txt"; then
  note "ok    $(head -n 1 "$WORK/perf.txt")"
  note "ok    layout shift: $(sed -n 's/^ *worst //p' "$WORK/perf.txt")"
else
  # LH_PERF_GATE=0 (the test command): timings on a shared 2-core machine are a benchmark's
  # figures, printed, not a pass/fail test; the default gates, for a quiet machine.
  [ "${LH_PERF_GATE:-1}" = 0 ] || FAILED=1
  if [ -s "$WORK/perf.txt" ]; then
    note "$([ "${LH_PERF_GATE:-1}" = 0 ] && echo "info" || echo "FAIL")  $(head -n 1 "$WORK/perf.txt")"
    note "      layout shift: $(sed -n 's/^ *worst //p' "$WORK/perf.txt")"
  else
    note "FAIL  performance: a Lighthouse run failed (see above)"
  fi
fi

# --- Installability: Lighthouse 11's PWA category, the start page --------------------------------
step "PWA: Lighthouse $LIGHTHOUSE11_VERSION, pwa category, $BASE/ (signed out)"
echo '{"x-lh-client": "10.90.2.1"}' > "$WORK/headers-pwa.json"
lighthouse 11 pwa "$BASE/" --only-categories=pwa --extra-headers="$WORK/headers-pwa.json" || true
if [ -s "$WORK/pwa.json" ] && "$PY" "$HELPER" pwa "$WORK/pwa.json" | tee "$WORK/pwa.txt"; then
  note "ok    $(tail -n 1 "$WORK/pwa.txt") (Lighthouse $LIGHTHOUSE11_VERSION PWA category on /)"
else
  FAILED=1
  if [ -s "$WORK/pwa.txt" ]; then
    note "FAIL  $(tail -n 1 "$WORK/pwa.txt") (Lighthouse $LIGHTHOUSE11_VERSION PWA category on /)"
  else
    note "FAIL  installable-manifest: no Lighthouse $LIGHTHOUSE11_VERSION report (see above)"
  fi
fi

# --- What Lighthouse 10+ no longer audits: the service worker, start_url offline (not gating) ----
# Lighthouse 10 removed its service-worker and offline-start-url audits. Checked here in the same
# Chromium, driven by the puppeteer-core Lighthouse 11 ships: a worker controls `/` after a
# reload, then the server is stopped (a real outage, which also cuts the worker's own fetches)
# and the manifest's start_url must still load (200 from the service worker).
step "Service worker and offline start_url (Chromium via puppeteer-core; informational)"
cat > "$WORK/sw_check.cjs" <<'JS'
const fs = require("node:fs");
const puppeteer = require("puppeteer-core");
const [base, chrome, profile, flags, marker] = process.argv.slice(2);
const report = (ok, name, detail) => console.log(`  ${ok ? "pass" : "FAIL"}   ${name.padEnd(24)} ${detail}`);
(async () => {
  const browser = await puppeteer.launch({
    executablePath: chrome, headless: true, userDataDir: profile,
    args: flags.split(" ").filter((f) => !f.startsWith("--headless")),
  });
  try {
    const page = await browser.newPage();
    await page.setExtraHTTPHeaders({ "x-lh-client": "10.90.3.1" });
    await page.goto(`${base}/`, { waitUntil: "load", timeout: 45000 });
    const href = await page.evaluate(() => document.querySelector('link[rel="manifest"]')?.href ?? null);
    report(!!href, "manifest link", href ?? 'no <link rel="manifest"> on /');
    const manifestUrl = href ?? `${base}/manifest.webmanifest`;
    const manifest = await page.evaluate(async (u) => {
      try { const r = await fetch(u); return r.ok ? await r.json() : null; } catch { return null; }
    }, manifestUrl);
    const reg = await page.evaluate(async () => {
      if (!("serviceWorker" in navigator)) return { error: "no navigator.serviceWorker" };
      const ready = await Promise.race([navigator.serviceWorker.ready,
        new Promise((r) => setTimeout(() => r(null), 15000))]);
      if (!ready) {
        const n = (await navigator.serviceWorker.getRegistrations()).length;
        return { error: `none active within 15 s (${n} registrations)` };
      }
      return { scope: ready.scope, script: ready.active?.scriptURL, state: ready.active?.state };
    });
    report(!reg.error, "service worker", reg.error ?? `${reg.script} ${reg.state}, scope ${reg.scope}`);
    let controlled = false;
    if (!reg.error) {
      await page.reload({ waitUntil: "load", timeout: 45000 });
      controlled = await page.evaluate(() => !!navigator.serviceWorker.controller);
      report(controlled, "controls the page", controlled ? "after a reload" : "no controller after a reload");
    }
    const start = manifest?.start_url ? new URL(manifest.start_url, manifestUrl).href : null;
    fs.writeFileSync(marker, "online checks done\n");
    if (!start) {
      report(false, "start_url offline", "no manifest start_url");
      return;
    }
    // The shell stops the server once the marker exists; wait until nothing answers.
    for (let i = 0; i < 300; i++) {
      try { await fetch(`${base}/api/v1/health`); } catch { break; }
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      const res = await page.goto(start, { waitUntil: "load", timeout: 15000 });
      const ok = !!res && res.status() === 200 && res.fromServiceWorker();
      report(ok, "start_url offline", `${start}: ${res ? `${res.status()} ${res.fromServiceWorker() ? "from the service worker" : "not from the service worker"}` : "no response"}, "${await page.title()}"`);
    } catch (e) {
      report(false, "start_url offline", `${start}: ${e.message.split("\n")[0]}`);
    }
  } finally {
    await browser.close();
  }
})().catch((e) => { console.log(`  error  ${e.message.split("\n")[0]}`); process.exit(2); });
JS
NODE_PATH="$TOOLS/lighthouse11/node_modules" TMPDIR="$WORK/tmp" timeout -k 10 120 \
  node "$WORK/sw_check.cjs" "$BASE" "$CHROME" "$WORK/tmp/sw-profile" "${CHROME_FLAGS[*]}" "$WORK/sw-online-done" \
  > "$WORK/sw.txt" 2>&1 &
SW_CHECK=$!
for _ in $(seq 1200); do
  if [ -e "$WORK/sw-online-done" ] || ! kill -0 "$SW_CHECK" 2>/dev/null; then break; fi
  sleep 0.1
done
stop_server
wait "$SW_CHECK" 2>/dev/null || true
kill_left_chromium
cat "$WORK/sw.txt"
sw_fail="$(grep -cE '^  (FAIL|error)' "$WORK/sw.txt" || true)"
# Gating: Lighthouse 11 on this Chromium passes installability without a worker, so these
# checks are what prove the worker and the offline start URL.
if [ "$sw_fail" = 0 ]; then
  note "ok    service worker / offline start_url: all $(grep -cE '^  pass' "$WORK/sw.txt" || true) checks passed"
else
  note "FAIL  service worker / offline start_url: $sw_fail checks failed"
  FAILED=1
fi

# The reports, for a look at what shifted or was slow (only where the build cache is: never
# create target/ itself).
saved=()
for f in "$WORK"/perf-*.json "$WORK"/pwa.json; do [ -s "$f" ] && saved+=("$f"); done
if [ -d "$ROOT/target" ] && [ ${#saved[@]} -gt 0 ]; then
  dir="target/lighthouse/$(date -u +%Y%m%dT%H%M%SZ)"
  "$PY" "$HELPER" save "$ROOT/$dir" "${saved[@]}" && note "      reports: $dir (open in https://googlechrome.github.io/lighthouse/viewer/)"
fi

step "Lighthouse budgets (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%s\n' "${SUMMARY[@]}"
exit "$FAILED"
