#!/usr/bin/env bash
# The metrics of running instances, checked live (issue #6): one instance's /metrics is a valid
# exposition (promtool check metrics) holding every metric the dashboards and alert rules use
# (scripts/check_dashboards.py), and a real Prometheus scraping every instance sees the app's
# series and computes the recording rules (scripts/prom_live_check.sh).
#
#   scripts/check_live_metrics.sh http://HOST:PORT [http://HOST:PORT ...]
# shellcheck source=scripts/lib.sh disable=SC1091 # followed with shellcheck -x from the repository root
source "$(dirname "$0")/lib.sh"
set -euo pipefail
cd "$ROOT"
[ $# -gt 0 ] || { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

apt_install prometheus python3-yaml
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

step "Scraping $1/metrics"
curl -fsS --max-time 10 "$1/metrics" > "$WORK/exposition.txt"
echo "  $(grep -c '^# TYPE' "$WORK/exposition.txt") families, $(grep -vc '^#' "$WORK/exposition.txt") samples"

step "promtool check metrics: the live exposition is valid"
promtool check metrics < "$WORK/exposition.txt"

step "Dashboards and rules use only metrics the app exports (live scrape)"
/usr/bin/python3 scripts/check_dashboards.py --exposition "$WORK/exposition.txt"

targets=()
for url in "$@"; do targets+=("${url#http://}"); done
bash scripts/prom_live_check.sh "${targets[@]}"
