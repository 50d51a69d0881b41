#!/usr/bin/env bash
# The wasm performance budget (issue #9): the entry bundle every page loads must stay within
# WASM_BUDGET_BYTES brotli-compressed (default 250,000). Pages are lazily loaded chunks
# (`cargo leptos build --split`): the largest and the total are printed for comparison.
#   scripts/check_wasm_budget.sh [SITE_DIR] [HASH_TXT]
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
site="${1:-$ROOT/target/site}"
hashes="${2:-$ROOT/target/release/hash.txt}"
budget="${WASM_BUDGET_BYTES:-250000}"
die() { echo "$*" >&2; exit 1; }
[ -f "$hashes" ] || die "no $hashes: build the release first (cargo leptos build --release --split)"
wasm_hash=$(sed -n 's/^wasm: *//p' "$hashes")
entry="$site/pkg/taskmanager.$wasm_hash.wasm"
[ -f "$entry.br" ] || die "no precompressed entry bundle $entry.br (lib.sh precompress_site)"
size() { stat -c %s "$1"; }
entry_raw=$(size "$entry")
entry_br=$(size "$entry.br")
total_br=0
largest=0
largest_name=""
for f in "$site"/pkg/*.wasm.br; do
  n=$(size "$f")
  total_br=$((total_br + n))
  case "$(basename "$f")" in
    split___*)
      if [ "$n" -gt "$largest" ]; then largest=$n; largest_name=$(basename "$f" .wasm.br); fi ;;
  esac
done
chunks=$(find "$site/pkg" -maxdepth 1 -name '*.wasm' | wc -l)
printf 'wasm entry:   %9d bytes raw, %7d bytes brotli (budget %d)\n' "$entry_raw" "$entry_br" "$budget"
printf 'largest page: %9s %7d bytes brotli (%s)\n' "" "$largest" "${largest_name%%_[0-9]*}"
printf 'all %3d wasm files: %16d bytes brotli\n' "$chunks" "$total_br"
fail=0
if [ "$entry_br" -gt "$budget" ]; then
  echo "FAIL: the entry bundle is $((entry_br - budget)) bytes over its budget" >&2
  fail=1
fi
exit "$fail"
