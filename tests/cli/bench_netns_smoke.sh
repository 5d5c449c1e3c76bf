#!/usr/bin/env bash
# The namespace benchmark at a tiny scale (3 namespaces of 40 sockets against one of 120, one
# run), so that it cannot rot: checks that the table is produced and that no namespace is left
# behind, not the figures. Writes to a temporary file, never RESULTS.md. Needs root (network
# namespaces), like the live tests: skipped otherwise.
set -euo pipefail
bin=$1 src=$2
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
  echo "bench netns smoke: skipped (needs root and ip)"
  exit 0
fi
namespaces_before=$(ip netns list | grep -o '^netsnap-nsbench-[^ ]*' || true)
out=$(mktemp) log=$(mktemp)
trap 'rm -f "$out" "$log"' EXIT
if ! bash "$src/bench/run-netns-bench" --smoke --build "$bin/.." --output "$out" >/dev/null 2>"$log"; then
  echo "bench netns smoke: run-netns-bench failed:" >&2
  cat "$log" >&2
  exit 1
fi
grep -q "^## Namespaces, " "$out"
grep -q "^| \`--all-netns\`, 3 namespaces x 40 sockets | [0-9.]* | [0-9.-]* | [0-9.]* |" "$out"
grep -q "^| \`--all-netns\`, 1 namespace x 120 sockets | [0-9.]* |" "$out"
grep -q "^| one namespace (\`ip netns exec\`, no --all-netns), 120 sockets | [0-9.]* |" "$out"
grep -q "^- 3 x 40 / 1 x 120, both \`--all-netns\` (CPU): [0-9.]* \[target <= 1.5: " "$out"
namespaces_after=$(ip netns list | grep -o '^netsnap-nsbench-[^ ]*' || true)
if [ "$namespaces_after" != "$namespaces_before" ]; then
  echo "bench netns smoke: a namespace was left behind" >&2
  exit 1
fi
echo "bench netns smoke: ok"
