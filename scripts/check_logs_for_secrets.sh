#!/usr/bin/env bash
# No secret in the logs of a run of the local topology (issue #6): the database password and
# the signing key the topology made, the password the browser specs sign up with, and anything
# shaped like a credential — access tokens (JWT), personal API tokens (tmpat_…), session
# cookies (tm_access=, tm_refresh=), reset or verification tokens in a logged URL.
#
#   scripts/check_logs_for_secrets.sh TOPOLOGY_DIR [PASSWORD ...]
#
# Reads every file under TOPOLOGY_DIR/logs and the nginx logs. Fails when the app's logs are
# missing or hold no request (so a silent logger cannot pass), or when any secret is found; the
# offending lines are printed with the secret masked.
set -euo pipefail
DIR="${1:?usage: check_logs_for_secrets.sh TOPOLOGY_DIR [PASSWORD ...]}"
shift
mapfile -t files < <(find "$DIR/logs" "$DIR/nginx/logs" -type f 2>/dev/null | sort)
[ "${#files[@]}" -gt 0 ] || { echo "no logs under $DIR" >&2; exit 1; }
requests=$(cat "$DIR"/logs/app-*.log 2>/dev/null | grep -c '"request completed"' || true)
[ "$requests" -gt 0 ] || { echo "the app logs under $DIR/logs hold no request: nothing to check" >&2; exit 1; }

literals=("$@")
for f in db-password secret-key; do
  [ -s "$DIR/$f" ] && literals+=("$(cat "$DIR/$f")")
done
patterns=(
  'eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}'   # a JWT (access token)
  'tmpat_[A-Za-z0-9_-]{8,}'                      # a personal API token
  'tm_(access|refresh)=[A-Za-z0-9._-]{8,}'         # a session cookie
  '[?&]token=[A-Za-z0-9._-]{8,}'                   # a mailed token in a URL
  '[Aa]uthorization: *[Bb]earer +[A-Za-z0-9._-]{8,}'
)

found=0
report() { # what, file, matching lines
  found=1
  echo "SECRET in $2 ($1):" >&2
  sed -E 's/(.{0,60}).*/  \1…/' <<<"$3" | head -n 3 >&2
}
for file in "${files[@]}"; do
  for literal in "${literals[@]}"; do
    if hits=$(grep -F -- "$literal" "$file"); then report "a known secret" "$file" "${hits//$literal/[MASKED]}"; fi
  done
  for pattern in "${patterns[@]}"; do
    if hits=$(grep -E -- "$pattern" "$file"); then report "/$pattern/" "$file" "$(sed -E "s/$pattern/[MASKED]/g" <<<"$hits")"; fi
  done
done
[ "$found" -eq 0 ] || exit 1
echo "ok: ${#files[@]} log files ($requests app requests) hold none of ${#literals[@]} known secrets or ${#patterns[@]} credential shapes"
