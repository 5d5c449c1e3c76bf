#!/usr/bin/env bash
# The analysis and storage benchmark at a tiny scale (200 sockets, recordings of at most
# 2 minutes, one run), so that it cannot rot: checks that the tables are produced, not the
# figures. Writes to a temporary file and a temporary data dir, never bench/RESULTS.md.
set -euo pipefail
bin=$1 src=$2 name="bench analysis smoke"
source "$(dirname "$0")/lib/bench_smoke.sh"
run_bench run-analysis-bench
expect_line "^## Analysis and storage, "
expect_line "^| \`timeline\` wall s | [0-9.]* | [0-9.]* | [0-9.]* | [0-9.]* | [0-9.]* |$"
expect_line "^| \`report\` peak RSS MB | [0-9]* |"
expect_line "^| shell loop wall s | [0-9.]* |$"
expect_line "the loop's counts equal timeline's TCP columns"
expect_line "^| \`timeline\` >= 20x faster than the shell loop .* | [0-9.]*x "
for text in -tuwxan -tuwxanpeo; do
  expect_line "^| steady (\`--churn 0\`), text \`$text\` | [0-9.]* | [0-9.]* | [0-9.]* | [0-9.]* | [0-9.]* | [0-9.]* |$"
  expect_line "^| 10% churn (\`--churn 0.1\`), text \`$text\` | [0-9.]* |"
  expect_line "churn 0.1, text $text: [0-9.]*x"
done
echo "$name: ok"
