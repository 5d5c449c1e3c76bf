#!/usr/bin/env bash
# bench/run-performance-bench (issue 6's benchmark in one command) at a tiny scale, so that it
# cannot rot: both sections land in one file, each with its targets. The figures are not
# checked (bench_capture_smoke.sh and bench_analysis_smoke.sh check each table's form).
# Needs root (network namespaces), like the live tests: skipped otherwise.
set -euo pipefail
bin=$1 src=$2 name="bench performance smoke"
source "$(dirname "$0")/lib/bench_smoke.sh"
skip_unless_root
namespaces_before=$(namespaces_named netsnap-bench-)
run_bench run-performance-bench
for line in "^## Capture, " "^## Analysis and storage, " "^| recorder with owners / \`ss -tanp\` | [0-9.]* | <= 0.1 |" \
  "^- sustained .* [0-9.]*% of one core" "^| \`timeline\` >= 20x faster than the shell loop" \
  "churn 0.1, text -tuwxanpeo: [0-9.]*x"; do
  expect_line "$line"
done
expect_namespaces netsnap-bench- "$namespaces_before"
# A bad argument is one line and exit 2, before anything runs.
log=$(mktemp)
status=0
bash "$src/bench/run-performance-bench" --frobnicate >/dev/null 2>"$log" || status=$?
if [ "$status" != 2 ] || [ "$(wc -l <"$log")" != 1 ] || ! grep -q "unknown argument '--frobnicate'" "$log"; then
  echo "$name: an unknown argument gave exit $status and:" >&2
  cat "$log" >&2
  exit 1
fi
rm -f "$log"
echo "$name: ok"
