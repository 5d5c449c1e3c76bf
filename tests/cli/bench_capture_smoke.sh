#!/usr/bin/env bash
# The capture benchmark at a tiny scale (200 sockets, one run), so that it cannot rot: checks
# that the table is produced, not the figures. Writes to a temporary file, never RESULTS.md.
# Needs root (network namespaces), like the live tests: skipped otherwise.
set -euo pipefail
bin=$1 src=$2
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
  echo "bench capture smoke: skipped (needs root and ip)"
  exit 0
fi
namespaces_before=$(ip netns list | grep -o '^netsnap-bench-[^ ]*' || true)
out=$(mktemp) log=$(mktemp)
trap 'rm -f "$out" "$log"' EXIT
if ! bash "$src/bench/run-capture-bench" --smoke --build "$bin/.." --output "$out" >/dev/null 2>"$log"; then
  echo "bench capture smoke: run-capture-bench failed:" >&2
  cat "$log" >&2
  exit 1
fi
grep -q "^## Capture, " "$out"
grep -q "^| \`ss -tanp\` | [0-9.]* |" "$out"
grep -q "^| \`netsnap-record -t\` (with owners) | [0-9.]* |" "$out"
grep -q "^| recorder with owners / \`ss -tanp\` | [0-9.]* | <= 0.1 |" "$out"
grep -q "^- sustained .* [0-9.]*% of one core" "$out"
namespaces_after=$(ip netns list | grep -o '^netsnap-bench-[^ ]*' || true)
if [ "$namespaces_after" != "$namespaces_before" ]; then
  echo "bench capture smoke: a namespace was left behind" >&2
  exit 1
fi
echo "bench capture smoke: ok"
