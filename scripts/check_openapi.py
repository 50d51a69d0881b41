#!/usr/bin/env python3
"""Checks the served OpenAPI document against the HTTP contract.

Usage:
    python3 scripts/check_openapi.py path/to/openapi.json path/to/API.md \
        [--allow-missing PATH_PREFIX ...]

1. Validates the document with openapi-spec-validator
   (`pip install --break-system-packages openapi-spec-validator`).
2. Reads every `METHOD /api/v1/...` operation that API.md names -- in the first cell of its
   tables (`GET / PATCH / DELETE /api/v1/workspaces/{id}`, `GET /api/v1/auth/tokens, DELETE
   /api/v1/auth/tokens/{id}`, `GET /api/v1/workspaces/{id}/search?q=`) and in backquoted prose
   (`GET /api/v1/ws`) -- and checks that the document's `paths` (relative to /api/v1) hold each
   method and path. Query strings are ignored; path parameters match whatever their names.
   Paths outside /api/v1 (`GET /metrics`) are not part of the document and are skipped.

`--allow-missing PREFIX` (repeatable, relative to /api/v1, e.g. `/notifications`) names paths the
server does not serve yet: operations under them that the document lacks are listed as "not yet
served" instead of failing. A prefix matches whole path segments (`/ws` does not cover
`/workspaces`).

Exit status: 0 when the document is valid and nothing is missing, 1 otherwise, 2 when the
input cannot be read or the validator is not installed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

API_PREFIX = "/api/v1"
METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE")
_METHOD = "(?:" + "|".join(METHODS) + ")"
# One or more methods joined by " / ", then a path: `GET / PATCH / DELETE /api/v1/x/{id}`.
OPERATION = re.compile(
    r"\b(" + _METHOD + r"(?:\s*/\s*" + _METHOD + r")*)\s+(/[^\s,|`]*)"
)
# `METHOD /path` in backquotes anywhere in the text (the prose names `GET /api/v1/ws`).
QUOTED = re.compile(r"`(" + _METHOD + r")\s+(/[^\s`]*)`")
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
PARAM = re.compile(r"\{[^}/]*\}")


def normalize(path: str) -> str:
    """A path with its query string dropped and every `{param}` made `{}`."""
    path = path.split("?", 1)[0].split("#", 1)[0].rstrip(".,;:)")
    if len(path) > 1:
        path = path.rstrip("/")
    return PARAM.sub("{}", path)


def api_relative(path: str) -> str | None:
    """`/api/v1/x?y` -> `/x`; None for paths outside the API (e.g. `/metrics`)."""
    path = path.split("?", 1)[0]
    if path == API_PREFIX:
        return "/"
    if path.startswith(API_PREFIX + "/"):
        return path[len(API_PREFIX):]
    return None


def contract_operations(text: str) -> list[tuple[str, str]]:
    """(METHOD, path relative to /api/v1) for every operation API.md names, in order, once."""
    found: list[tuple[str, str]] = []

    def add(method: str, raw_path: str) -> None:
        rel = api_relative(raw_path)
        if rel is None:
            return
        op = (method.upper(), rel.rstrip(".,;:)"))
        if op not in found:
            found.append(op)

    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = UNESCAPED_PIPE.split(stripped)
            first = cells[1] if len(cells) > 1 else ""
            for match in OPERATION.finditer(first):
                for method in re.split(r"\s*/\s*", match.group(1)):
                    add(method, match.group(2))
        for match in QUOTED.finditer(line):
            add(match.group(1), match.group(2))
    return found


def document_operations(doc: dict) -> set[tuple[str, str]]:
    ops = set()
    for path, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for key in item:
            if key.upper() in METHODS:
                ops.add((key.upper(), normalize(path)))
    return ops


def allowed_missing(path: str, prefixes: list[str]) -> bool:
    path = normalize(path)
    for prefix in prefixes:
        prefix = normalize(prefix if prefix.startswith("/") else "/" + prefix)
        if prefix == "/" or path == prefix or path.startswith(prefix + "/"):
            return True
    return False


def validate_document(doc: dict) -> list[str]:
    """Problems openapi-spec-validator finds; empty when the document is valid."""
    try:
        import openapi_spec_validator as osv
    except ImportError:
        print(
            "openapi-spec-validator is not installed: "
            "pip install --break-system-packages openapi-spec-validator",
            file=sys.stderr,
        )
        sys.exit(2)
    validate = getattr(osv, "validate", None) or getattr(osv, "validate_spec")
    try:
        validate(doc)
    except Exception as e:  # the validator raises several kinds; report any of them
        problems = [f"{type(e).__name__}: {e}"]
        # Newer versions can list every problem rather than the first.
        cls = getattr(osv, "OpenAPIV31SpecValidator", None)
        if cls is not None and str(doc.get("openapi", "")).startswith("3.1"):
            try:
                every = [
                    f"{' > '.join(map(str, err.path)) or '(root)'}: {err.message}"
                    for err in cls(doc).iter_errors()
                ]
                if every:
                    problems = every
            except Exception:
                pass
        return problems
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Validate the OpenAPI document and check it covers every API.md operation."
    )
    parser.add_argument("openapi", type=Path, help="the OpenAPI JSON document")
    parser.add_argument("api_md", type=Path, help="the HTTP contract (API.md)")
    parser.add_argument(
        "--allow-missing",
        action="append",
        default=[],
        metavar="PATH_PREFIX",
        help="a path prefix relative to /api/v1 that may be absent (not yet served); repeatable",
    )
    args = parser.parse_args(argv)

    try:
        doc = json.loads(args.openapi.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        print(f"openapi: cannot read {args.openapi}: {e}", file=sys.stderr)
        return 2
    try:
        contract = contract_operations(args.api_md.read_text(encoding="utf-8"))
    except OSError as e:
        print(f"openapi: cannot read {args.api_md}: {e}", file=sys.stderr)
        return 2
    if not contract:
        print(f"openapi: no `METHOD {API_PREFIX}/...` operations found in {args.api_md}")
        return 1

    failed = False
    problems = validate_document(doc)
    for problem in problems:
        print(f"invalid: {problem}")
    failed |= bool(problems)

    documented = document_operations(doc)
    present, missing, not_yet = [], [], []
    for method, path in contract:
        if (method, normalize(path)) in documented:
            present.append((method, path))
        elif allowed_missing(path, args.allow_missing):
            not_yet.append((method, path))
        else:
            missing.append((method, path))
    for method, path in not_yet:
        print(f"not yet served: {method} {API_PREFIX}{path}")
    for method, path in missing:
        print(f"missing: {method} {API_PREFIX}{path} is in {args.api_md.name} but not in the document")
    failed |= bool(missing)

    if failed:
        print(
            f"openapi: FAILED ({len(problems)} validation problem(s), "
            f"{len(missing)} API.md operation(s) missing)"
        )
        return 1
    summary = (
        f"openapi: valid, {len(documented)} operations, "
        f"all {len(present)} API.md operations documented"
    )
    if not_yet:
        summary += f" ({len(not_yet)} not yet served)"
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
