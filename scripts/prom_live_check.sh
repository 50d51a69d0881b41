#!/usr/bin/env bash
# Scrapes running app instances with a real Prometheus and the project's rules, and checks what
# comes out: the instances are up, the app's series exist, the recording rules produce results
# and no rule fails to evaluate on the real series.
#
#   scripts/prom_live_check.sh HOST:PORT [HOST:PORT ...]
#
# Starts Debian's prometheus on a free loopback port (19090 up) in a temporary directory, with
# the taskmanager job of deploy/prometheus/prometheus.yml (its relabelling included) pointed at
# the given targets, scraping and evaluating every second. Every wait is bounded (60 s in all).
# Prometheus is stopped on exit. Exit status 0 when every check passed.
# shellcheck source=scripts/lib.sh disable=SC1091 # followed with shellcheck -x from the repository root
source "$(dirname "$0")/lib.sh"
set -euo pipefail
cd "$ROOT"

if [ $# -eq 0 ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi

apt_install prometheus python3-yaml
PYTHON="$(python_with yaml)" || { echo "no python3 with PyYAML (apt-get install python3-yaml)" >&2; exit 1; }

WORK="$(mktemp -d)"
PROM_PID=""
cleanup() {
  if [ -n "$PROM_PID" ]; then
    kill "$PROM_PID" 2>/dev/null || true
    wait "$PROM_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

port=""
for candidate in $(seq 19090 19190); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
    port="$candidate"
    break
  fi
done
[ -n "$port" ] || { echo "no free port in 19090-19190" >&2; exit 1; }

step "Prometheus on 127.0.0.1:$port scraping $* every second"
# The production job with its relabelling, but static targets, 1 s intervals, no Alertmanager.
"$PYTHON" - deploy/prometheus/prometheus.yml "$ROOT/deploy/prometheus/rules" "$WORK/prometheus.yml" "$@" <<'PY'
import sys, yaml
src, rules, dst, *targets = sys.argv[1:]
conf = yaml.safe_load(open(src))
job = next(j for j in conf["scrape_configs"] if j["job_name"] == "taskmanager")
job.pop("file_sd_configs", None)
job["static_configs"] = [{"targets": targets}]
job["scrape_interval"] = "1s"
job["scrape_timeout"] = "1s"
live = {
    "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
    "rule_files": [rules + "/*.yml"],
    "scrape_configs": [job],
}
yaml.safe_dump(live, open(dst, "w"), sort_keys=False)
PY
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/data" \
  --web.listen-address="127.0.0.1:$port" --log.level=warn > "$WORK/prometheus.log" 2>&1 &
PROM_PID=$!

if ! "$PYTHON" - "http://127.0.0.1:$port" "$@" <<'PY'
import json, sys, time, urllib.parse, urllib.request

base, *targets = sys.argv[1:]
deadline = time.time() + 60


def get(path, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response) if path.startswith("/api/") else response.read()


def query(expr):
    return get("/api/v1/query", query=expr)["data"]["result"]


def wait(what, check):
    """Retries check() until it returns a true value; fails past the 60 s deadline."""
    last = None
    while time.time() < deadline:
        try:
            result = check()
            if result:
                return result
        except OSError as err:  # Prometheus not listening yet
            last = err
        time.sleep(0.5)
    sys.exit(f"FAIL: {what} within 60 s" + (f" ({last})" if last else ""))


wait("Prometheus ready", lambda: get("/-/ready"))
print("  Prometheus is ready")


def targets_up():
    active = get("/api/v1/targets")["data"]["activeTargets"]
    health = {t["labels"]["instance"]: (t["health"], t.get("lastError", "")) for t in active}
    if all(health.get(t, ("", ""))[0] == "up" for t in targets):
        return health
    targets_up.last = health
    return None


targets_up.last = {}
try:
    wait("every target up", targets_up)
except SystemExit:
    for target in targets:
        state, error = targets_up.last.get(target, ("unknown", ""))
        print(f"  {target}: {state} {error}")
    raise
print(f"  targets up: {', '.join(targets)}")

failures = []
for name in ("taskmanager_build_info", "taskmanager_http_requests_total", "taskmanager_ready",
             "process_resident_memory_bytes"):
    series = query(f'{name}{{job="taskmanager"}}')
    instances = sorted({s["metric"]["instance"] for s in series})
    missing = [t for t in targets if t not in instances]
    print(f"  {name}: {len(series)} series from {', '.join(instances) or 'no instance'}")
    if missing:
        failures.append(f"{name} missing on {', '.join(missing)}")
for series in query('taskmanager_build_info{job="taskmanager"}'):
    m = series["metric"]
    print(f"    {m['instance']}: version {m.get('version', '?')}, git_sha {m.get('git_sha', '?')}, "
          f"instance_id {m.get('instance_id', '(none)')}")

# The 5m recording rules need two scrapes and one evaluation after them.
def recorded_everywhere():
    series = query('instance:taskmanager_http_requests:rate5m{job="taskmanager"}')
    return series if {s["metric"]["instance"] for s in series} >= set(targets) else None

recorded = wait("a result of instance:taskmanager_http_requests:rate5m for every target", recorded_everywhere)
for series in recorded:
    print(f"  instance:taskmanager_http_requests:rate5m{{instance=\"{series['metric']['instance']}\"}} = {float(series['value'][1]):.3f} req/s")
ratio = query('job:taskmanager_http_errors_per_request:ratio_rate5m{job="taskmanager"}')
for series in ratio:
    print(f"  job:taskmanager_http_errors_per_request:ratio_rate5m = {series['value'][1]}")

# Every rule evaluated at least once on the real series, and none failed (e.g. a vector
# matching error that synthetic test data does not show).
def evaluated():
    groups = get("/api/v1/rules")["data"]["groups"]
    rules = [r for g in groups for r in g["rules"]]
    return rules if rules and all(r.get("health") != "unknown" for r in rules) else None

rules = wait("every rule evaluated", evaluated)
bad = [r for r in rules if r.get("health") != "ok"]
print(f"  rules: {len(rules) - len(bad)} of {len(rules)} evaluate without error")
for rule in bad:
    failures.append(f"rule {rule['name']} fails: {rule.get('lastError')}")
firing = sorted({r["name"] for r in rules if r.get("type") == "alerting" and r.get("state") == "firing"})
print(f"  alerts firing now: {', '.join(firing) or 'none'}")

if failures:
    print("FAIL:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("ok: Prometheus scrapes the instances, sees the app's series and computes the rules")
PY
then
  echo "--- prometheus log ($WORK/prometheus.log) ---" >&2
  tail -n 20 "$WORK/prometheus.log" >&2 || true
  exit 1
fi
