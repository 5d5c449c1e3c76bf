#!/usr/bin/env bash
# bench/run-performance-bench (issue 6's benchmark in one command) at a tiny scale, so that it
# cannot rot: both sections land in one file, each with its targets. The figures are not
# checked (bench_capture_smoke.sh and bench_analysis_smoke.sh check each table's form).
# Needs root (network namespaces), like the live tests: skipped otherwise.
set -euo pipefail
bin=$1 src=$2
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
  echo "bench performance smoke: skipped (needs root and ip)"
  exit 0
fi
namespaces_before=$(ip netns list | grep -o '^netsnap-bench-[^ ]*' || true)
out=$(mktemp) log=$(mktemp)
trap 'rm -f "$out" "$log"' EXIT
if ! bash "$src/bench/run-performance-bench" --smoke --build "$bin/.." --output "$out" >/dev/null 2>"$log"; then
  echo "bench performance smoke: run-performance-bench failed:" >&2
  cat "$log" >&2
  exit 1
fi
for line in "^## Capture, " "^## Analysis and storage, " "^| recorder with owners / \`ss -tanp\` | [0-9.]* | <= 0.1 |" \
  "^- sustained .* [0-9.]*% of one core" "^| \`timeline\` >= 20x faster than the shell loop" \
  "churn 0.1, text -tuwxanpeo: [0-9.]*x"; do
  grep -q -- "$line" "$out" || { echo "bench performance smoke: no line matching '$line' in the results" >&2; exit 1; }
done
namespaces_after=$(ip netns list | grep -o '^netsnap-bench-[^ ]*' || true)
if [ "$namespaces_after" != "$namespaces_before" ]; then
  echo "bench performance smoke: a namespace was left behind" >&2
  exit 1
fi
# A bad argument is one line and exit 2, before anything runs.
status=0
bash "$src/bench/run-performance-bench" --frobnicate >/dev/null 2>"$log" || status=$?
if [ "$status" != 2 ] || [ "$(wc -l <"$log")" != 1 ] || ! grep -q "unknown argument '--frobnicate'" "$log"; then
  echo "bench performance smoke: an unknown argument gave exit $status and:" >&2
  cat "$log" >&2
  exit 1
fi
echo "bench performance smoke: ok"
