#!/usr/bin/env bash
# Every renderer over fixtures/hostile/injected-names.netsnap, whose UNIX paths, program names
# (comm, argv0), host, user, counter and capture-error texts carry newlines, terminal escapes,
# HTML and spreadsheet formulas (= + - @). Each output must:
# - hold no C0 control (ESC, CR, BEL, TAB...) nor DEL, only \n line ends;
# - never start a line with text that followed an injected newline ("line", "bell");
# - show the injected names (or the test would pass on an output that dropped them);
# - CSV: no cell starting with = + @ or an injected "-2" (they get a leading ');
# - HTML: no injected tag or raw & survives; JSON/JSONL: jq parses it;
# - OpenMetrics: promtool loads it into a TSDB.
set -euo pipefail
bin=$1 src=$2
analyze=$bin/netsnap-analyze
rec=$src/fixtures/hostile/injected-names.netsnap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v jq >/dev/null || fail "jq is not installed (.ci/setup installs it)"
command -v promtool >/dev/null || fail "promtool is not installed (.ci/setup installs prometheus)"

run() {  # NAME ARGS...: the output in $work/NAME, exit status 0
  local name=$1
  shift
  "$analyze" "$@" >"$work/$name" 2>"$work/$name.err" || fail "$name: exit $?: $(cat "$work/$name.err")"
}
run info info "$rec"
run verify verify "$rec"
for f in text csv json; do run table.$f table -a -p -e --all --format $f "$rec"; done
for f in text json; do run diff.$f diff -a -p --from +0s --to -0s --format $f "$rec"; done
for f in text json markdown html; do run report.$f report --format $f "$rec"; done
for f in text csv json; do run timeline.$f timeline --by program --format $f "$rec"; done
for what in sockets counters; do
  for f in csv jsonl; do run export.$what.$f export --what $what --format $f "$rec"; done
done
for f in csv jsonl openmetrics; do run export.timeline.$f export --what timeline --by program --format $f "$rec"; done
run export.counters.openmetrics export --what counters --format openmetrics "$rec"
# slice keeps the names as recorded (byte for byte what the original shows) and --anonymize
# replaces them: neither output may carry them raw either.
"$analyze" slice --from +0s --to -0s -o "$work/slice.netsnap" "$rec" >"$work/slice.out" 2>"$work/slice.err" || fail "slice: $(cat "$work/slice.err")"
run slice.table table -a -p -e --all --format text "$work/slice.netsnap"
cmp -s "$work/slice.table" "$work/table.text" || fail "slice: table of the slice differs from the original's"
"$analyze" slice --anonymize --from +0s --to -0s -o "$work/anon.netsnap" "$rec" >"$work/anon.out" 2>"$work/anon.err" || fail "slice --anonymize: $(cat "$work/anon.err")"
run anon.table table -a -p -e --all --format csv "$work/anon.netsnap"

outputs=(info verify table.text table.csv table.json diff.text diff.json report.text report.json
  report.markdown report.html timeline.text timeline.csv timeline.json export.sockets.csv
  export.sockets.jsonl export.counters.csv export.counters.jsonl export.timeline.csv
  export.timeline.jsonl export.timeline.openmetrics export.counters.openmetrics slice.table
  anon.table)
for out in "${outputs[@]}"; do
  file=$work/$out
  [ -s "$file" ] || fail "$out is empty"
  ! LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]' "$file" || fail "$out holds a raw control character: $(LC_ALL=C grep -nP '[\x00-\x09\x0b-\x1f\x7f]' "$file" | head -1 | cat -A)"
  ! grep -qE '^(line|bell|host<i>|name|<u>|alert)' "$file" || fail "$out: an injected newline split a line: $(grep -nE '^(line|bell|host)' "$file" | head -1)"
done

# The injections reached each output (an output that lost them proves nothing).
for out in info report.text report.json report.markdown report.html; do
  grep -q 'evil' "$work/$out" || fail "$out does not show the injected host name"
done
for out in table.text table.csv table.json diff.text diff.json timeline.text timeline.csv timeline.json \
           export.sockets.csv export.sockets.jsonl export.timeline.csv export.timeline.jsonl \
           export.timeline.openmetrics; do
  grep -q 'bell' "$work/$out" || fail "$out does not show the injected UNIX path or program"
done
for out in export.counters.csv export.counters.jsonl export.counters.openmetrics; do
  grep -q 'calc' "$work/$out" || fail "$out does not show the injected counter name"
done
grep -q 'x1b\[2J' "$work/verify" || fail "verify does not list the injected capture error"

# CSV: formulas neutralised (a leading '), and present as such.
for out in table.csv timeline.csv export.sockets.csv export.counters.csv export.timeline.csv anon.table; do
  ! grep -qE '(^|,)"?[=+@]' "$work/$out" || fail "$out: a cell starts with = + or @: $(grep -nE '(^|,)"?[=+@]' "$work/$out" | head -1)"
  ! grep -qE '(^|,)"?-2"?(,|$)' "$work/$out" || fail "$out: a cell is a raw -2"
done
for out in table.csv timeline.csv export.sockets.csv export.timeline.csv; do
  grep -qF "'=cmd" "$work/$out" && grep -qF "'@SUM(1)" "$work/$out" && grep -qF "'-2" "$work/$out" ||
    fail "$out: the injected formulas are missing"
done

# HTML: no injected markup survives, and the escaped forms are there.
! grep -qE '<script>|host<i>|<u>|m<b>|&"' "$work/report.html" ||
  fail "report.html: injected markup: $(grep -nE '<script>|host<i>|<u>|m<b>' "$work/report.html" | head -1)"
grep -qF 'host&lt;i&gt;&amp;&quot;' "$work/report.html" || fail "report.html: the host name is not escaped as expected"

# JSON parses; JSON lines are one object per line.
for out in table.json diff.json report.json timeline.json; do
  jq -e . "$work/$out" >/dev/null || fail "$out is not JSON"
done
for out in export.sockets.jsonl export.counters.jsonl export.timeline.jsonl; do
  [ "$(jq -c 'type' "$work/$out" | sort -u)" = '"object"' ] || fail "$out: not one object per line"
  [ "$(jq -c . "$work/$out" | wc -l)" -eq "$(wc -l <"$work/$out")" ] || fail "$out: a line is not one object"
done
# jq gives back exactly the recorded name (escaping lost nothing).
jq -r 'select(.path != null and .path != "") | .path' "$work/export.sockets.jsonl" | grep -qxF '@SUM(1)' ||
  fail "export.sockets.jsonl does not give back the UNIX path @SUM(1)"

# OpenMetrics: label values escaped, loadable.
for out in export.timeline.openmetrics export.counters.openmetrics; do
  promtool tsdb create-blocks-from openmetrics "$work/$out" "$work/tsdb.$out" >"$work/promtool.log" 2>&1 ||
    fail "$out: promtool refuses it: $(tail -3 "$work/promtool.log")"
done
echo "output safety: ${#outputs[@]} outputs checked"
