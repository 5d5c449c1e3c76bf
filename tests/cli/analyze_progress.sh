#!/usr/bin/env bash
# Progress of long replays: nothing on stderr when it is not a terminal; on a terminal (made
# with util-linux `script`), any progress line is erased before the command ends, so the
# output after it starts on a clean line. The line's text and timing are unit-tested
# (tests/analyzer/progress_meter_test.cpp).
set -euo pipefail
bin=$1
analyze=$bin/netsnap-analyze
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

rec=$work/progress.netsnap
"$bin/netsnap-synth" -o "$rec" --sockets 2000 --snapshots 1200 --churn 0.02 >/dev/null

for command in "timeline $rec" "timeline $rec --by program" "report $rec" "table -tan --all $rec" \
  "export $rec --format csv --what sockets" "export $rec --format openmetrics --what counters"; do
  # shellcheck disable=SC2086
  "$analyze" $command >"$work/out" 2>"$work/err" || fail "$command: exit $?"
  [ ! -s "$work/err" ] || fail "$command wrote to a stderr that is no terminal: $(head -c 200 "$work/err")"
done

command -v script >/dev/null || { echo "SKIP: util-linux script not installed"; exit 0; }
# stdout goes to a file, stderr to script's terminal (captured in its typescript).
script -qec "'$analyze' report '$rec' > '$work/report.txt'" "$work/typescript" >/dev/null ||
  fail "report under a terminal failed"
grep -q "^netsnap report" "$work/report.txt" || fail "the report did not reach stdout"
if grep -q "snapshots" "$work/typescript"; then
  # A line was drawn: after its last drawing comes its erasure (ESC [ K), before the end of
  # what the command wrote (script then appends its own trailer).
  awk 'BEGIN { RS = "snapshots" } END { printf "%s", $0 }' "$work/typescript" | od -An -c |
    grep -q '033   \[   K' ||
    fail "the progress line was left on the terminal: $(tail -c 120 "$work/typescript" | od -c | tail -3)"
fi
# table --all into a file: a progress line (the replay is long), erased at the end; table
# --all onto the terminal itself: none (it would tear through the rows).
script -qec "'$analyze' table -tan --all '$rec' > '$work/table.txt'" "$work/typescript" >/dev/null ||
  fail "table under a terminal failed"
[ "$(grep -c '^Snapshot at' "$work/table.txt")" = 1200 ] || fail "table --all did not reach stdout"
if grep -q "table \[" "$work/typescript"; then
  awk 'BEGIN { RS = "snapshots" } END { printf "%s", $0 }' "$work/typescript" | od -An -c |
    grep -q '033   \[   K' || fail "table's progress line was left on the terminal"
fi
script -qec "'$analyze' table -tan --all '$rec'" "$work/typescript" >/dev/null || fail "table onto a terminal failed"
! grep -q "table \[" "$work/typescript" || fail "table drew a progress line over its own rows"
echo "ok"
