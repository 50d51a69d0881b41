#!/usr/bin/env bash
# Checks the operations configuration (issue #6) with the real tools, offline:
#   Prometheus config and rules (promtool check config / check rules), the rules' unit tests
#   (promtool test rules deploy/prometheus/tests/*.yml), the exposition's format (promtool check
#   metrics), Alertmanager's config (amtool check-config), its routing for every alert of the
#   rules (amtool config routes test), its inhibition rules (a real Alertmanager on loopback,
#   notifying nobody), the dashboards, rules and promtail labels against the metrics the app
#   exports (scripts/check_dashboards.py), and yamllint and shellcheck when installed.
#
#   scripts/check_ops.sh [EXPOSITION]
#
# EXPOSITION: a Prometheus text exposition (a file, or an http:// URL of a live /metrics) holding
# every metric the dashboards and rules use; default deploy/prometheus/testdata/exposition.txt.
# Installs Debian's prometheus, prometheus-alertmanager and python3-yaml when missing.
# shellcheck source=scripts/lib.sh disable=SC1091 # followed with shellcheck -x from the repository root
source "$(dirname "$0")/lib.sh"
set -euo pipefail
cd "$ROOT"

EXPOSITION="${1:-deploy/prometheus/testdata/exposition.txt}"
AM_CONFIG=deploy/alertmanager/alertmanager.yml
WORK="$(mktemp -d)"
AM_PID=""
cleanup() {
  if [ -n "$AM_PID" ]; then
    kill "$AM_PID" 2>/dev/null || true
    wait "$AM_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

apt_install prometheus prometheus-alertmanager python3-yaml

PYTHON="$(python_with yaml)" || { echo "no python3 with PyYAML (apt-get install python3-yaml)" >&2; exit 1; }

if [[ "$EXPOSITION" == http://* || "$EXPOSITION" == https://* ]]; then
  step "Fetching the exposition from $EXPOSITION"
  curl -fsS --max-time 10 "$EXPOSITION" > "$WORK/exposition.txt"
  EXPOSITION="$WORK/exposition.txt"
fi
[ -f "$EXPOSITION" ] || { echo "no exposition file at $EXPOSITION" >&2; exit 1; }

step "promtool check config (deploy/prometheus/prometheus.yml and the rule files it loads)"
promtool check config deploy/prometheus/prometheus.yml

step "promtool check rules deploy/prometheus/rules/*.yml"
promtool check rules deploy/prometheus/rules/*.yml

step "promtool test rules deploy/prometheus/tests/*.yml (each alert at and just below its threshold)"
promtool test rules deploy/prometheus/tests/*.yml

step "promtool check metrics: $EXPOSITION is a valid exposition"
promtool check metrics < "$EXPOSITION"

step "amtool check-config $AM_CONFIG"
amtool check-config "$AM_CONFIG"

step "amtool config routes test: each severity reaches its receivers"
# label set -> receivers, in routing-tree order.
route_cases=(
  "severity=critical alertname=TaskmanagerInstanceDown job=taskmanager|pagerduty,opsgenie"
  "severity=critical alertname=TaskmanagerErrorBudgetBurnFast slo=availability|pagerduty,opsgenie"
  "severity=warning alertname=TaskmanagerHighLatency instance=app-1:8080|slack-warnings"
  "severity=ticket alertname=TaskmanagerErrorBudgetBurnSlow slo=availability|slack-tickets"
  "severity=none alertname=TaskmanagerWatchdog|watchdog"
  "alertname=SomethingWithoutSeverity|slack-warnings"
)
# ... and every alert of the rules, with the receivers its severity must reach.
while read -r alertname severity; do
  case "$severity" in
    critical) expected=pagerduty,opsgenie ;;
    warning) expected=slack-warnings ;;
    ticket) expected=slack-tickets ;;
    none) expected=watchdog ;;
    *) echo "alert $alertname has severity '$severity', which no route expects" >&2; exit 1 ;;
  esac
  route_cases+=("alertname=$alertname severity=$severity job=taskmanager|$expected")
done < <("$PYTHON" - deploy/prometheus/rules/*.yml <<'PY'
import sys, yaml
for path in sys.argv[1:]:
    for group in yaml.safe_load(open(path))["groups"]:
        for rule in group["rules"]:
            if "alert" in rule:
                print(rule["alert"], (rule.get("labels") or {}).get("severity", "-"))
PY
)
for case in "${route_cases[@]}"; do
  labels="${case%|*}"
  expected="${case#*|}"
  # shellcheck disable=SC2086 # one argument per label
  got="$(amtool config routes test --config.file="$AM_CONFIG" --verify.receivers="$expected" $labels 2>/dev/null)" || {
    echo "FAIL: {$labels} -> $got, expected $expected" >&2
    exit 1
  }
  printf '  %-90s -> %s\n' "{$labels}" "$got"
done

step "Alertmanager inhibition rules, on a real Alertmanager (loopback, receivers stripped)"
port=""
for candidate in $(seq 19093 19193); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
    port="$candidate"
    break
  fi
done
[ -n "$port" ] || { echo "no free port in 19093-19193" >&2; exit 1; }
# The same routes and inhibit rules, but receivers with no integration: nothing is sent anywhere.
"$PYTHON" - "$AM_CONFIG" "$WORK/alertmanager.yml" <<'PY'
import sys, yaml
src, dst = sys.argv[1:]
conf = yaml.safe_load(open(src))
conf["receivers"] = [{"name": r["name"]} for r in conf["receivers"]]
conf.pop("templates", None)
yaml.safe_dump(conf, open(dst, "w"))
PY
prometheus-alertmanager --config.file="$WORK/alertmanager.yml" --storage.path="$WORK/am-data" \
  --web.listen-address="127.0.0.1:$port" --cluster.listen-address= --log.level=warn \
  > "$WORK/alertmanager.log" 2>&1 &
AM_PID=$!
"$PYTHON" - "http://127.0.0.1:$port" <<'PY'
import json, sys, time, urllib.request
base = sys.argv[1]
deadline = time.time() + 30
while True:
    try:
        urllib.request.urlopen(base + "/-/ready", timeout=2).read()
        break
    except OSError:
        if time.time() > deadline:
            sys.exit("Alertmanager did not become ready within 30 s")
        time.sleep(0.2)
# (labels, inhibited?) - the sources fire alongside their targets.
cases = [
    ({"alertname": "TaskmanagerInstanceDown", "instance": "app-1:8080", "severity": "critical"}, False),
    ({"alertname": "TaskmanagerHighLatency", "instance": "app-1:8080", "severity": "warning"}, True),
    ({"alertname": "TaskmanagerHighErrorRate", "instance": "app-1:8080", "severity": "warning"}, True),
    ({"alertname": "TaskmanagerHighLatency", "instance": "app-2:8080", "severity": "warning"}, False),
    ({"alertname": "TaskmanagerErrorBudgetBurnFast", "slo": "availability", "severity": "critical"}, False),
    ({"alertname": "TaskmanagerErrorBudgetBurnSlow", "slo": "availability", "severity": "ticket"}, True),
    # A ticket without an slo label is not "the matching ticket" of an SLO page.
    ({"alertname": "TaskmanagerJobsDeadLettersPending", "kind": "email", "severity": "ticket"}, False),
]
body = json.dumps([{"labels": {"job": "taskmanager", **labels}} for labels, _ in cases]).encode()
request = urllib.request.Request(base + "/api/v2/alerts", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
urllib.request.urlopen(request, timeout=5).read()
# Alertmanager marks inhibited alerts asynchronously (its inhibitor takes the new alerts from a
# subscription): read until every case shows what it should, for at most 15 s. A wrong rule
# never gets there, and the last reading is what is reported.
want = {(labels["alertname"], labels.get("instance", "")): inhibited for labels, inhibited in cases}
deadline = time.time() + 15
while True:
    got = {}
    for alert in json.load(urllib.request.urlopen(base + "/api/v2/alerts", timeout=5)):
        labels = alert["labels"]
        got[(labels["alertname"], labels.get("instance", ""))] = bool(alert["status"]["inhibitedBy"])
    if all(got.get(key) == inhibited for key, inhibited in want.items()) or time.time() > deadline:
        break
    time.sleep(0.25)
failed = False
for labels, inhibited in cases:
    key = (labels["alertname"], labels.get("instance", ""))
    ok = got.get(key) == inhibited
    failed |= not ok
    print(f"  {'ok  ' if ok else 'FAIL'} {key[0]} {key[1]}: {'inhibited' if got.get(key) else 'notified'}"
          f"{'' if ok else ' (expected ' + ('inhibited' if inhibited else 'notified') + ')'}")
sys.exit(1 if failed else 0)
PY
kill "$AM_PID" 2>/dev/null || true
wait "$AM_PID" 2>/dev/null || true
AM_PID=""

step "check_dashboards.py: dashboards, rules, runbook links and log labels; every metric in $EXPOSITION"
"$PYTHON" scripts/check_dashboards.py --exposition "$EXPOSITION"

if have yamllint; then
  step "yamllint (.yamllint) deploy/"
  yamllint --strict deploy/ .yamllint
else
  step "yamllint not installed: skipped (apt-get install yamllint)"
fi

if have shellcheck; then
  step "shellcheck scripts/check_ops.sh scripts/prom_live_check.sh scripts/check_live_metrics.sh scripts/check_logs_for_secrets.sh"
  shellcheck scripts/check_ops.sh scripts/prom_live_check.sh scripts/check_live_metrics.sh scripts/check_logs_for_secrets.sh
fi

step "Operations configuration: all checks passed"
