#!/usr/bin/env python3
"""Checks the deployment configuration: the Docker Compose files and fly.toml.

Usage:
    python3 scripts/check_deploy_config.py [--root DIR] [--emit DIR]
    python3 scripts/check_deploy_config.py --self-test

Compose (docker-compose.yml, + docker-compose.override.yml = "local", + docker-compose.prod.yml
= "prod"), each combination interpolated with .env.example's values and merged the way Compose
merges files (mappings by key, volumes by target, ports added, command replaced):
  compose.parse         the files are YAML mappings with services
  compose.env_example   every ${VARIABLE} the files use is set in .env.example under a comment;
                        every ${VAR:?} the files require gets a value there
  compose.env_known     every TM_* name in .env.example and in the app's environment is one of
                        the app's settings (server/src/config.rs SETTINGS: the app refuses others)
  compose.gitignore     .env is ignored by git, .env.example is not; so are the secret mounts
  compose.depends_on    every depends_on target is a service
  compose.healthy       a `condition: service_healthy` target has a healthcheck
  compose.completed     a `condition: service_completed_successfully` target is a one-shot:
                        restart "no" or on-failure, one replica
  compose.healthchecks  every long-running service has a healthcheck (one-shots and certbot aside)
  compose.image         api's image is ghcr.io/${GITHUB_OWNER}/taskmanager:${API_TAG}; migrate
                        runs the same image
  compose.replicas      api runs 2 replicas (base, local and prod)
  compose.mounts        every host path under ./deploy exists (the nginx files included); other
                        relative host paths are ignored by git (secrets); named volumes declared
  compose.config_files  a --config.file / -config.file argument names a file mounted from the repo
  compose.secrets_inline no secret in the files: a variable named like a secret (SECRET, PASS,
                        PASSWORD, TOKEN, API_KEY) is ${VAR} or ${VAR:?...} alone, never a literal
                        or a ${VAR:-default}; no password in a URL or on a command line
  compose.api_env       api's environment: TM_LISTEN, TM_DATABASE_URL, TM_REDIS_URL,
                        TM_LOG_FORMAT, TM_CLIENT_IP_HEADER, TM_DRAIN_SECONDS as agreed;
                        TM_PUBLIC_URL, TM_SECRET_KEY, TM_DATABASE_USER/PASS required from .env
  compose.drain         api's stop_grace_period exceeds TM_DRAIN_SECONDS by 5 s or more
  compose.api_health    api's healthcheck is ["CMD", "/app/taskmanager", "healthcheck"]
  compose.migrate       migrate runs `migrate`; api waits for it to complete successfully
  compose.urls          the hosts in the app's, Grafana's, promtail's and Prometheus' URLs are
                        services, on the ports they listen on
  compose.surreal_tag   the SurrealDB image is v<the surrealdb crate's version in Cargo.lock>
  compose.nginx         nginx mounts deploy/nginx/{nginx,app}.conf and the certbot paths, and
                        waits for api to be healthy
  compose.networks      every network a service joins is declared
  compose.ports         prod publishes only nginx's 80 and 443; local publishes other services
                        on 127.0.0.1 only
  compose.prod_restart  prod: long-running services restart unless-stopped (or always), one-shots
                        do not restart
  compose.prod_limits   prod: every service has CPU and memory limits
  compose.prod_logging  prod: every service's logs rotate (logging options max-size)
  ops.prometheus        prometheus.compose.yml: same global, rule_files and relabelling as
                        prometheus.yml; finds the api replicas by DNS on TM_LISTEN's port
  ops.loki              every directory deploy/loki/loki.yml writes to is on the loki service's
                        volume (as written, or moved there by a flag of its command)
  ops.grafana           the compose datasources equal the provisioned ones but for `url`
  ops.promtail          promtail.compose.yml keeps promtail.yml's json/level/timestamp stages

fly.toml (TOML 1.0 via tomllib):
  fly.keys              every key is one flyctl knows (allowlist from flyctl's
                        internal/appconfig/testdata/full-reference.toml, the file flyctl keeps
                        with every setting); no published JSON schema ships in a package
  fly.strategy          [deploy] strategy = "bluegreen"
  fly.release           release_command runs `migrate`
  fly.check             an [[http_service.checks]] GETs /api/v1/health/ready
  fly.kill_signal       kill_signal = "SIGTERM"
  fly.kill_timeout      kill_timeout >= TM_DRAIN_SECONDS + 5 s, and <= 300 s (fly's maximum)
  fly.metrics           [metrics] on TM_METRICS_LISTEN's port (never the public internal_port), path /metrics
  fly.mounts            no [mounts]: the database is external
  fly.min_machines      http_service.min_machines_running >= 2
  fly.internal_port     internal_port equals TM_LISTEN's port, and TM_LISTEN listens on 0.0.0.0
  fly.env_secrets       [env] holds no secret (they are fly secrets) and no unknown TM_* name
  fly.restart           [[restart]] policies are always, on-failure or never

--emit DIR writes base.json, local.json and prod.json (interpolated and merged) and fly.json
for JSON-schema validation. --self-test copies the files to a temporary directory, checks that
the copy passes, then breaks it once per check (about 50 mutations) and checks that each break
is reported by the check meant to catch it. Exit status: 0 when everything holds, 1 otherwise.
Python 3.11+ (tomllib) and PyYAML.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent

COMPOSE_BASE = "docker-compose.yml"
COMPOSE_LOCAL = "docker-compose.override.yml"
COMPOSE_PROD = "docker-compose.prod.yml"
ENV_EXAMPLE = ".env.example"

# Services that run once and exit, and helpers without a port to probe.
ONE_SHOTS = {"migrate", "local-tls"}
NO_HEALTHCHECK = ONE_SHOTS | {"certbot"}
# Host paths outside the repository that a service may mount.
ALLOWED_ABSOLUTE_MOUNTS = {"/var/run/docker.sock"}
SECRET_NAME = re.compile(r"SECRET|PASS|TOKEN|API_KEY|PRIVATE_KEY")
# ${VAR} or ${VAR:?message} / ${VAR?message}: a required variable with no default.
PURE_REFERENCE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?\?[^}]*)?\}$")
API_IMAGE = re.compile(r"^ghcr\.io/\$\{GITHUB_OWNER(?::?-[^}]*)?\}/taskmanager:\$\{API_TAG(?::?-[^}]*)?\}$")
API_ENV = {
    "TM_LISTEN": "0.0.0.0:8080",
    "TM_DATABASE_URL": "ws://surrealdb:8000",
    "TM_REDIS_URL": "redis://redis:6379",
    "TM_LOG_FORMAT": "json",
    "TM_CLIENT_IP_HEADER": "x-real-ip",
    "TM_DRAIN_SECONDS": "10",
}
API_ENV_REQUIRED = ("TM_PUBLIC_URL", "TM_SECRET_KEY", "TM_DATABASE_USER", "TM_DATABASE_PASS")
# loki.yml's directories and the flags that move them (grafana/loki v3.7 flag names).
LOKI_PATH_FLAGS = {
    ("common", "path_prefix"): "-common.path-prefix",
    ("common", "storage", "filesystem", "chunks_directory"): "-common.storage.filesystem.chunk-directory",
    ("common", "storage", "filesystem", "rules_directory"): "-common.storage.filesystem.rules-directory",
    ("compactor", "working_directory"): "-compactor.working-directory",
}
DRAIN_MARGIN_S = 5
FLY_MAX_KILL_TIMEOUT_S = 300

# Every key flyctl reads from fly.toml, section by section: flyctl's
# internal/appconfig/testdata/full-reference.toml (and config.go / service.go, v0.4.87). A spec
# is {key: sub-spec}: None for a plain value, "*" for a free-form table (names of your choosing);
# arrays of tables ([[vm]], [[http_service.checks]]) are specified by their items' keys.
def _s(*plain: str, **sections: object) -> dict:
    return {**{k: None for k in plain}, **sections}


_CHECK = _s("interval", "timeout", "grace_period", "method", "path", "protocol", "tls_skip_verify",
            "tls_server_name", "port", "type", "processes", headers="*")
_MACHINE_CHECK = _s("command", "image", "entrypoint", "kill_timeout", "kill_signal")
_CONCURRENCY = _s("type", "hard_limit", "soft_limit")
FLY_KEYS = _s(
    "app", "primary_region", "kill_signal", "kill_timeout", "swap_size_mb", "console_command",
    "host_dedication_id", "machine_config", "container",
    experimental=_s("cmd", "entrypoint", "exec", "auto_rollback", "enable_consul", "enable_etcd",
                    "lazy_load_images", "machine_config", attached="*"),
    build=_s("builder", "buildpacks", "image", "builtin", "dockerfile", "ignorefile", "build-target",
             "compression", "compression_level", args="*", settings="*", compose=_s("file")),
    deploy=_s("strategy", "max_unavailable", "wait_timeout", "release_command", "release_command_timeout",
              "seed_command", release_command_vm="*"),
    env="*",
    processes="*",
    restart=_s("policy", "retries", "processes"),
    metrics=_s("port", "path", "processes", "https"),
    http_service=_s("internal_port", "force_https", "auto_start_machines", "auto_stop_machines",
                    "min_machines_running", "processes", concurrency=_CONCURRENCY,
                    tls_options=_s("alpn", "versions", "default_self_signed"), http_options="*",
                    checks=_CHECK, machine_checks=_MACHINE_CHECK),
    services=_s("internal_port", "protocol", "processes", "auto_start_machines", "auto_stop_machines",
                "min_machines_running", concurrency=_CONCURRENCY, ports="*",
                tcp_checks=_s("interval", "timeout", "grace_period"), http_checks=_CHECK,
                machine_checks=_MACHINE_CHECK),
    checks="*",
    machine_checks=_MACHINE_CHECK,
    statics=_s("guest_path", "url_prefix", "tigris_bucket", "index_document"),
    files=_s("guest_path", "local_path", "secret_name", "raw_value", "processes"),
    mounts=_s("source", "destination", "initial_size", "snapshot_retention", "scheduled_snapshots",
              "auto_extend_size_threshold", "auto_extend_size_increment", "auto_extend_size_limit", "processes"),
    vm=_s("size", "memory", "cpu_kind", "cpus", "memory_mb", "gpus", "gpu_kind", "kernel_args",
          "host_dedication_id", "processes", "persist_rootfs"),
)


class Problems:
    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, check: str, message: str) -> None:
        self.items.append((check, message))

    def ids(self) -> set[str]:
        return {check for check, _ in self.items}


# -- helpers --------------------------------------------------------------------------------------
def duration_seconds(value: object) -> float | None:
    """Compose/Go durations (25s, 1m30s, 500ms) and bare numbers (seconds)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str) or not value:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    total, pos = 0.0, 0
    for m in re.finditer(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", value):
        if m.start() != pos:
            return None
        total += float(m.group(1)) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6}[m.group(2)]
        pos = m.end()
    return total if pos == len(value) else None


def known_settings(root: Path) -> set[str]:
    text = (root / "server/src/config.rs").read_text()
    return set(re.findall(r'SettingDoc\s*\{\s*name:\s*"([A-Z0-9_]+)"', text))


def is_gitignored(root: Path, rel: str) -> bool:
    """Whether .gitignore's plain patterns (no negations are used) ignore the path."""
    path = rel.lstrip("./") if rel.startswith("./") else rel
    parts = path.strip("/").split("/")
    for raw in (root / ".gitignore").read_text().splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#") or pattern.startswith("!"):
            continue
        anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
        pat = pattern.strip("/")
        pat_re = re.compile("^" + re.escape(pat).replace(r"\*", "[^/]*") + "$")
        if anchored:
            pat_parts = pat.split("/")
            if len(parts) >= len(pat_parts) and all(
                re.fullmatch(re.escape(p).replace(r"\*", "[^/]*"), q) for p, q in zip(pat_parts, parts)
            ):
                return True
        elif any(pat_re.match(part) for part in parts):
            return True
    return False


# -- .env.example ---------------------------------------------------------------------------------
def read_env_example(path: Path, problems: Problems) -> dict[str, str]:
    """KEY=VALUE lines; each must sit in a block (lines between blank lines) with a comment above it."""
    env: dict[str, str] = {}
    commented = False
    for number, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            commented = False
            continue
        if stripped.startswith("#"):
            commented = True
            continue
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", stripped)
        if not m:
            problems.add("compose.env_example", f"{path.name}:{number}: not KEY=VALUE: {line!r}")
            continue
        name, value = m.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if not commented:
            problems.add("compose.env_example", f"{path.name}:{number}: {name} has no comment saying what it is")
        env[name] = value
    return env


# -- interpolation --------------------------------------------------------------------------------
_VAR = re.compile(r"\$(?:(?P<dollar>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))")


def interpolate(value: object, env: dict[str, str], used: set[str], problems: Problems | None, where: str) -> object:
    """Compose's ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}, ${VAR:+x}, $$."""
    if isinstance(value, dict):
        return {k: interpolate(v, env, used, problems, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env, used, problems, f"{where}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def repl(m: re.Match) -> str:
        if m.group("dollar"):
            return "$"
        if m.group("named"):
            used.add(m.group("named"))
            return env.get(m.group("named"), "")
        body = m.group("braced")
        parsed = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?|:\+|\+)(.*))?$", body, re.S)
        if not parsed:
            if problems:
                problems.add("compose.parse", f"{where}: cannot interpolate ${{{body}}}")
            return ""
        name, op, arg = parsed.groups()
        used.add(name)
        val = env.get(name)
        if op is None:
            return val or ""
        if op == ":-":
            return val if val else arg
        if op == "-":
            return val if val is not None else arg
        if op in (":?", "?"):
            if (not val) if op == ":?" else (val is None):
                if problems:
                    problems.add("compose.env_example", f"{where}: {name} is required ({arg}) but {ENV_EXAMPLE} does not set it")
            return val or ""
        if op == ":+":
            return arg if val else ""
        return arg if val is not None else ""

    return _VAR.sub(repl, value)


def variables_used(value: object) -> set[str]:
    used: set[str] = set()
    interpolate(value, {}, used, None, "")
    return used


# -- merging --------------------------------------------------------------------------------------
def as_dict(value: object, list_default=None) -> dict:
    """environment/labels/depends_on/networks may be lists; make them mappings."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {k: v for k, v in value.items()}
    out = {}
    for item in value:
        if isinstance(item, str) and "=" in item and list_default is None:
            k, v = item.split("=", 1)
            out[k] = v
        else:
            out[item] = copy.deepcopy(list_default)
    return out


def parse_volume(entry: object) -> dict:
    if isinstance(entry, dict):
        source = entry.get("source")
        kind = entry.get("type") or ("bind" if isinstance(source, str) and source[:1] in "./~" else "volume")
        return {"type": kind, "source": source, "target": entry.get("target"),
                "read_only": bool(entry.get("read_only"))}
    parts = str(entry).split(":")
    if len(parts) == 1:
        return {"type": "volume", "source": None, "target": parts[0], "read_only": False}
    source, target = parts[0], parts[1]
    mode = parts[2] if len(parts) > 2 else ""
    kind = "bind" if source[:1] in "./~" else "volume"
    return {"type": kind, "source": source, "target": target, "read_only": "ro" in mode.split(",")}


def parse_port(entry: object) -> dict:
    if isinstance(entry, dict):
        return {"host_ip": entry.get("host_ip", ""), "published": str(entry.get("published", "")),
                "target": str(entry.get("target", ""))}
    text = str(entry).split("/")[0]
    parts = text.rsplit(":", 2)
    if len(parts) == 3:
        return {"host_ip": parts[0], "published": parts[1], "target": parts[2]}
    if len(parts) == 2:
        return {"host_ip": "", "published": parts[0], "target": parts[1]}
    return {"host_ip": "", "published": "", "target": parts[0]}


def deep_merge(a: object, b: object) -> object:
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = deep_merge(a[k], v) if k in a else copy.deepcopy(v)
        return out
    return copy.deepcopy(b)


def merge_service(a: dict, b: dict) -> dict:
    out = copy.deepcopy(a)
    for key, value in b.items():
        if key in ("environment", "labels"):
            out[key] = {**as_dict(out.get(key)), **as_dict(value)}
        elif key == "depends_on":
            out[key] = {**as_dict(out.get(key), {"condition": "service_started"}),
                        **as_dict(value, {"condition": "service_started"})}
        elif key == "networks":
            out[key] = {**as_dict(out.get(key), None), **as_dict(value, None)}
        elif key == "volumes":
            by_target = {parse_volume(v)["target"]: v for v in out.get(key, [])}
            by_target.update({parse_volume(v)["target"]: v for v in value})
            out[key] = list(by_target.values())
        elif key in ("ports", "expose", "dns", "extra_hosts", "cap_add", "cap_drop", "env_file"):
            merged = list(out.get(key) or []) if isinstance(out.get(key), list) else ([out[key]] if key in out else [])
            for item in value if isinstance(value, list) else [value]:
                if item not in merged:
                    merged.append(item)
            out[key] = merged
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:  # command, entrypoint, image, restart, ...: replaced
            out[key] = copy.deepcopy(value)
    return out


def merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if key == "services":
            services = out.setdefault("services", {})
            for name, svc in (value or {}).items():
                services[name] = merge_service(services[name], svc or {}) if name in services else copy.deepcopy(svc or {})
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


# -- loading --------------------------------------------------------------------------------------
def load_yaml(path: Path, problems: Problems, check: str) -> dict:
    try:
        doc = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as err:
        problems.add(check, f"{path.name}: cannot read: {err}")
        return {}
    if not isinstance(doc, dict):
        problems.add(check, f"{path.name}: not a YAML mapping")
        return {}
    return doc


class Compose:
    """The raw files and the three interpolated, merged configurations."""

    def __init__(self, root: Path, problems: Problems) -> None:
        self.root = root
        self.raw = {}
        for name in (COMPOSE_BASE, COMPOSE_LOCAL, COMPOSE_PROD):
            path = root / name
            if not path.is_file():
                problems.add("compose.parse", f"{name} is missing")
                self.raw[name] = {}
                continue
            self.raw[name] = load_yaml(path, problems, "compose.parse")
            if name == COMPOSE_BASE and not isinstance(self.raw[name].get("services"), dict):
                problems.add("compose.parse", f"{name} has no services")
        env_path = root / ENV_EXAMPLE
        self.env = read_env_example(env_path, problems) if env_path.is_file() else {}
        if not env_path.is_file():
            problems.add("compose.env_example", f"{ENV_EXAMPLE} is missing")
        self.used: dict[str, set[str]] = {}
        interpolated = {}
        for name, doc in self.raw.items():
            used: set[str] = set()
            interpolated[name] = interpolate(doc, self.env, used, problems, name)
            self.used[name] = used
        base = interpolated[COMPOSE_BASE]
        self.configs = {
            "base": merge({}, base),
            "local": merge(base, interpolated[COMPOSE_LOCAL]),
            "prod": merge(base, interpolated[COMPOSE_PROD]),
        }
        for cfg in self.configs.values():
            for svc in (cfg.get("services") or {}).values():
                for key, default in (("environment", None), ("depends_on", {"condition": "service_started"}),
                                     ("networks", None)):
                    if key in svc:
                        svc[key] = as_dict(svc[key], default) if key != "environment" else as_dict(svc[key])

    def raw_services(self, name: str = COMPOSE_BASE) -> dict:
        return self.raw.get(name, {}).get("services") or {}


# -- compose checks -------------------------------------------------------------------------------
def check_compose(root: Path, problems: Problems) -> Compose:
    c = Compose(root, problems)
    settings = known_settings(root)

    # compose.env_example: every variable used is documented in .env.example.
    for name, used in c.used.items():
        for var in sorted(used - set(c.env)):
            problems.add("compose.env_example", f"{name} uses ${{{var}}}, which {ENV_EXAMPLE} does not list")

    # compose.env_known: the app reads .env as its env_file and refuses unknown TM_* names.
    for var in sorted(v for v in c.env if v.startswith("TM_") and v not in settings):
        problems.add("compose.env_known", f"{ENV_EXAMPLE}: {var} is not one of the app's settings (server/src/config.rs)")

    # compose.gitignore
    if not is_gitignored(root, ".env"):
        problems.add("compose.gitignore", ".env is not ignored by .gitignore (it holds the secrets)")
    if is_gitignored(root, ENV_EXAMPLE):
        problems.add("compose.gitignore", f"{ENV_EXAMPLE} is ignored by .gitignore; it must be committed")

    for label, cfg in c.configs.items():
        services = cfg.get("services") or {}
        declared_networks = set((cfg.get("networks") or {}).keys())
        declared_volumes = set((cfg.get("volumes") or {}).keys())
        for name, svc in services.items():
            where = f"{label}: {name}"
            # compose.depends_on / healthy / completed
            for dep, spec in (svc.get("depends_on") or {}).items():
                condition = (spec or {}).get("condition", "service_started")
                target = services.get(dep)
                if target is None:
                    problems.add("compose.depends_on", f"{where} depends on {dep!r}, which is not a service")
                    continue
                if condition == "service_healthy":
                    hc = target.get("healthcheck") or {}
                    test = hc.get("test")
                    if not hc or hc.get("disable") or not test or test == ["NONE"]:
                        problems.add("compose.healthy", f"{where} waits for {dep} to be healthy, but {dep} has no healthcheck")
                elif condition == "service_completed_successfully":
                    restart = str(target.get("restart", "no"))
                    replicas = (target.get("deploy") or {}).get("replicas", 1)
                    if restart not in ("no", "on-failure") or replicas != 1 and dep in services:
                        problems.add("compose.completed", f"{where} waits for {dep} to complete, but {dep} is not a one-shot "
                                     f"(restart {restart}, replicas {replicas})")
            # compose.healthchecks
            if name not in NO_HEALTHCHECK:
                hc = svc.get("healthcheck") or {}
                if not hc.get("test") or hc.get("disable"):
                    problems.add("compose.healthchecks", f"{where} has no healthcheck")
            # compose.networks
            for net in (svc.get("networks") or {}):
                if net not in declared_networks:
                    problems.add("compose.networks", f"{where} joins network {net!r}, which is not declared")
            # compose.mounts (named volumes)
            for entry in svc.get("volumes") or []:
                vol = parse_volume(entry)
                if vol["type"] == "volume" and vol["source"] and vol["source"] not in declared_volumes:
                    problems.add("compose.mounts", f"{where} mounts volume {vol['source']!r}, which is not declared")

        # compose.replicas
        api = services.get("api") or {}
        if (api.get("deploy") or {}).get("replicas") != 2:
            problems.add("compose.replicas", f"{label}: api runs {(api.get('deploy') or {}).get('replicas', 1)} replica(s), not 2")

    base = c.configs["base"].get("services") or {}
    raw_base = c.raw_services()

    # compose.mounts / config_files (host paths), on every service of every file.
    mounted_files: dict[str, dict[str, Path]] = {}
    for label, cfg in c.configs.items():
        for name, svc in (cfg.get("services") or {}).items():
            for entry in svc.get("volumes") or []:
                vol = parse_volume(entry)
                if vol["type"] != "bind":
                    continue
                src = str(vol["source"])
                if src.startswith("/"):
                    if src not in ALLOWED_ABSOLUTE_MOUNTS:
                        problems.add("compose.mounts", f"{label}: {name} mounts host path {src}, outside the repository")
                    continue
                rel = src[2:] if src.startswith("./") else src
                host = root / rel
                if rel == "deploy" or rel.startswith("deploy/"):
                    if not host.exists():
                        problems.add("compose.mounts", f"{label}: {name} mounts ./{rel}, which does not exist")
                elif not is_gitignored(root, rel):
                    problems.add("compose.mounts", f"{label}: {name} mounts ./{rel}, outside deploy/ and not ignored by git")
                mounted_files.setdefault(name, {})[vol["target"]] = host
    for name, svc in base.items():
        args = svc.get("command") if isinstance(svc.get("command"), list) else str(svc.get("command", "")).split()
        for arg in args:
            m = re.match(r"^--?config\.file=(.+)$", str(arg))
            if not m:
                continue
            container_path = m.group(1)
            host = None
            for target, host_path in mounted_files.get(name, {}).items():
                if container_path == target:
                    host = host_path
                elif container_path.startswith(target.rstrip("/") + "/"):
                    host = host_path / container_path[len(target.rstrip("/")) + 1:]
            if host is None or not host.is_file():
                problems.add("compose.config_files", f"{name}: {arg} is not a file mounted from the repository")

    # compose.image
    raw_api = raw_base.get("api") or {}
    raw_image = str(raw_api.get("image", ""))
    if not API_IMAGE.match(raw_image):
        problems.add("compose.image", f"api image is {raw_image!r}, not ghcr.io/${{GITHUB_OWNER}}/taskmanager:${{API_TAG}}")
    if str((raw_base.get("migrate") or {}).get("image", "")) != raw_image:
        problems.add("compose.image", "migrate does not run the api's image")

    # compose.secrets_inline: on the raw files (before interpolation).
    for fname in (COMPOSE_BASE, COMPOSE_LOCAL, COMPOSE_PROD):
        for name, svc in c.raw_services(fname).items():
            env = as_dict((svc or {}).get("environment"))
            for key, value in env.items():
                value = "" if value is None else str(value)
                if SECRET_NAME.search(key) and not PURE_REFERENCE.match(value):
                    problems.add("compose.secrets_inline", f"{fname}: {name}.environment.{key} is not a required "
                                 f"${{VARIABLE}} from .env (a literal or a default is a secret in the file)")
                if re.search(r"://[^/@\s]*:[^/@\s]+@", value) and not re.search(r"://\$\{[^}]+\}@", value):
                    problems.add("compose.secrets_inline", f"{fname}: {name}.environment.{key} has a password in its URL")
            for key in ("command", "entrypoint"):
                args = (svc or {}).get(key)
                args = args if isinstance(args, list) else str(args or "").split()
                for i, arg in enumerate(args):
                    arg = str(arg)
                    flag, _, inline = arg.partition("=")
                    if flag in ("--pass", "--password", "--requirepass", "-p", "--token"):
                        value = inline if inline else (str(args[i + 1]) if i + 1 < len(args) else "")
                        if not PURE_REFERENCE.match(value):
                            problems.add("compose.secrets_inline", f"{fname}: {name}.{key} passes {flag} a literal")

    # compose.api_env
    api_env = as_dict(raw_api.get("environment"))
    for key, want in API_ENV.items():
        if str(api_env.get(key)) != want:
            problems.add("compose.api_env", f"api: {key} is {api_env.get(key)!r}, not {want!r}")
    for key in API_ENV_REQUIRED:
        value = str(api_env.get(key, ""))
        if not re.match(r"^\$\{" + key + r":\?[^}]*\}$", value):
            problems.add("compose.api_env", f"api: {key} is {value!r}, not ${{{key}:?...}} (required from .env)")
    if ".env" not in (raw_api.get("env_file") if isinstance(raw_api.get("env_file"), list) else [raw_api.get("env_file")]):
        problems.add("compose.api_env", "api does not read env_file .env")
    for label, cfg in c.configs.items():
        for name, svc in (cfg.get("services") or {}).items():
            for key in (svc.get("environment") or {}):
                if key.startswith("TM_") and key not in settings:
                    problems.add("compose.env_known", f"{label}: {name}.environment.{key} is not one of the app's settings")

    # compose.drain
    drain = duration_seconds(str(api_env.get("TM_DRAIN_SECONDS", "")))
    for label, cfg in c.configs.items():
        grace = duration_seconds((cfg["services"].get("api") or {}).get("stop_grace_period", "10s"))
        if drain is None or grace is None or grace < drain + DRAIN_MARGIN_S:
            problems.add("compose.drain", f"{label}: api stop_grace_period {grace}s is not TM_DRAIN_SECONDS ({drain}s) + {DRAIN_MARGIN_S}s or more")

    # compose.api_health
    test = ((base.get("api") or {}).get("healthcheck") or {}).get("test")
    if test != ["CMD", "/app/taskmanager", "healthcheck"]:
        problems.add("compose.api_health", f"api healthcheck is {test!r}")

    # compose.migrate
    for label, cfg in c.configs.items():
        services = cfg.get("services") or {}
        migrate = services.get("migrate")
        if migrate is None:
            problems.add("compose.migrate", f"{label}: no migrate service")
            continue
        cmd = migrate.get("command")
        if (cmd if isinstance(cmd, list) else str(cmd).split()) != ["migrate"]:
            problems.add("compose.migrate", f"{label}: migrate's command is {cmd!r}, not migrate")
        cond = ((services.get("api") or {}).get("depends_on") or {}).get("migrate", {}) or {}
        if cond.get("condition") != "service_completed_successfully":
            problems.add("compose.migrate", f"{label}: api does not wait for migrate to complete successfully")

    # compose.urls
    def url_to_service(where: str, url: str, want_port: int | None = None) -> None:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
        if host not in base:
            problems.add("compose.urls", f"{where}: {url} names host {host!r}, which is not a service")
        elif want_port is not None and port != want_port:
            problems.add("compose.urls", f"{where}: {url} uses port {port}, not {want_port}")

    env_now = (base.get("api") or {}).get("environment") or {}
    url_to_service("api TM_DATABASE_URL", str(env_now.get("TM_DATABASE_URL", "")), 8000)
    url_to_service("api TM_REDIS_URL", str(env_now.get("TM_REDIS_URL", "")), 6379)
    if env_now.get("TM_LISTEN") != API_ENV["TM_LISTEN"]:
        problems.add("compose.urls", "api does not listen on 0.0.0.0:8080")

    # compose.surreal_tag
    lock = (root / "Cargo.lock").read_text()
    m = re.search(r'\[\[package\]\]\nname = "surrealdb"\nversion = "([^"]+)"', lock)
    image = str((base.get("surrealdb") or {}).get("image", ""))
    if not m or image != f"surrealdb/surrealdb:v{m.group(1)}":
        problems.add("compose.surreal_tag", f"surrealdb image is {image!r}; the SDK in Cargo.lock is {m.group(1) if m else '?'}")

    # compose.nginx
    nginx = base.get("nginx") or {}
    targets = {parse_volume(v)["target"]: parse_volume(v) for v in nginx.get("volumes") or []}
    for target, source in (("/etc/nginx/nginx.conf", "./deploy/nginx/nginx.conf"),
                           ("/etc/nginx/app.conf", "./deploy/nginx/app.conf")):
        if (targets.get(target) or {}).get("source") != source:
            problems.add("compose.nginx", f"nginx does not mount {source} at {target}")
    for target in ("/etc/letsencrypt", "/var/www/certbot"):
        if target not in targets:
            problems.add("compose.nginx", f"nginx does not mount {target}")
    if ((nginx.get("depends_on") or {}).get("api") or {}).get("condition") != "service_healthy":
        problems.add("compose.nginx", "nginx does not wait for api to be healthy")

    # compose.ports
    for label, cfg in c.configs.items():
        for name, svc in (cfg.get("services") or {}).items():
            ports = [parse_port(p) for p in svc.get("ports") or []]
            if name == "nginx":
                published = sorted(p["published"] for p in ports)
                if label != "local" and published != ["443", "80"]:
                    problems.add("compose.ports", f"{label}: nginx publishes {published}, not 80 and 443")
                continue
            for p in ports:
                if label == "local" and p["host_ip"] == "127.0.0.1" and p["published"]:
                    continue
                problems.add("compose.ports", f"{label}: {name} publishes {p['published'] or p['target']}"
                             f"{' on ' + p['host_ip'] if p['host_ip'] else ' on every address'}"
                             f"{'' if label == 'local' else ' (only nginx may publish in production)'}")

    # compose.prod_*
    prod = c.configs["prod"].get("services") or {}
    for name, svc in prod.items():
        restart = str(svc.get("restart", "no"))
        if name in ONE_SHOTS:
            if restart not in ("no", "on-failure"):
                problems.add("compose.prod_restart", f"prod: one-shot {name} has restart {restart} (it would run again and again)")
        elif restart not in ("unless-stopped", "always"):
            problems.add("compose.prod_restart", f"prod: {name} has restart {restart}, not unless-stopped")
        limits = ((svc.get("deploy") or {}).get("resources") or {}).get("limits") or {}
        if not limits.get("memory") or not limits.get("cpus"):
            problems.add("compose.prod_limits", f"prod: {name} has no CPU and memory limits")
        logging = svc.get("logging") or {}
        if logging.get("driver", "json-file") not in ("json-file", "local") or not (logging.get("options") or {}).get("max-size"):
            problems.add("compose.prod_logging", f"prod: {name}'s logs do not rotate (logging options max-size)")

    check_ops_variants(root, c, problems)
    return c


def check_ops_variants(root: Path, c: Compose, problems: Problems) -> None:
    base = c.configs["base"].get("services") or {}

    # ops.prometheus
    prom = load_yaml(root / "deploy/prometheus/prometheus.yml", problems, "ops.prometheus")
    promc = load_yaml(root / "deploy/prometheus/prometheus.compose.yml", problems, "ops.prometheus")
    for key in ("global", "rule_files"):
        if prom.get(key) != promc.get(key):
            problems.add("ops.prometheus", f"prometheus.compose.yml's {key} differs from prometheus.yml's")

    def job(doc: dict, name: str) -> dict:
        return next((j for j in doc.get("scrape_configs") or [] if j.get("job_name") == name), {})

    tm, tmc = job(prom, "taskmanager"), job(promc, "taskmanager")
    for key in ("metrics_path", "metric_relabel_configs", "relabel_configs"):
        if tm.get(key) != tmc.get(key):
            problems.add("ops.prometheus", f"prometheus.compose.yml's taskmanager job: {key} differs from prometheus.yml's")
    listen_port = int(API_ENV["TM_LISTEN"].rsplit(":", 1)[1])
    sds = tmc.get("dns_sd_configs") or []
    if not any("api" in (sd.get("names") or []) and sd.get("port") == listen_port and sd.get("type", "SRV") == "A"
               for sd in sds):
        problems.add("ops.prometheus", f"prometheus.compose.yml does not find the api replicas (dns_sd_configs A `api` port {listen_port})")
    for am in (promc.get("alerting") or {}).get("alertmanagers") or []:
        for sc in am.get("static_configs") or []:
            for target in sc.get("targets") or []:
                if target.split(":")[0] not in base:
                    problems.add("ops.prometheus", f"prometheus.compose.yml: alertmanager target {target} is not a service")

    # ops.loki: every directory loki.yml writes to lies on a volume of the loki service, as
    # written or as moved there by a flag of its command (flags win over the file).
    loki_doc = load_yaml(root / "deploy/loki/loki.yml", problems, "ops.loki")
    loki = base.get("loki") or {}
    flags = dict(str(arg).split("=", 1) for arg in loki.get("command") or [] if "=" in str(arg))
    on_volumes = [parse_volume(v)["target"] for v in loki.get("volumes") or [] if parse_volume(v)["type"] == "volume"]

    def walk(node: object, path: tuple) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, path + (str(key),))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, path + (str(i),))
        elif isinstance(node, str) and node.startswith("/"):
            flag = LOKI_PATH_FLAGS.get(path)
            where = flags.get(flag, node) if flag else node
            if not any(where == t or where.startswith(t.rstrip("/") + "/") for t in on_volumes):
                problems.add("ops.loki", f"loki.yml {'.'.join(path)}: {where} is on no volume of the loki service"
                             f"{f' ({flag} moves it)' if flag else ''}")

    walk(loki_doc, ())

    # ops.grafana
    def datasources(path: Path) -> dict:
        doc = load_yaml(path, problems, "ops.grafana")
        return {ds.get("uid"): ds for ds in doc.get("datasources") or []}

    dsb = datasources(root / "deploy/grafana/provisioning/datasources/taskmanager.yml")
    dsc = datasources(root / "deploy/grafana/compose/datasources/taskmanager.yml")
    if set(dsb) != set(dsc):
        problems.add("ops.grafana", f"compose datasources {sorted(map(str, dsc))} are not the provisioned ones {sorted(map(str, dsb))}")
    for uid in set(dsb) & set(dsc):
        a = {k: v for k, v in dsb[uid].items() if k != "url"}
        b = {k: v for k, v in dsc[uid].items() if k != "url"}
        if a != b:
            problems.add("ops.grafana", f"compose datasource {uid} differs from the provisioned one in more than its url")
    for uid, ds in dsc.items():
        parts = urlsplit(str(ds.get("url", "")))
        if parts.hostname not in base:
            problems.add("ops.grafana", f"compose datasource {uid}: {ds.get('url')} is not a compose service")

    # ops.promtail
    pt = load_yaml(root / "deploy/promtail/promtail.yml", problems, "ops.promtail")
    ptc = load_yaml(root / "deploy/promtail/promtail.compose.yml", problems, "ops.promtail")
    stages = (job(pt, "taskmanager").get("pipeline_stages")) or []
    stages_c = (job(ptc, "taskmanager").get("pipeline_stages")) or []
    for stage in stages:
        text = json.dumps(stage)
        if "filename" in text or "instance" in text:
            continue  # promtail.yml takes the instance from the log file's name; compose from the container
        if stage not in stages_c:
            problems.add("ops.promtail", f"promtail.compose.yml lacks promtail.yml's stage {text}")
    for client in ptc.get("clients") or []:
        host = urlsplit(str(client.get("url", ""))).hostname
        if host not in base:
            problems.add("ops.promtail", f"promtail.compose.yml pushes to {client.get('url')}, not a compose service")


# -- fly.toml -------------------------------------------------------------------------------------
def check_fly_keys(table: object, allowed: object, where: str, problems: Problems) -> None:
    """allowed: {key: sub-spec}, "*" (anything) or None (a plain value)."""
    if allowed == "*" or allowed is None:
        return
    for item in table if isinstance(table, list) else [table]:
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            if key not in allowed:
                problems.add("fly.keys", f"fly.toml: unknown key {where + '.' if where else ''}{key}")
            else:
                check_fly_keys(value, allowed[key], f"{where}.{key}" if where else key, problems)


def check_fly(root: Path, problems: Problems) -> dict:
    try:
        fly = tomllib.loads((root / "fly.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError) as err:
        problems.add("fly.keys", f"fly.toml: cannot read: {err}")
        return {}
    settings = known_settings(root)
    check_fly_keys(fly, FLY_KEYS, "", problems)

    deploy = fly.get("deploy") or {}
    if deploy.get("strategy") != "bluegreen":
        problems.add("fly.strategy", f"fly.toml: [deploy] strategy is {deploy.get('strategy')!r}, not bluegreen")
    if str(deploy.get("release_command", "")).split()[-1:] != ["migrate"]:
        problems.add("fly.release", f"fly.toml: release_command {deploy.get('release_command')!r} does not run migrate")

    http = fly.get("http_service") or {}
    checks = http.get("checks") or []
    if not any(str(ch.get("method", "GET")).upper() == "GET" and ch.get("path") == "/api/v1/health/ready" for ch in checks):
        problems.add("fly.check", "fly.toml: no [[http_service.checks]] GETs /api/v1/health/ready")

    if fly.get("kill_signal") != "SIGTERM":
        problems.add("fly.kill_signal", f"fly.toml: kill_signal is {fly.get('kill_signal')!r}, not SIGTERM")
    env = fly.get("env") or {}
    drain = duration_seconds(str(env.get("TM_DRAIN_SECONDS", "10")))
    kill = duration_seconds(fly.get("kill_timeout", 5))
    if drain is None or kill is None or kill < drain + DRAIN_MARGIN_S or kill > FLY_MAX_KILL_TIMEOUT_S:
        problems.add("fly.kill_timeout", f"fly.toml: kill_timeout {kill}s is not between TM_DRAIN_SECONDS ({drain}s) + "
                     f"{DRAIN_MARGIN_S}s and {FLY_MAX_KILL_TIMEOUT_S}s")

    listen = str(env.get("TM_LISTEN", ""))
    port = http.get("internal_port")
    if not listen.startswith("0.0.0.0:") or listen.rsplit(":", 1)[-1] != str(port):
        problems.add("fly.internal_port", f"fly.toml: internal_port {port} does not match TM_LISTEN {listen!r} (0.0.0.0:<port>)")
    # fly's proxy fronts internal_port for everyone: /metrics must be on its own listener
    # (TM_METRICS_LISTEN), which [metrics] scrapes and no service exposes.
    metrics = fly.get("metrics")
    metrics = metrics if isinstance(metrics, list) else [metrics or {}]
    metrics_listen = str(env.get("TM_METRICS_LISTEN", ""))
    metrics_port = metrics_listen.rsplit(":", 1)[-1] if ":" in metrics_listen else ""
    if (not metrics_port or metrics_port == str(port)
            or not any(m.get("path") == "/metrics" and str(m.get("port")) == metrics_port for m in metrics)):
        problems.add("fly.metrics", f"fly.toml: [metrics] is not on TM_METRICS_LISTEN's own port "
                     f"({metrics_listen!r}, not internal_port {port}) with path /metrics")
    if fly.get("mounts"):
        problems.add("fly.mounts", "fly.toml: [mounts] present; the app is stateless (the database is external)")
    if not isinstance(http.get("min_machines_running"), int) or http["min_machines_running"] < 2:
        problems.add("fly.min_machines", f"fly.toml: min_machines_running is {http.get('min_machines_running')!r}, not 2 or more")
    for key in env:
        if SECRET_NAME.search(key) or key in ("TM_DATABASE_URL", "TM_REDIS_URL", "TM_SMTP_URL", "TM_DATABASE_USER"):
            problems.add("fly.env_secrets", f"fly.toml: [env] {key} belongs in fly secrets, not in the file")
        if key.startswith("TM_") and key not in settings:
            problems.add("fly.env_secrets", f"fly.toml: [env] {key} is not one of the app's settings")
    for restart in fly.get("restart") or []:
        if restart.get("policy") not in ("always", "on-failure", "never"):
            problems.add("fly.restart", f"fly.toml: [[restart]] policy {restart.get('policy')!r} is not always, on-failure or never")
    return fly


# -- running --------------------------------------------------------------------------------------
def run_checks(root: Path, emit: Path | None = None) -> Problems:
    problems = Problems()
    compose = check_compose(root, problems)
    fly = check_fly(root, problems)
    if emit:
        emit.mkdir(parents=True, exist_ok=True)
        for label, cfg in compose.configs.items():
            (emit / f"{label}.json").write_text(json.dumps(cfg, indent=1))
        (emit / "fly.json").write_text(json.dumps(fly, indent=1))
    return problems


def report(problems: Problems) -> int:
    for check, message in problems.items:
        print(f"  FAIL [{check}] {message}")
    return 1 if problems.items else 0


# -- self-test ------------------------------------------------------------------------------------
COPIED = [COMPOSE_BASE, COMPOSE_LOCAL, COMPOSE_PROD, ENV_EXAMPLE, ".gitignore", "fly.toml", "Cargo.lock",
          "server/src/config.rs", "deploy"]

# (expected check, file, old text, new text); new text None with old None: delete the file.
MUTATIONS: list[tuple[str, str, str | None, str | None]] = [
    ("compose.parse", COMPOSE_PROD, "services:\n", "services: [\n"),
    ("compose.depends_on", COMPOSE_BASE, "      redis:\n        condition: service_healthy",
     "      rediss:\n        condition: service_healthy"),
    ("compose.healthy", COMPOSE_BASE, 'test: ["CMD-SHELL", "redis-cli ping | grep -q PONG"]', "disable: true"),
    ("compose.healthchecks", COMPOSE_BASE, 'test: ["CMD-SHELL", "redis-cli ping | grep -q PONG"]', "disable: true"),
    ("compose.completed", COMPOSE_BASE, '    command: ["migrate"]\n    restart: "no"',
     '    command: ["migrate"]\n    restart: always'),
    ("compose.image", COMPOSE_BASE, "taskmanager:${API_TAG:-latest}", "taskmanager:1.0.0"),
    ("compose.replicas", COMPOSE_PROD, "      replicas: 2\n", "      replicas: 1\n"),
    ("compose.replicas", COMPOSE_BASE, "      replicas: 2\n", ""),
    ("compose.mounts", COMPOSE_BASE, "./deploy/loki/loki.yml:/etc/loki/loki.yml", "./deploy/loki/lokii.yml:/etc/loki/loki.yml"),
    ("compose.mounts", "deploy/nginx/app.conf", None, None),
    ("compose.mounts", "deploy/nginx/nginx.conf", None, None),
    ("compose.mounts", ".gitignore", "/secrets/\n", ""),
    ("compose.mounts", COMPOSE_BASE, "- loki-data:/loki", "- loki-dataa:/loki"),
    ("compose.config_files", COMPOSE_BASE, "--config.file=/etc/prometheus/prometheus.compose.yml",
     "--config.file=/etc/prometheus/prometheus.docker.yml"),
    ("compose.config_files", COMPOSE_BASE, "-config.file=/etc/promtail/promtail.compose.yml",
     "-config.file=/etc/promtail/promtail.yml"),
    ("compose.secrets_inline", COMPOSE_BASE, "TM_SECRET_KEY: ${TM_SECRET_KEY:?set TM_SECRET_KEY in .env, 32+ characters}",
     "TM_SECRET_KEY: 0123456789abcdef0123456789abcdef"),
    ("compose.secrets_inline", COMPOSE_BASE, "${GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD in .env}",
     "${GRAFANA_ADMIN_PASSWORD:-admin}"),
    ("compose.secrets_inline", COMPOSE_BASE, 'command: ["start", "--log", "info", "rocksdb:/data/db"]',
     'command: ["start", "--user", "root", "--pass", "hunter2", "rocksdb:/data/db"]'),
    ("compose.secrets_inline", COMPOSE_BASE, "TM_REDIS_URL: redis://redis:6379", "TM_REDIS_URL: redis://u:hunter2@redis:6379"),
    ("compose.gitignore", ".gitignore", "\n.env\n", "\n"),
    ("compose.gitignore", ".gitignore", "\n.env\n", "\n.env*\n"),
    ("compose.env_example", ENV_EXAMPLE, "GITHUB_OWNER=example\n", ""),
    ("compose.env_example", ENV_EXAMPLE, "TM_DATABASE_PASS=replace-me\n", "TM_DATABASE_PASS=\n"),
    ("compose.env_example", ENV_EXAMPLE, "GRAFANA_PORT=3000\n", "GRAFANA_PORT=3000\n\nLONELY=1\n"),
    ("compose.env_known", ENV_EXAMPLE, "TM_DATABASE_USER=root\n", "TM_DATABASE_USER=root\nTM_DATABASE_USR=root\n"),
    ("compose.env_known", COMPOSE_BASE, '    TM_DRAIN_SECONDS: "10"\n', '    TM_DRAIN_SECONDS: "10"\n    TM_DRAIN_SECS: "10"\n'),
    ("compose.api_env", COMPOSE_BASE, "TM_CLIENT_IP_HEADER: x-real-ip", "TM_CLIENT_IP_HEADER: x-forwarded-for"),
    ("compose.api_env", COMPOSE_BASE, "TM_SECRET_KEY: ${TM_SECRET_KEY:?set TM_SECRET_KEY in .env, 32+ characters}",
     "TM_SECRET_KEY: ${TM_SECRET_KEY}"),
    ("compose.api_env", COMPOSE_BASE, "  env_file: .env\n", ""),
    ("compose.drain", COMPOSE_BASE, "stop_grace_period: 25s", "stop_grace_period: 12s"),
    ("compose.drain", COMPOSE_BASE, 'TM_DRAIN_SECONDS: "10"', 'TM_DRAIN_SECONDS: "30"'),
    ("compose.api_health", COMPOSE_BASE, 'test: ["CMD", "/app/taskmanager", "healthcheck"]',
     'test: ["CMD", "curl", "-f", "http://127.0.0.1:8080/"]'),
    ("compose.migrate", COMPOSE_BASE, 'command: ["migrate"]', 'command: ["serve"]'),
    ("compose.migrate", COMPOSE_BASE, "condition: service_completed_successfully", "condition: service_started"),
    ("compose.urls", COMPOSE_BASE, "TM_DATABASE_URL: ws://surrealdb:8000", "TM_DATABASE_URL: ws://surreal:8000"),
    ("compose.urls", COMPOSE_BASE, "TM_REDIS_URL: redis://redis:6379", "TM_REDIS_URL: redis://redis:6380"),
    ("compose.surreal_tag", COMPOSE_BASE, "surrealdb/surrealdb:v3.3.5", "surrealdb/surrealdb:v3.0.0"),
    ("compose.nginx", COMPOSE_BASE, "./deploy/nginx/app.conf:/etc/nginx/app.conf:ro",
     "./deploy/nginx/app.conf:/etc/nginx/conf.d/app.conf:ro"),
    ("compose.nginx", COMPOSE_BASE, "      - certbot-www:/var/www/certbot:ro\n", ""),
    ("compose.networks", COMPOSE_BASE, "    networks: [edge, internal]", "    networks: [edge, backend]"),
    ("compose.ports", COMPOSE_PROD, "  prometheus:\n    restart: unless-stopped\n",
     '  prometheus:\n    restart: unless-stopped\n    ports: ["9090:9090"]\n'),
    ("compose.ports", COMPOSE_LOCAL, '"127.0.0.1:${GRAFANA_PORT:-3000}:3000"', '"${GRAFANA_PORT:-3000}:3000"'),
    ("compose.ports", COMPOSE_BASE, '      - "443:443"\n', ""),
    ("compose.prod_restart", COMPOSE_PROD, '    # A one-shot: restarting it after success would run it forever.\n    restart: "no"',
     "    restart: unless-stopped"),
    ("compose.prod_restart", COMPOSE_PROD, "  loki:\n    restart: unless-stopped\n", "  loki:\n"),
    ("compose.prod_limits", COMPOSE_PROD, "        limits: {cpus: \"0.50\", memory: 256M}\n    logging: *logging\n\n  prometheus:",
     "        reservations: {cpus: \"0.50\"}\n    logging: *logging\n\n  prometheus:"),
    ("compose.prod_logging", COMPOSE_PROD, "        limits: {cpus: \"0.25\", memory: 128M}\n    logging: *logging\n\n  grafana:",
     "        limits: {cpus: \"0.25\", memory: 128M}\n\n  grafana:"),
    ("ops.prometheus", "deploy/prometheus/prometheus.compose.yml", "      - names: [api]", "      - names: [app]"),
    ("ops.prometheus", "deploy/prometheus/prometheus.compose.yml", "  evaluation_interval: 30s", "  evaluation_interval: 1m"),
    ("ops.prometheus", "deploy/prometheus/prometheus.compose.yml", "        port: 8080", "        port: 3000"),
    ("ops.prometheus", "deploy/prometheus/prometheus.compose.yml", '- targets: ["alertmanager:9093"]\n\nscrape',
     '- targets: ["127.0.0.1:9093"]\n\nscrape'),
    ("ops.loki", COMPOSE_BASE, "      - -compactor.working-directory=/loki/compactor\n", ""),
    ("ops.loki", COMPOSE_BASE, "      - loki-data:/loki\n", "      - loki-data:/var/loki\n"),
    ("ops.loki", "deploy/loki/loki.yml", "  delete_request_store: filesystem\n",
     "  delete_request_store: filesystem\n  dummy_directory: /var/lib/loki/other\n"),
    ("compose.completed", COMPOSE_LOCAL, '    image: certbot/certbot:v5.1.0\n    restart: "no"',
     "    image: certbot/certbot:v5.1.0\n    restart: unless-stopped"),
    ("ops.grafana", "deploy/grafana/compose/datasources/taskmanager.yml", "    uid: loki", "    uid: logs"),
    ("ops.grafana", "deploy/grafana/compose/datasources/taskmanager.yml", "url: http://prometheus:9090", "url: http://127.0.0.1:9090"),
    ("ops.promtail", "deploy/promtail/promtail.compose.yml", "      - labels:\n          level:\n", ""),
    ("ops.promtail", "deploy/promtail/promtail.compose.yml", "url: http://loki:3100/", "url: http://127.0.0.1:3100/"),
    ("fly.keys", "fly.toml", "kill_timeout = 20", "kill_timout = 20"),
    ("fly.keys", "fly.toml", '    path = "/api/v1/health/ready"', '    path = "/api/v1/health/ready"\n    expect = 200'),
    ("fly.strategy", "fly.toml", 'strategy = "bluegreen"', 'strategy = "rolling"'),
    ("fly.release", "fly.toml", 'release_command = "/app/taskmanager migrate"', 'release_command = "/app/taskmanager serve"'),
    ("fly.check", "fly.toml", 'path = "/api/v1/health/ready"', 'path = "/api/v1/health/live"'),
    ("fly.check", "fly.toml", 'method = "GET"', 'method = "POST"'),
    ("fly.kill_signal", "fly.toml", 'kill_signal = "SIGTERM"', 'kill_signal = "SIGINT"'),
    ("fly.kill_timeout", "fly.toml", "kill_timeout = 20", "kill_timeout = 12"),
    ("fly.kill_timeout", "fly.toml", "kill_timeout = 20", 'kill_timeout = "10m"'),
    ("fly.metrics", "fly.toml", 'path = "/metrics"', 'path = "/prometheus"'),
    ("fly.metrics", "fly.toml", "[metrics]\n  port = 9091", "[metrics]\n  port = 8080"),
    ("fly.metrics", "fly.toml", '  TM_METRICS_LISTEN = "0.0.0.0:9091"\n', ""),
    ("fly.mounts", "fly.toml", "[[vm]]", '[mounts]\n  source = "data"\n  destination = "/data"\n\n[[vm]]'),
    ("fly.min_machines", "fly.toml", "min_machines_running = 2", "min_machines_running = 1"),
    ("fly.internal_port", "fly.toml", "internal_port = 8080", "internal_port = 3000"),
    ("fly.env_secrets", "fly.toml", '  LEPTOS_ENV = "PROD"', '  LEPTOS_ENV = "PROD"\n  TM_SECRET_KEY = "0123456789abcdef0123456789abcdef"'),
    ("fly.env_secrets", "fly.toml", '  LEPTOS_ENV = "PROD"', '  LEPTOS_ENV = "PROD"\n  TM_LOG_LEVEL = "info"'),
    ("fly.restart", "fly.toml", 'policy = "on-failure"', 'policy = "sometimes"'),
]


def copy_tree(root: Path, dest: Path) -> None:
    for rel in COPIED:
        src = root / rel
        if src.is_dir():
            shutil.copytree(src, dest / rel)
        else:
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def self_test(root: Path) -> int:
    failed = 0
    with tempfile.TemporaryDirectory(prefix="check_deploy_config.") as tmp:
        pristine = Path(tmp) / "pristine"
        copy_tree(root, pristine)
        stubbed = []
        for rel in ("deploy/nginx/nginx.conf", "deploy/nginx/app.conf"):
            if not (pristine / rel).exists():  # not landed yet in the repository: stand-ins in the copy
                (pristine / rel).write_text("# stand-in for the self-test\n")
                stubbed.append(rel)
        if stubbed:
            print(f"  note: {', '.join(stubbed)} not in the repository yet; stand-ins used in the copy")
        problems = run_checks(pristine)
        if problems.items:
            print("  FAIL the unmodified copy does not pass:")
            report(problems)
            return 1
        print(f"  ok   the unmodified copy passes; {len(MUTATIONS)} breaks follow")
        for number, (expected, rel, old, new) in enumerate(MUTATIONS, 1):
            case = Path(tmp) / f"case{number}"
            shutil.copytree(pristine, case)
            target = case / rel
            if old is None:
                target.unlink()
                what = f"{rel} deleted"
            else:
                text = target.read_text()
                if old not in text:
                    print(f"  FAIL #{number} {expected}: the text to break is not in {rel}: {old!r}")
                    failed += 1
                    continue
                target.write_text(text.replace(old, new, 1))
                what = f"{rel}: {old.strip()[:60]!r} -> {new.strip()[:60]!r}"
            got = run_checks(case)
            if expected in got.ids():
                print(f"  ok   #{number:<2} {expected:<24} caught: {what}")
            else:
                failed += 1
                print(f"  FAIL #{number:<2} {expected:<24} missed: {what} (reported: {sorted(got.ids()) or 'nothing'})")
            shutil.rmtree(case)
    print(f"self-test: {len(MUTATIONS) - failed} passed, {failed} failed")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this one)")
    parser.add_argument("--emit", type=Path, help="write the merged compose configurations and fly.toml as JSON here")
    parser.add_argument("--self-test", action="store_true", help="prove each check fails on a broken copy")
    args = parser.parse_args()
    if args.self_test:
        return self_test(args.root)
    problems = run_checks(args.root, args.emit)
    checks = sorted({line.split()[0] for line in __doc__.splitlines() if re.match(r"^  (compose|ops|fly)\.\w+", line)})
    if not problems.items:
        print(f"  ok   {len(checks)} checks on the compose files (base, local, prod) and fly.toml")
    return report(problems)


if __name__ == "__main__":
    sys.exit(main())
