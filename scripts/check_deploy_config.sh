#!/usr/bin/env bash
# Checks the deployment configuration offline, without a Docker engine or fly.io:
#   Compose   docker-compose.yml, + docker-compose.override.yml (local), + docker-compose.prod.yml
#             (production): the official Compose JSON schema (check-jsonschema's vendored
#             compose-spec) on each file and on each merged, interpolated combination;
#             `docker-compose config -q` (PyPI docker-compose 1.29.2, the last Python Compose,
#             which parses and merges without an engine) on each combination; and the rules of
#             scripts/check_deploy_config.py (dependencies and health checks, mounts, secrets,
#             replicas, drain, ports, limits, .env.example, ...).
#   Ops       the compose variants of the operations config: promtool check config
#             deploy/prometheus/prometheus.compose.yml, scripts/check_dashboards.py against the
#             compose datasources and promtail.compose.yml.
#   fly.toml  scripts/check_deploy_config.py (bluegreen, release_command, checks, kill timeout,
#             metrics, no mounts, every key one flyctl knows). No JSON schema of fly.toml ships in
#             a package: SchemaStore's fly.json lives only in its repository (and lags flyctl:
#             it types auto_stop_machines as a boolean, flyctl takes "off"/"stop"/"suspend").
#   Proof     every check is shown to fail: check_deploy_config.py --self-test breaks a copy once
#             per check, and each tool above is run on a broken file and must reject it.
#
#   scripts/check_deploy_config.sh
#
# Installs when missing: python3-venv and prometheus (promtool) from Debian; check-jsonschema
# and PyYAML into a venv under ~/.cache/taskmanager/tools/deploy-check; docker-compose 1.29.2
# into ~/.cache/taskmanager/tools/docker-compose-v1 (its PyYAML 5.4.1 needs Cython < 3 to build
# on Python 3.11; if it cannot be installed, that step is skipped and says so).
# shellcheck source=scripts/lib.sh disable=SC1091 # followed with shellcheck -x from the repository root
source "$(dirname "$0")/lib.sh"
set -euo pipefail
cd "$ROOT"

CHECK_JSONSCHEMA_VERSION="0.39.0"
DOCKER_COMPOSE_V1_VERSION="1.29.2"
VENV="$TOOLS/deploy-check"
COMPOSE_V1_VENV="$TOOLS/docker-compose-v1"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

apt_install python3-venv prometheus

# Debian's python3 (python3-venv is for it); the first python3 on PATH may be another (pyenv).
SYSTEM_PYTHON=/usr/bin/python3
if ! "$VENV/bin/python" -c "import yaml, check_jsonschema" 2>/dev/null \
  || ! "$VENV/bin/check-jsonschema" --version 2>/dev/null | grep -q "$CHECK_JSONSCHEMA_VERSION"; then
  step "Installing check-jsonschema $CHECK_JSONSCHEMA_VERSION and PyYAML into $VENV"
  rm -rf "$VENV"
  "$SYSTEM_PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "check-jsonschema==$CHECK_JSONSCHEMA_VERSION" PyYAML
fi
PYTHON="$VENV/bin/python"

COMPOSE_V1=""
if "$COMPOSE_V1_VENV/bin/docker-compose" version 2>/dev/null | grep -q "$DOCKER_COMPOSE_V1_VERSION"; then
  COMPOSE_V1="$COMPOSE_V1_VENV/bin/docker-compose"
else
  step "Installing docker-compose $DOCKER_COMPOSE_V1_VERSION (PyPI) into $COMPOSE_V1_VENV"
  rm -rf "$COMPOSE_V1_VENV"
  if "$SYSTEM_PYTHON" -m venv "$COMPOSE_V1_VENV" \
    && "$COMPOSE_V1_VENV/bin/pip" install --quiet --disable-pip-version-check "cython<3" wheel setuptools \
    && "$COMPOSE_V1_VENV/bin/pip" install --quiet --disable-pip-version-check --no-build-isolation "PyYAML==5.4.1" \
    && "$COMPOSE_V1_VENV/bin/pip" install --quiet --disable-pip-version-check "docker-compose==$DOCKER_COMPOSE_V1_VERSION"; then
    COMPOSE_V1="$COMPOSE_V1_VENV/bin/docker-compose"
  else
    echo "docker-compose $DOCKER_COMPOSE_V1_VERSION did not install on this Python: its step is skipped" >&2
  fi
fi

COMBINATIONS=(
  "base|docker-compose.yml"
  "local|docker-compose.yml docker-compose.override.yml"
  "prod|docker-compose.yml docker-compose.prod.yml"
)

step "check_deploy_config.py: compose rules (base, local, prod) and fly.toml"
"$PYTHON" scripts/check_deploy_config.py --emit "$WORK/merged"

step "Compose JSON schema (check-jsonschema --builtin-schema vendor.compose-spec): each file and each merge"
"$VENV/bin/check-jsonschema" --builtin-schema vendor.compose-spec \
  docker-compose.yml docker-compose.override.yml docker-compose.prod.yml \
  "$WORK/merged/base.json" "$WORK/merged/local.json" "$WORK/merged/prod.json"

# docker-compose v1 runs in a copy of the project whose .env is .env.example (the real .env is
# not committed; env_file: .env must exist), with a clean environment (no stray API_TAG & co).
compose_v1_project() {
  local dir="$1"
  mkdir -p "$dir"
  cp docker-compose.yml docker-compose.override.yml docker-compose.prod.yml "$dir/"
  cp .env.example "$dir/.env"
  ln -s "$ROOT/deploy" "$dir/deploy"
}
compose_v1_config() {
  local dir="$1"; shift
  local args=()
  for file in "$@"; do args+=(-f "$dir/$file"); done
  env -i PATH="$PATH" HOME="$HOME" "$COMPOSE_V1" --project-directory "$dir" "${args[@]}" config -q
}
if [ -n "$COMPOSE_V1" ]; then
  step "docker-compose $DOCKER_COMPOSE_V1_VERSION config -q: base, local and prod parse, interpolate and merge"
  compose_v1_project "$WORK/project"
  for combination in "${COMBINATIONS[@]}"; do
    label="${combination%%|*}"
    # shellcheck disable=SC2086 # one argument per file
    compose_v1_config "$WORK/project" ${combination#*|}
    echo "  ok   $label: ${combination#*|}"
  done
else
  step "docker-compose config: skipped (docker-compose $DOCKER_COMPOSE_V1_VERSION not installed)"
fi

step "promtool check config deploy/prometheus/prometheus.compose.yml (the compose stack's Prometheus)"
promtool check config deploy/prometheus/prometheus.compose.yml

step "check_dashboards.py against the compose datasources and promtail.compose.yml"
"$PYTHON" scripts/check_dashboards.py --datasources deploy/grafana/compose/datasources \
  --promtail deploy/promtail/promtail.compose.yml

step "fly.toml JSON schema: none published in a package (see above); check_deploy_config.py's fly.* checks stand in"

if have yamllint; then
  step "yamllint (.yamllint) docker-compose*.yml"
  yamllint --strict -c .yamllint docker-compose.yml docker-compose.override.yml docker-compose.prod.yml
fi
if have shellcheck; then
  step "shellcheck scripts/check_deploy_config.sh"
  shellcheck -x scripts/check_deploy_config.sh
fi

step "Proof: check_deploy_config.py --self-test (every check fails on a copy broken for it)"
"$PYTHON" scripts/check_deploy_config.py --self-test

step "Proof: each tool rejects a broken file"
expect_failure() {
  local what="$1"; shift
  if "$@" >"$WORK/out.txt" 2>&1; then
    echo "  FAIL $what: accepted" >&2
    cat "$WORK/out.txt" >&2
    exit 1
  fi
  local why
  why="$(grep -m 1 -iE 'error|invalid|unsupported|fail|not a valid|label' "$WORK/out.txt" || tail -n 1 "$WORK/out.txt")"
  echo "  ok   $what: rejected (${why:0:120})"
}
# break NAME SED-EXPRESSION: a copy of docker-compose.yml with one mistake, which must differ.
break_compose() {
  mkdir -p "$WORK/$1"
  sed -e "$2" docker-compose.yml > "$WORK/$1/docker-compose.yml"
  if cmp -s docker-compose.yml "$WORK/$1/docker-compose.yml"; then
    echo "  FAIL $1: the sed expression changed nothing in docker-compose.yml: update it" >&2
    exit 1
  fi
}
break_compose misspelt 's/^    stop_grace_period: 25s$/    stop_grace_periode: 25s/'
break_compose not-a-number 's/^      replicas: 2$/      replicas: two/'
break_compose bad-condition 's/condition: service_completed_successfully/condition: service_finished/'
for broken in misspelt not-a-number bad-condition; do
  # The schema takes a string wherever an integer may come from a ${VARIABLE}: not-a-number is
  # for docker-compose config, which interpolates first.
  if [ "$broken" != not-a-number ]; then
    expect_failure "compose schema, $broken" "$VENV/bin/check-jsonschema" --builtin-schema vendor.compose-spec "$WORK/$broken/docker-compose.yml"
  fi
  if [ -n "$COMPOSE_V1" ]; then
    compose_v1_project "$WORK/$broken-project"
    cp "$WORK/$broken/docker-compose.yml" "$WORK/$broken-project/docker-compose.yml"
    expect_failure "docker-compose config, $broken" compose_v1_config "$WORK/$broken-project" docker-compose.yml docker-compose.prod.yml
  fi
done
mkdir -p "$WORK/broken"
sed 's/type: A$/type: AAA/' deploy/prometheus/prometheus.compose.yml > "$WORK/broken/prometheus.compose.yml"
cp -r deploy/prometheus/rules "$WORK/broken/rules"
expect_failure "promtool, bad dns_sd type" promtool check config "$WORK/broken/prometheus.compose.yml"
sed 's/^          level:$/          request_id:/' deploy/promtail/promtail.compose.yml > "$WORK/broken/promtail.compose.yml"
expect_failure "check_dashboards.py, request_id as a label" "$PYTHON" scripts/check_dashboards.py \
  --datasources deploy/grafana/compose/datasources --promtail "$WORK/broken/promtail.compose.yml"

step "Deployment configuration: all checks passed"
