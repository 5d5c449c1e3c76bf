#!/usr/bin/env bash
# The format benchmark at a tiny scale, so that it cannot rot (figures are not checked here).
set -euo pipefail
bin=$1 src=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
RESULTS=$out bash "$src/bench/run-format-bench" "$bin/.." 0.001 >/dev/null
grep -q "bytes per socket per snapshot" "$out"
grep -q "open (lookup) median" "$out"
echo "bench smoke: ok"
