#!/usr/bin/env bash
# The namespace benchmark at a tiny scale (3 namespaces of 40 sockets against one of 120, one
# run), so that it cannot rot: checks that the table is produced and that no namespace is left
# behind, not the figures. Writes to a temporary file, never RESULTS.md. Needs root (network
# namespaces), like the live tests: skipped otherwise.
set -euo pipefail
bin=$1 src=$2 name="bench netns smoke"
source "$(dirname "$0")/lib/bench_smoke.sh"
skip_unless_root
namespaces_before=$(namespaces_named netsnap-nsbench-)
run_bench run-netns-bench
# Figures, not their values: at this scale a steady-state cost (a difference of two runs) can
# come out below zero on a busy machine, and a ratio over it as n/a.
num='-\?[0-9.]*'
expect_line "^## Namespaces, "
expect_line "^| \`--all-netns\`, 3 namespaces x 40 sockets | $num | [0-9.-]* | $num |"
expect_line "^| \`--all-netns\`, 1 namespace x 120 sockets | $num |"
expect_line "^| one namespace (\`ip netns exec\`, no --all-netns), 120 sockets | $num |"
expect_line "^- 3 x 40 / 1 x 120, both \`--all-netns\` (CPU): \(n/a\|$num\) \[target <= 1.5: "
expect_namespaces netsnap-nsbench- "$namespaces_before"
echo "$name: ok"
