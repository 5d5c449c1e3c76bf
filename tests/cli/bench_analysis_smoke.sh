#!/usr/bin/env bash
# The analysis and storage benchmark at a tiny scale (200 sockets, recordings of at most
# 2 minutes, one run), so that it cannot rot: checks that the tables are produced, not the
# figures. Writes to a temporary file and a temporary data dir, never bench/RESULTS.md.
set -euo pipefail
bin=$1 src=$2
out=$(mktemp) log=$(mktemp)
trap 'rm -f "$out" "$log"' EXIT
if ! bash "$src/bench/run-analysis-bench" --smoke --build "$bin/.." --output "$out" >/dev/null 2>"$log"; then
  echo "bench analysis smoke: run-analysis-bench failed:" >&2
  cat "$log" >&2
  exit 1
fi
grep -q "^## Analysis and storage, " "$out"
grep -q "^| \`timeline\` wall s | [0-9.]* | [0-9.]* | [0-9.]* | [0-9.]* | [0-9.]* |$" "$out"
grep -q "^| \`report\` peak RSS MB | [0-9]* |" "$out"
grep -q "^| shell loop wall s | [0-9.]* |$" "$out"
grep -q "the loop's counts equal timeline's TCP columns" "$out"
grep -q "^| \`timeline\` >= 20x faster than the shell loop .* | [0-9.]*x " "$out"
for text in -tuwxan -tuwxanpeo; do
  grep -q "^| steady (\`--churn 0\`), text \`$text\` | [0-9.]* | [0-9.]* | [0-9.]* | [0-9.]* | [0-9.]* | [0-9.]* |$" "$out"
  grep -q "^| 10% churn (\`--churn 0.1\`), text \`$text\` | [0-9.]* |" "$out"
  grep -q "churn 0.1, text $text: [0-9.]*x" "$out"
done
echo "bench analysis smoke: ok"
