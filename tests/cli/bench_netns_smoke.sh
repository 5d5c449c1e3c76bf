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
# Figures, not their values: at this scale a steady-state cost (a difference of two runs) can
# come out below zero on a busy machine, and a ratio over it as n/a.
expect_line() {  # PATTERN (grep basic regular expression)
  grep -q "$1" "$out" && return
  echo "bench netns smoke: no line matching '$1' in:" >&2
  cat "$out" >&2
  exit 1
}
num='-\?[0-9.]*'
expect_line "^## Namespaces, "
expect_line "^| \`--all-netns\`, 3 namespaces x 40 sockets | $num | [0-9.-]* | $num |"
expect_line "^| \`--all-netns\`, 1 namespace x 120 sockets | $num |"
expect_line "^| one namespace (\`ip netns exec\`, no --all-netns), 120 sockets | $num |"
expect_line "^- 3 x 40 / 1 x 120, both \`--all-netns\` (CPU): \(n/a\|$num\) \[target <= 1.5: "
namespaces_after=$(ip netns list | grep -o '^netsnap-nsbench-[^ ]*' || true)
if [ "$namespaces_after" != "$namespaces_before" ]; then
  echo "bench netns smoke: a namespace was left behind" >&2
  exit 1
fi
echo "bench netns smoke: ok"
