#!/usr/bin/env python3
"""Checks the observability configuration against itself and against what the app exports.

Usage:
    python3 scripts/check_dashboards.py [--exposition FILE] [--dashboard FILE ...]
        [--rules GLOB] [--runbooks FILE] [--datasources DIR] [--promtail FILE]
        [--not-yet PREFIX ...]

1. Dashboards (default deploy/grafana/dashboards/*.json): valid JSON; panel ids unique (rows'
   nested panels included); every panel but a row has a datasource and targets, every target
   an `expr` and a refId unique in its panel; gridPos inside the 24-column grid and no two
   panels overlapping; every `$var` / `${var}` / `[[var]]` used is a templating variable or a
   Grafana built-in; variables have a name and type, query variables a datasource and query;
   a datasource is a variable of the matching type or a uid provisioned in --datasources.
2. Metric names: every name in the PromQL of the dashboards (Prometheus targets, annotations,
   query variables) and of the rules (--rules, default deploy/prometheus/rules/*.yml) must be
   in the exposition file (--exposition, default deploy/prometheus/testdata/exposition.txt,
   or a live scrape of /metrics): declared in a `# TYPE` line or present as a sample. Samples of
   a histogram or summary family (`_bucket`, `_sum`, `_count`) and of an OpenMetrics counter
   family (`_total`, `_created`) resolve to their family. Recording rules defined in the rules,
   and the series Prometheus adds itself (`up`, `scrape_*`, `ALERTS`), count as known.
3. Rules: every alert has a severity label (critical, warning, ticket or none), summary,
   description and runbook_url annotations, and the runbook anchor is a heading of --runbooks
   (default docs/runbooks.md).
4. Logs (--promtail, default deploy/promtail/promtail.yml): promtail's labels are only service,
   instance and level (static labels, `labels` stages), and no stage turns a request or user id
   into a label.

Exit status: 0 when everything holds, 1 with the list of problems (unknown metrics listed by
name with where they are used), 2 when an input cannot be read.
Python 3 standard library and PyYAML (Debian: python3-yaml).
"""

from __future__ import annotations

import argparse
import glob
import json
import re
import sys
from pathlib import Path

try:
    import yaml
except ImportError:  # pragma: no cover - depends on the machine
    sys.exit("check_dashboards.py needs PyYAML: apt-get install python3-yaml")

ROOT = Path(__file__).resolve().parent.parent

# Series Prometheus writes itself, next to what a target exports.
PROMETHEUS_OWN = {
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
    "ALERTS",
    "ALERTS_FOR_STATE",
}
SEVERITIES = {"critical", "warning", "ticket", "none"}
ANNOTATIONS = ("summary", "description", "runbook_url")
LOG_LABELS = {"service", "instance", "level"}
# Grafana's own variables ($__rate_interval, $__interval, $__range, $__auto, ...) all start
# with two underscores; these are the others.
GRAFANA_BUILTINS = {"timeFilter"}

# PromQL words that look like metric names but are not.
PROMQL_KEYWORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
    "bool", "offset", "inf", "nan", "start", "end",
}
IDENT = re.compile(r"(?<![\w:.$])([A-Za-z_:][\w:]*)")
STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
NAME_MATCHER = re.compile(r'__name__\s*=\s*"([^"]+)"')
GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
VARIABLE = re.compile(r"\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]")


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects (functions, keywords and labels left out)."""
    names = set(NAME_MATCHER.findall(expr))
    text = STRING.sub('""', expr)
    text = re.sub(r"\{[^}]*\}", " ", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)  # ranges and subqueries
    text = GROUPING.sub(" ", text)  # by (...), on (...), group_left (...)
    text = re.sub(r"\$\{[^}]*\}|\$\w+|\[\[[^\]]*\]\]", " 1 ", text)  # Grafana variables
    text = re.sub(r"\boffset\s+-?\w+", " ", text)  # offset 1w
    for match in IDENT.finditer(text):
        word = match.group(1)
        following = text[match.end():].lstrip()
        if following.startswith("("):
            continue  # a function or an aggregation
        if word.lower() in PROMQL_KEYWORDS:
            continue
        names.add(word)
    return names


def read_exposition(path: Path) -> tuple[set[str], dict[str, str]]:
    """Sample names and declared families ({name: type}) of a text exposition."""
    samples: set[str] = set()
    families: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            parts = line.split()
            if len(parts) >= 4 and parts[1] == "TYPE":
                families[parts[2]] = parts[3]
            continue
        match = re.match(r"[A-Za-z_:][\w:]*", line)
        if match:
            samples.add(match.group(0))
    return samples, families


def is_known(name: str, samples: set[str], families: dict[str, str]) -> bool:
    if name in samples or name in families:
        return True
    for suffix, kinds in (("_bucket", {"histogram", "gaugehistogram"}),
                          ("_sum", {"histogram", "summary", "gaugehistogram"}),
                          ("_count", {"histogram", "summary", "gaugehistogram"}),
                          ("_gcount", {"gaugehistogram"}), ("_gsum", {"gaugehistogram"}),
                          ("_total", {"counter"}), ("_created", {"counter", "histogram", "summary"})):
        if name.endswith(suffix) and families.get(name[: -len(suffix)]) in kinds:
            return True
    return False


class Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.exprs: list[tuple[str, str]] = []  # (where, PromQL)
        self.recorded: set[str] = set()

    def problem(self, text: str) -> None:
        self.problems.append(text)

    # -- dashboards ---------------------------------------------------------------------------
    def dashboard(self, path: Path, provisioned: dict[str, str]) -> None:
        try:
            dash = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as err:
            self.problem(f"{path}: not valid JSON: {err}")
            return
        name = path.name
        for key in ("title", "uid", "panels", "templating"):
            if key not in dash:
                self.problem(f"{name}: no `{key}`")
        variables = self.variables(name, dash.get("templating", {}).get("list", []), provisioned)

        panels: list[dict] = []
        for panel in dash.get("panels", []):
            panels.append(panel)
            panels.extend(panel.get("panels", []))  # a collapsed row holds its panels
        ids: dict[object, str] = {}
        rects: list[tuple[str, int, int, int, int]] = []
        for panel in panels:
            title = panel.get("title", "(untitled)")
            where = f"{name}: panel {panel.get('id')} {title!r}"
            pid = panel.get("id")
            if not isinstance(pid, int):
                self.problem(f"{where}: id is not an integer")
            elif pid in ids:
                self.problem(f"{where}: id {pid} is also panel {ids[pid]!r}")
            else:
                ids[pid] = title
            rect = self.grid(where, panel.get("gridPos"))
            if rect and not (panel.get("type") == "row" and panel.get("collapsed")):
                rects.append((where, *rect))
            self.uses_variables(where, json.dumps(panel.get("title", "")), variables)
            if panel.get("type") == "row":
                continue
            ds_type = self.datasource(where, panel.get("datasource"), variables, provisioned)
            targets = panel.get("targets")
            if not targets:
                self.problem(f"{where}: no targets")
                continue
            ref_ids = set()
            for target in targets:
                expr = target.get("expr")
                ref = target.get("refId")
                if not expr or not str(expr).strip():
                    self.problem(f"{where}: target {ref} has no expr")
                    continue
                if ref in ref_ids or not ref:
                    self.problem(f"{where}: refId {ref!r} missing or repeated")
                ref_ids.add(ref)
                t_type = ds_type
                if "datasource" in target:
                    t_type = self.datasource(where, target["datasource"], variables, provisioned)
                self.uses_variables(where, expr, variables)
                if t_type == "prometheus":
                    self.exprs.append((f"{where} {ref}", expr))
                elif t_type == "loki":
                    self.logql(where, expr)
        self.overlaps(rects)
        for ann in dash.get("annotations", {}).get("list", []):
            if ann.get("expr"):
                where = f"{name}: annotation {ann.get('name')!r}"
                self.datasource(where, ann.get("datasource"), variables, provisioned)
                self.uses_variables(where, ann["expr"], variables)
                self.exprs.append((where, ann["expr"]))

    def variables(self, name: str, defined: list[dict], provisioned: dict[str, str]) -> dict[str, dict]:
        variables: dict[str, dict] = {}
        for var in defined:
            vname, vtype = var.get("name"), var.get("type")
            if not vname or not vtype:
                self.problem(f"{name}: a variable without name or type: {var}")
                continue
            if vname in variables:
                self.problem(f"{name}: variable {vname} defined twice")
            variables[vname] = var
        for vname, var in variables.items():
            where = f"{name}: variable {vname}"
            if var["type"] == "datasource" and not var.get("query"):
                self.problem(f"{where}: a datasource variable needs the plugin type in `query`")
            if var["type"] == "query":
                query = var.get("query")
                if isinstance(query, dict):
                    query = query.get("query")
                if not query:
                    self.problem(f"{where}: no query")
                    continue
                ds_type = self.datasource(where, var.get("datasource"), variables, provisioned)
                self.uses_variables(where, query, variables)
                if ds_type == "prometheus":
                    inner = re.match(r"\s*(?:label_values|query_result)\((.*)\)\s*$", query, re.S)
                    if inner and query.strip().startswith("label_values"):
                        selector = inner.group(1).rsplit(",", 1)[0] if "," in inner.group(1) else ""
                        if selector:
                            self.exprs.append((where, selector))
                    elif inner:
                        self.exprs.append((where, inner.group(1)))
        return variables

    def datasource(self, where: str, ds: object, variables: dict[str, dict], provisioned: dict[str, str]) -> str | None:
        """The datasource's plugin type; a problem when there is none or it is unknown."""
        if not ds:
            self.problem(f"{where}: no datasource")
            return None
        if isinstance(ds, str):
            uid, ds_type = ds, None
        elif isinstance(ds, dict):
            uid, ds_type = ds.get("uid"), ds.get("type")
        else:
            self.problem(f"{where}: datasource is neither a uid nor an object")
            return None
        if not uid:
            self.problem(f"{where}: datasource has no uid")
            return ds_type
        ref = VARIABLE.fullmatch(uid)
        if ref:
            vname = next(g for g in ref.groups() if g)
            var = variables.get(vname)
            if not var or var.get("type") != "datasource":
                self.problem(f"{where}: datasource ${vname} is not a datasource variable")
                return ds_type
            if ds_type and var.get("query") != ds_type:
                self.problem(f"{where}: a {ds_type} query on ${vname}, a {var.get('query')} variable")
            return ds_type or var.get("query")
        if uid.startswith("-- ") or uid == "grafana":
            return ds_type  # Grafana's built-in annotations/dashboard sources
        if uid not in provisioned:
            self.problem(f"{where}: datasource uid {uid!r} is not provisioned")
            return ds_type
        return ds_type or provisioned[uid]

    def uses_variables(self, where: str, text: str, variables: dict[str, dict]) -> None:
        for match in VARIABLE.finditer(text):
            vname = next(g for g in match.groups() if g)
            if vname.startswith("__") or vname in GRAFANA_BUILTINS or vname in variables:
                continue
            self.problem(f"{where}: uses ${vname}, which is not a dashboard variable")

    def grid(self, where: str, pos: object) -> tuple[int, int, int, int] | None:
        if not isinstance(pos, dict):
            self.problem(f"{where}: no gridPos")
            return None
        try:
            x, y, w, h = (pos[k] for k in ("x", "y", "w", "h"))
        except KeyError as err:
            self.problem(f"{where}: gridPos has no {err}")
            return None
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (x, y, w, h)):
            self.problem(f"{where}: gridPos values must be integers: {pos}")
            return None
        if x < 0 or y < 0 or w < 1 or h < 1 or x + w > 24:
            self.problem(f"{where}: gridPos {pos} is outside the 24-column grid")
            return None
        return x, y, w, h

    def overlaps(self, rects: list[tuple[str, int, int, int, int]]) -> None:
        for i, (a, ax, ay, aw, ah) in enumerate(rects):
            for b, bx, by, bw, bh in rects[i + 1:]:
                if ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah:
                    self.problem(f"{a}: overlaps {b.split(': ', 1)[1]}")

    def logql(self, where: str, expr: str) -> None:
        for selector in re.findall(r"\{([^}]*)\}", STRING.sub(lambda m: m.group(0).replace("{", "(").replace("}", ")"), expr)):
            for label in re.findall(r"([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)", selector):
                if label not in LOG_LABELS:
                    self.problem(f"{where}: log stream selector on {label!r}, not a Loki label ({', '.join(sorted(LOG_LABELS))})")

    # -- rules ----------------------------------------------------------------------------------
    def rules(self, files: list[Path], anchors: set[str] | None) -> None:
        for path in files:
            try:
                doc = yaml.safe_load(path.read_text()) or {}
            except (OSError, yaml.YAMLError) as err:
                self.problem(f"{path}: not valid YAML: {err}")
                continue
            for group in doc.get("groups", []):
                for rule in group.get("rules", []):
                    if "record" in rule:
                        self.recorded.add(rule["record"])
                        self.exprs.append((f"{path.name}: record {rule['record']}", str(rule.get("expr", ""))))
                    elif "alert" in rule:
                        name = rule["alert"]
                        where = f"{path.name}: alert {name}"
                        self.exprs.append((where, str(rule.get("expr", ""))))
                        severity = (rule.get("labels") or {}).get("severity")
                        if severity not in SEVERITIES:
                            self.problem(f"{where}: severity {severity!r} is not one of {sorted(SEVERITIES)}")
                        annotations = rule.get("annotations") or {}
                        for key in ANNOTATIONS:
                            if not annotations.get(key):
                                self.problem(f"{where}: no {key} annotation")
                        url = annotations.get("runbook_url", "")
                        if anchors is not None and url:
                            anchor = url.rsplit("#", 1)[1] if "#" in url else ""
                            if anchor not in anchors:
                                self.problem(f"{where}: runbook_url anchor #{anchor} is not a heading of the runbooks")

    # -- metric names ---------------------------------------------------------------------------
    def metrics(self, samples: set[str], families: dict[str, str]) -> list[str]:
        unknown: dict[str, list[str]] = {}
        for where, expr in self.exprs:
            for name in metric_names(expr):
                if name in self.recorded or name in PROMETHEUS_OWN or is_known(name, samples, families):
                    continue
                unknown.setdefault(name, []).append(where)
        lines = []
        for name in sorted(unknown):
            uses = unknown[name]
            shown = "; ".join(uses[:3]) + (f"; and {len(uses) - 3} more" if len(uses) > 3 else "")
            lines.append(f"  {name}  (used in {shown})")
        return lines

    # -- logs -----------------------------------------------------------------------------------
    def promtail(self, path: Path) -> None:
        try:
            doc = yaml.safe_load(path.read_text()) or {}
        except (OSError, yaml.YAMLError) as err:
            self.problem(f"{path}: not valid YAML: {err}")
            return
        for job in doc.get("scrape_configs", []):
            where = f"{path.name}: job {job.get('job_name')}"
            for static in job.get("static_configs", []):
                for label in (static.get("labels") or {}):
                    if not label.startswith("__") and label not in LOG_LABELS:
                        self.problem(f"{where}: static label {label!r} (allowed: {', '.join(sorted(LOG_LABELS))})")
            for stage in self.stages(job.get("pipeline_stages", [])):
                for kind, body in stage.items():
                    if kind == "labels":
                        for label in (body or {}):
                            if label not in LOG_LABELS:
                                self.problem(f"{where}: a labels stage makes {label!r} a label (allowed: {', '.join(sorted(LOG_LABELS))})")
                    if kind == "static_labels":
                        for label in (body or {}):
                            if label not in LOG_LABELS:
                                self.problem(f"{where}: static_labels adds {label!r}")
            text = json.dumps(job.get("relabel_configs", []))
            for label in re.findall(r'"target_label": "([^"]+)"', text):
                if not label.startswith("__") and label not in LOG_LABELS:
                    self.problem(f"{where}: relabel_configs sets label {label!r}")

    def stages(self, stages: list) -> list[dict]:
        out = []
        for stage in stages or []:
            if not isinstance(stage, dict):
                continue
            out.append(stage)
            match = stage.get("match")
            if isinstance(match, dict):
                out.extend(self.stages(match.get("stages", [])))
        return out


def runbook_anchors(path: Path) -> set[str]:
    """GitHub-style anchors of the Markdown headings."""
    anchors = set()
    for line in path.read_text().splitlines():
        heading = re.match(r"#{1,6}\s+(.*)", line)
        if heading:
            text = heading.group(1).strip().lower()
            text = re.sub(r"[^\w\- ]", "", text)
            anchors.add(text.replace(" ", "-"))
    return anchors


def provisioned_datasources(directory: Path) -> dict[str, str]:
    """{uid: type} of the datasources provisioned in directory's YAML files."""
    found: dict[str, str] = {}
    for path in sorted(directory.glob("*.y*ml")):
        doc = yaml.safe_load(path.read_text()) or {}
        for ds in doc.get("datasources", []):
            if ds.get("uid"):
                found[ds["uid"]] = ds.get("type", "")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--exposition", type=Path, default=ROOT / "deploy/prometheus/testdata/exposition.txt",
                        help="Prometheus text exposition (a /metrics scrape) that must hold every metric used")
    parser.add_argument("--dashboard", type=Path, action="append",
                        help="Grafana dashboard JSON (repeatable; default deploy/grafana/dashboards/*.json)")
    parser.add_argument("--rules", default=str(ROOT / "deploy/prometheus/rules/*.yml"), help="glob of Prometheus rule files")
    parser.add_argument("--runbooks", type=Path, default=ROOT / "docs/runbooks.md")
    parser.add_argument("--datasources", type=Path, default=ROOT / "deploy/grafana/provisioning/datasources")
    parser.add_argument("--promtail", type=Path, default=ROOT / "deploy/promtail/promtail.yml")
    parser.add_argument("--not-yet", action="append", default=[], metavar="PREFIX",
                        help="metric families (by name prefix) allowed to be missing from the "
                             "exposition because the feature exporting them has not landed; "
                             "listed in the output (repeatable)")
    args = parser.parse_args()

    dashboards = args.dashboard or sorted((ROOT / "deploy/grafana/dashboards").glob("*.json"))
    rule_files = [Path(p) for p in sorted(glob.glob(args.rules))]
    for path in [args.exposition, args.runbooks, args.promtail, *dashboards, *rule_files]:
        if not path.is_file():
            print(f"check_dashboards: cannot read {path}", file=sys.stderr)
            return 2
    if not dashboards or not rule_files:
        print("check_dashboards: no dashboards or no rule files found", file=sys.stderr)
        return 2

    checker = Checker()
    provisioned = provisioned_datasources(args.datasources) if args.datasources.is_dir() else {}
    checker.rules(rule_files, runbook_anchors(args.runbooks))
    for path in dashboards:
        checker.dashboard(path, provisioned)
    checker.promtail(args.promtail)
    samples, families = read_exposition(args.exposition)
    unknown = checker.metrics(samples, families)
    pending = [line for line in unknown if any(line.split()[0].startswith(p) for p in args.not_yet)]
    unknown = [line for line in unknown if line not in pending]
    if pending:
        print(f"{len(pending)} metric(s) not exported yet (allowed by --not-yet):")
        print("\n".join(pending))

    names = {n for _, e in checker.exprs for n in metric_names(e)}
    print(f"checked {len(dashboards)} dashboard(s), {len(rule_files)} rule file(s), "
          f"{len(checker.exprs)} PromQL expressions naming {len(names)} series "
          f"({len(checker.recorded)} recorded), against {args.exposition} "
          f"({len(families)} families declared)")
    failed = False
    if checker.problems:
        failed = True
        print(f"\n{len(checker.problems)} problem(s):")
        for problem in checker.problems:
            print(f"  {problem}")
    if unknown:
        failed = True
        print(f"\n{len(unknown)} metric(s) not in {args.exposition}:")
        print("\n".join(unknown))
    if failed:
        return 1
    print("ok: dashboards, rules and log labels are consistent; every metric used is exported")
    return 0


if __name__ == "__main__":
    sys.exit(main())
