#!/usr/bin/env python3
"""The Lighthouse budget's seeding and report parsing, for scripts/check_lighthouse.sh.

Usage (each command prints what it found; the exit status is the verdict):

    lighthouse_budget.py seed BASE TASKS EMAIL PASSWORD
        Registers EMAIL, creates a workspace and TASKS tasks spread over its columns through the
        REST API (../shared/API.md). Prints `workspace=ID` and `columns=N`.
    lighthouse_budget.py headers BASE EMAIL PASSWORD CLIENT OUT_JSON
        Signs in (POST /api/v1/auth/login) and writes Lighthouse's --extra-headers file: the
        session cookies a signed-in browser sends to pages (tm_access = the access token,
        tm_session = the hint) and x-lh-client = CLIENT (the rate limits' client address).
    lighthouse_budget.py board URL HEADERS_JSON TASKS
        GETs the board page as the browser will (the headers file's cookies): 200, signed in,
        with seeded task titles ("Task 0: ...") server-rendered; prints how many.
    lighthouse_budget.py perf-run REPORT_JSON EXPECTED_URL
        One Lighthouse performance report: score and metrics on one line; fails when the run
        errored, has no score, or did not end on EXPECTED_URL (a redirect to /signin would be
        measured instead of the board).
    lighthouse_budget.py perf-decided MIN_SCORE REPORT_JSON...
        Exit 0 when the median score of 3 runs is already decided by these reports (two on the
        same side of MIN_SCORE), 1 when another run is needed.
    lighthouse_budget.py perf-summary MIN_SCORE MAX_CLS REPORT_JSON...
        The median score over the runs and the worst CLS; fails when the median score is below
        MIN_SCORE (0-100) or any run's CLS is above MAX_CLS.
    lighthouse_budget.py pwa REPORT_JSON
        Lighthouse 11's PWA category audit by audit; fails unless installable-manifest scores 1.
    lighthouse_budget.py save DIRECTORY REPORT_JSON...
        Copies reports into DIRECTORY, without the extra headers (the session cookie).

Exit status: 0 pass, 1 fail, 2 unreadable input or a failed request.
"""

from __future__ import annotations

import http.client
import json
import re
import statistics
import sys
import urllib.parse

CLIENT_HEADER = "x-lh-client"


def die(msg: str, code: int = 2) -> None:
    print(f"lighthouse_budget: {msg}", file=sys.stderr)
    sys.exit(code)


class Api:
    """A keep-alive connection to the app; every request names its own client address so the
    per-client limits (login, API) never refuse the seeding."""

    def __init__(self, base: str, client_prefix: str = "10.88") -> None:
        url = urllib.parse.urlsplit(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        self.prefix = client_prefix
        self.calls = 0

    def call(self, method: str, path: str, body: dict | None, token: str | None = None):
        self.calls += 1
        headers = {
            "content-type": "application/json",
            CLIENT_HEADER: f"{self.prefix}.{1 + self.calls // 250}.{self.calls % 250}",
        }
        if token:
            headers["authorization"] = f"Bearer {token}"
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None,
                          headers=headers)
        res = self.conn.getresponse()
        data = res.read()
        if res.status >= 300:
            die(f"{method} {path} answered {res.status}: {data[:300]!r}")
        return json.loads(data) if data else None


def seed(base: str, tasks: str, email: str, password: str) -> None:
    api = Api(base)
    user = api.call("POST", "/api/v1/auth/register",
                    {"email": email, "password": password, "name": "Lighthouse"})
    token = user["access_token"]
    ws = api.call("POST", "/api/v1/workspaces", {"name": "Lighthouse board"}, token)
    columns = [c["key"] for c in ws["columns"]]
    verbs = ["fix", "write", "ship", "review", "plan"]
    things = ["login", "board", "docs", "search", "billing"]
    for i in range(int(tasks)):
        api.call("POST", f"/api/v1/workspaces/{ws['id']}/tasks", {
            "title": f"Task {i}: {verbs[i % 5]} {things[(i // 5) % 5]}",
            "description": f"Details for task {i}",
            "status": columns[i % len(columns)],
            "priority": ["low", "medium", "medium", "high", "urgent"][i % 5],
            "labels": [["bug", "feature", "ops"][i % 3]],
            "due_at": f"2026-12-{1 + i % 28:02d}T12:00:00Z",
        }, token)
    print(f"workspace={ws['id']}")
    print(f"columns={len(columns)}")


def headers(base: str, email: str, password: str, client: str, out: str) -> None:
    api = Api(base, client_prefix="10.89")
    session = api.call("POST", "/api/v1/auth/login", {"email": email, "password": password})
    with open(out, "w") as f:
        json.dump({"Cookie": f"tm_session=1; tm_access={session['access_token']}",
                   CLIENT_HEADER: client}, f)


def board(url: str, headers_json: str, tasks: str) -> None:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    with open(headers_json) as f:
        sent = json.load(f)
    conn.request("GET", parts.path, headers={**sent, "accept": "text/html"})
    res = conn.getresponse()
    html = res.read().decode("utf-8", errors="replace")
    if res.status != 200:
        die(f"GET {url} answered {res.status} (location: {res.getheader('location')})", 1)
    seen = {int(n) for n in re.findall(r"Task (\d+): ", html)} & set(range(int(tasks)))
    # The board renders the first page of each column (app::api::board::BOARD_PAGE) and loads
    # the rest on "show more": not every seeded task is in the HTML.
    print(f"board: {len(seen)} of the {tasks} seeded tasks server-rendered (each column's first "
          f"page), {len(html):,} bytes of HTML")
    if not seen:
        die(f"GET {url} rendered none of the seeded tasks (signed out?)", 1)


def load(path: str) -> dict:
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        die(f"{path}: no Lighthouse report ({e})")
    return {}


METRICS = [  # (audit id, label, unit)
    ("first-contentful-paint", "FCP", "ms"),
    ("largest-contentful-paint", "LCP", "ms"),
    ("total-blocking-time", "TBT", "ms"),
    ("cumulative-layout-shift", "CLS", ""),
    ("speed-index", "SI", "ms"),
]


def metrics(lhr: dict) -> dict:
    out = {}
    for audit, label, _ in METRICS:
        value = lhr.get("audits", {}).get(audit, {}).get("numericValue")
        out[label] = value
    score = lhr.get("categories", {}).get("performance", {}).get("score")
    out["score"] = None if score is None else round(score * 100)
    dom = lhr.get("audits", {}).get("dom-size", {}).get("numericValue")
    out["dom"] = dom
    return out


def fmt(label: str, value) -> str:
    if value is None:
        return f"{label} n/a"
    if label == "CLS":
        return f"{label} {value:.3f}"
    return f"{label} {value:,.0f} ms"


def perf_run(path: str, expected_url: str) -> None:
    lhr = load(path)
    problems = []
    err = lhr.get("runtimeError")
    if err:
        problems.append(f"runtime error {err.get('code')}: {err.get('message')}")
    final = lhr.get("finalDisplayedUrl") or lhr.get("finalUrl")
    if final != expected_url:
        problems.append(f"ended on {final}, not {expected_url} (redirected: not signed in?)")
    m = metrics(lhr)
    if m["score"] is None:
        problems.append("no performance score")
    line = "  ".join([f"score {m['score'] if m['score'] is not None else 'n/a'}"]
                     + [fmt(label, m[label]) for _, label, _ in METRICS])
    if m["dom"] is not None:
        line += f"  DOM {m['dom']:,.0f} elements"
    print(line)
    for warning in lhr.get("runWarnings", []):
        print(f"  lighthouse warning: {warning}")
    culprits(lhr, m)
    if problems:
        for p in problems:
            print(f"  FAIL: {p}")
        sys.exit(1)


def node_label(node: dict | None) -> str:
    if not node:
        return "(no element)"
    snippet = (node.get("snippet") or "")[:90]
    return f"{node.get('nodeLabel', '')[:40]!r} {node.get('selector', '')} {snippet}"


def culprits(lhr: dict, m: dict) -> None:
    """What shifted (when CLS is above 0.005) and the LCP element (when LCP is above 1.5 s)."""
    audits = lhr.get("audits", {})
    if (m.get("CLS") or 0) > 0.005:
        items = (audits.get("layout-shifts", {}).get("details") or {}).get("items", [])
        for item in items[:3]:
            print(f"    shift {item.get('score', 0):.3f}: {node_label(item.get('node'))}")
            for sub in (item.get("subItems") or {}).get("items", []):
                print(f"      cause: {sub.get('cause')} {sub.get('extra', {}).get('value', '')}")
        if not items:
            print("    (no layout-shifts details in the report)")
    if (m.get("LCP") or 0) > 1500:
        table = (audits.get("largest-contentful-paint-element", {}).get("details") or {}).get("items", [])
        node = None
        if table and table[0].get("items"):
            node = table[0]["items"][0].get("node")
        print(f"    LCP element: {node_label(node)}")


def save(directory: str, *paths: str) -> None:
    """Copies reports to DIRECTORY without the extra headers (the session cookie)."""
    import os
    os.makedirs(directory, exist_ok=True)
    for p in paths:
        lhr = load(p)
        lhr.get("configSettings", {}).pop("extraHeaders", None)
        with open(os.path.join(directory, os.path.basename(p)), "w") as f:
            json.dump(lhr, f)


def scores(paths: list[str]) -> list[int]:
    out = []
    for p in paths:
        s = metrics(load(p))["score"]
        if s is not None:
            out.append(s)
    return out


def perf_decided(min_score: str, *paths: str) -> None:
    s = scores(list(paths))
    passing = sum(1 for v in s if v >= float(min_score))
    # The median of 3 is at least MIN_SCORE exactly when 2 of the 3 runs are.
    sys.exit(0 if passing >= 2 or len(s) - passing >= 2 else 1)


def perf_summary(min_score: str, max_cls: str, *paths: str) -> None:
    runs = [metrics(load(p)) for p in paths]
    runs = [r for r in runs if r["score"] is not None]
    if not runs:
        die("no run produced a performance score", 1)
    median = {label: statistics.median(r[label] for r in runs if r[label] is not None)
              for _, label, _ in METRICS if any(r[label] is not None for r in runs)}
    median_score = statistics.median(r["score"] for r in runs)
    worst_cls = max((r["CLS"] for r in runs if r["CLS"] is not None), default=None)
    print(f"performance {median_score:g}  (budget >= {min_score}; median of {len(runs)} runs: "
          f"{', '.join(str(r['score']) for r in runs)})")
    print("  median " + "  ".join(fmt(label, median.get(label)) for _, label, _ in METRICS))
    print(f"  worst CLS {'n/a' if worst_cls is None else f'{worst_cls:.3f}'}  (budget <= {max_cls})")
    failed = False
    if median_score < float(min_score):
        print(f"  FAIL: median performance score {median_score:g} < {min_score}")
        failed = True
    if worst_cls is None or worst_cls > float(max_cls):
        shown = "n/a" if worst_cls is None else f"{worst_cls:.3f}"
        print(f"  FAIL: cumulative layout shift {shown} > {max_cls} in a run")
        failed = True
    sys.exit(1 if failed else 0)


def pwa(path: str) -> None:
    lhr = load(path)
    err = lhr.get("runtimeError")
    if err:
        print(f"  lighthouse runtime error {err.get('code')}: {err.get('message')}")
    category = lhr.get("categories", {}).get("pwa")
    if not category:
        die(f"{path}: no pwa category (Lighthouse {lhr.get('lighthouseVersion')})", 1)
    audits = lhr.get("audits", {})
    print(f"PWA (Lighthouse {lhr.get('lighthouseVersion')}, "
          f"{lhr.get('environment', {}).get('hostUserAgent', '?')}) on "
          f"{lhr.get('finalDisplayedUrl') or lhr.get('finalUrl')}")
    for ref in category.get("auditRefs", []):
        audit = audits.get(ref["id"], {})
        mode = audit.get("scoreDisplayMode")
        score = audit.get("score")
        if mode == "manual":
            verdict = "manual"
        elif mode == "notApplicable":
            verdict = "n/a"
        elif score is None:
            verdict = "error"
        else:
            verdict = "pass" if score >= 1 else "FAIL"
        gate = "  (gating)" if ref["id"] == "installable-manifest" else ""
        print(f"  {verdict:<6} {ref['id']:<24} {audit.get('title', '')}{gate}")
        if verdict in ("FAIL", "error"):
            if audit.get("errorMessage"):
                print(f"         error: {audit['errorMessage']}")
            if audit.get("explanation"):
                print(f"         {audit['explanation']}")
            for item in (audit.get("details") or {}).get("items", []):
                if item.get("reason"):  # installability errors, as Chromium words them
                    print(f"         - {item['reason']}")
        for warning in audit.get("warnings") or []:
            print(f"         warning: {warning}")
    audit = audits.get("installable-manifest", {})
    if audit.get("score") != 1:
        reasons = [i["reason"] for i in (audit.get("details") or {}).get("items", [])
                   if i.get("reason")] or [audit.get("errorMessage") or "no reason given"]
        print(f"installable-manifest: scored {audit.get('score')}, not 1: {'; '.join(reasons)}")
        sys.exit(1)
    print("installable-manifest: pass")


COMMANDS = {
    "seed": seed, "headers": headers, "board": board, "perf-run": perf_run,
    "perf-decided": perf_decided, "perf-summary": perf_summary, "pwa": pwa, "save": save,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        die(__doc__.strip())
    COMMANDS[sys.argv[1]](*sys.argv[2:])
