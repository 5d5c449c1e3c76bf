#!/usr/bin/env bash
# The capture benchmark at a tiny scale (200 sockets, one run), so that it cannot rot: checks
# that the table is produced, not the figures. Writes to a temporary file, never RESULTS.md.
# Needs root (network namespaces), like the live tests: skipped otherwise.
set -euo pipefail
bin=$1 src=$2 name="bench capture smoke"
source "$(dirname "$0")/lib/bench_smoke.sh"
skip_unless_root
namespaces_before=$(namespaces_named netsnap-bench-)
run_bench run-capture-bench
expect_line "^## Capture, "
expect_line "^| \`ss -tanp\` | [0-9.]* |"
expect_line "^| \`netsnap-record -t\` (with owners) | [0-9.]* |"
expect_line "^| recorder with owners / \`ss -tanp\` | [0-9.]* | <= 0.1 |"
expect_line "^| the recorder's own TCP request, drained: .* | [0-9.]* |"
expect_line "^| recorder --no-owners / its own request drained | [0-9.]* |"
expect_line "^- sustained .* [0-9.]*% of one core .* alone .* is [0-9.]*% of a core"
expect_namespaces netsnap-bench- "$namespaces_before"
echo "$name: ok"
