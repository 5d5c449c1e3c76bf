#!/usr/bin/env bash
# Several network namespaces through every command (issue #9, the analyzer's side), on
# synthetic recordings: three namespaces with the same services (so the same ip:port listens
# in each), one of them labelled with a newline, a terminal escape, HTML and a formula.
# - table: a section per namespace, titled with its label and inode, netstat's headings
#   repeated; the same listener in each section; csv/json carry netns and netns_name;
# - --netns NAME and --netns INODE keep only that namespace in table, diff, timeline, report,
#   export and slice; an unknown value exits 2 with one line naming it and listing the
#   recording's namespaces, for every command;
# - timeline --by netns has a column per namespace; info lists the namespaces;
# - a single-namespace recording prints no namespace title (netstat's output unchanged);
# - the hostile label is escaped in every output (no raw control character, no injected line,
#   no raw HTML tag).
set -euo pipefail
bin=$1
analyze=$bin/netsnap-analyze
synth=$bin/netsnap-synth
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v jq >/dev/null || fail "jq is not installed (.ci/setup installs it)"

hostile=$'evil\nline<blink>&\x1b[31m=cmd'
rec=$work/multi.netsnap
"$synth" -o "$rec" --sockets 90 --snapshots 6 --churn 0.1 --namespaces 3 \
  --netns-label blue --netns-label "$hostile" >/dev/null
host_inode=4026531840 blue_inode=4026532288 evil_inode=4026532295

run() {  # NAME ARGS...: stdout in $work/NAME, exit status 0
  local name=$1
  shift
  "$analyze" "$@" >"$work/$name" 2>"$work/$name.err" || fail "$name: exit $?: $(cat "$work/$name.err")"
}
count() { grep -c -- "$1" "$work/$2" || true; }

# table: one section per namespace, headings repeated, the same listener in each.
run table table -tln "$rec"
[ "$(count '^Network namespace' table)" = 3 ] || fail "table: expected 3 namespace titles: $(cat "$work/table")"
grep -qx "Network namespace (inode $host_inode)" "$work/table" || fail "table: no title for the unlabelled namespace"
grep -qx "Network namespace blue (inode $blue_inode)" "$work/table" || fail "table: no title for blue"
[ "$(count '^Active Internet connections' table)" = 3 ] || fail "table: netstat's heading not repeated per namespace"
[ "$(count '0.0.0.0:443 ' table)" = 3 ] || fail "table: the listener on 0.0.0.0:443 of each namespace is not kept apart"

# --netns by name and by inode: only that namespace, netstat's form (no title for one).
run blue table -tln --netns blue "$rec"
[ "$(count '^Network namespace' blue)" = 0 ] || fail "table --netns blue: a single namespace needs no title"
[ "$(count '0.0.0.0:443 ' blue)" = 1 ] || fail "table --netns blue: expected blue's listener only"
run blue-inode table -tln --netns $blue_inode "$rec"
cmp -s "$work/blue" "$work/blue-inode" || fail "--netns by inode differs from --netns by name"
run two table -tln --netns blue --netns $host_inode "$rec"
[ "$(count '^Network namespace' two)" = 2 ] || fail "table with two --netns: expected two sections"

# csv/json carry netns and netns_name.
run table.csv table -tan --format csv --netns blue "$rec"
head -1 "$work/table.csv" | grep -q '^time,netns,netns_name,' || fail "table csv: no netns_name column"
awk -F, 'NR > 1 && ($2 != '$blue_inode' || $3 != "blue") { bad = 1 } END { exit bad }' "$work/table.csv" ||
  fail "table csv --netns blue: a row of another namespace"
run table.json table -tan --format json "$rec"
[ "$(jq '[.snapshots[0].sockets[].netns] | unique | length' "$work/table.json")" = 3 ] || fail "table json: expected sockets of 3 namespaces"
jq -e '[.snapshots[0].sockets[] | select(.netns == '$blue_inode') | .netns_name] | unique == ["blue"]' \
  "$work/table.json" >/dev/null || fail "table json: blue's sockets lack netns_name"

# diff: a part per namespace with changes; --netns keeps one.
run diff diff -tuan --from +0s --to -0s "$rec"
grep -q "^Network namespace blue (inode $blue_inode)" "$work/diff" || fail "diff: no section for blue"
run diff.blue diff -tuan --from +0s --to -0s --netns blue "$rec"
! grep -q '^Network namespace' "$work/diff.blue" || fail "diff --netns blue: sections of other namespaces"
run diff.json diff -tuan --from +0s --to -0s --format json --netns blue "$rec"
jq -e '[.opened[], .closed[] | .netns] | unique == ['$blue_inode']' "$work/diff.json" >/dev/null ||
  fail "diff json --netns blue: sockets of other namespaces"

# timeline: --by netns has a column per namespace; --netns counts one namespace.
run timeline.netns timeline --by netns --format json "$rec"
jq -e '.columns | map(select(. != "other")) | length == 3' "$work/timeline.netns" >/dev/null ||
  fail "timeline --by netns: expected 3 columns: $(jq -c .columns "$work/timeline.netns")"
# --by netns-state: the state columns per namespace; each namespace's add up to its --netns
# timeline by state (TCP states, UDP, UNIX: every column but the byte totals).
run timeline.ns-state timeline --by netns-state --top 0 --format json "$rec"
run timeline.blue-state timeline --by state --format json --netns blue "$rec"
blue_states=$(jq '[.rows[0].counts | to_entries[] | select(.key | startswith("blue (inode '$blue_inode') ")) | .value] | add' "$work/timeline.ns-state")
blue_by_state=$(jq '.rows[0].counts | del(.["Recv-Q"], .["Send-Q"]) | add' "$work/timeline.blue-state")
[ "$blue_states" = "$blue_by_state" ] || fail "timeline --by netns-state: blue's columns sum to $blue_states, --netns blue --by state to $blue_by_state"
jq -e '.columns | any(. == "blue (inode '$blue_inode') LISTEN")' "$work/timeline.ns-state" >/dev/null ||
  fail "timeline --by netns-state: no LISTEN column for blue: $(jq -c .columns "$work/timeline.ns-state")"
run timeline.all timeline --by proto --format json "$rec"
run timeline.blue timeline --by proto --format json --netns blue "$rec"
all=$(jq '.rows[0].counts | add' "$work/timeline.all") one=$(jq '.rows[0].counts | add' "$work/timeline.blue")
blue_col=$(jq '.rows[0].counts["blue (inode '$blue_inode')"]' "$work/timeline.netns")
[ "$one" -lt "$all" ] && [ "$one" = "$blue_col" ] || fail "timeline --netns blue counts $one sockets (all: $all, blue's column: $blue_col)"

# export and slice honour --netns; info lists the namespaces.
run export export --what sockets --format jsonl --netns blue "$rec"
[ "$(jq -s '[.[].netns] | unique' -c "$work/export")" = "[$blue_inode]" ] || fail "export --netns blue: other namespaces' sockets"
run slice slice --netns blue -o "$work/blue.netsnap" "$rec"
run slice.info info "$work/blue.netsnap"
grep -q '^netns *1 network namespace' "$work/slice.info" || fail "slice --netns blue: expected one namespace: $(cat "$work/slice.info")"
run info info "$rec"
grep -q '^netns *3 network namespaces' "$work/info" || fail "info: namespaces not listed"
grep -q "blue  inode $blue_inode" "$work/info" || fail "info: blue not listed"
run report report --format json --netns blue "$rec"

# An unknown --netns: exit 2, one line naming the value and listing the namespaces.
for args in "info" "table" "timeline" "diff --from +0s --to -0s" "report" \
  "export --what sockets --format csv" "slice -o $work/never.netsnap"; do
  set +e
  # shellcheck disable=SC2086
  "$analyze" $args --netns no-such-ns "$rec" >"$work/unknown.out" 2>"$work/unknown.err"
  status=$?
  set -e
  [ "$status" = 2 ] || fail "$args --netns no-such-ns: exit $status, expected 2"
  [ "$(wc -l <"$work/unknown.err")" = 1 ] || fail "$args: expected one line: $(cat "$work/unknown.err")"
  grep -q "no-such-ns.*blue (inode $blue_inode)" "$work/unknown.err" || fail "$args: the line does not name the value and list the namespaces: $(cat "$work/unknown.err")"
done
[ ! -e "$work/never.netsnap" ] || fail "slice with an unknown --netns wrote a file"

# One namespace: no title, exactly what the same recording made without labels prints.
single=$work/single.netsnap
"$synth" -o "$single" --sockets 40 --snapshots 2 >/dev/null
run single table -tuan "$single"
! grep -q '^Network namespace' "$work/single" || fail "a single-namespace table got a namespace title"

# The hostile label, escaped in every output that shows it.
for f in text csv json; do run h.table.$f table -a --format $f "$rec"; done
for f in text json; do run h.diff.$f diff -a --from +0s --to -0s --format $f "$rec"; done
for f in text csv json; do run h.timeline.$f timeline --by netns --format $f "$rec"; done
run h.info info "$rec"
run h.export export --what sockets --format csv "$rec"
run h.om export --what timeline --by netns --format openmetrics "$rec"
for f in text json markdown html; do run h.report.$f report --format $f "$rec"; done
for out in h.table.text h.table.csv h.table.json h.diff.text h.diff.json h.timeline.text \
  h.timeline.csv h.timeline.json h.info h.export h.om h.report.text h.report.json \
  h.report.markdown h.report.html; do
  file=$work/$out
  ! LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]' "$file" || fail "$out holds a raw control character"
  ! grep -q '^line<blink>' "$file" || fail "$out: the label's newline split a line"
done
# Text shows the escape (\n); JSON and OpenMetrics escape that backslash in turn.
for out in h.table.text h.diff.text h.timeline.text h.timeline.csv h.info h.export; do
  grep -qF 'evil\nline' "$work/$out" || fail "$out does not show the hostile label escaped"
done
for out in h.table.json h.timeline.json h.om; do
  grep -qF 'evil\\nline' "$work/$out" || fail "$out does not show the hostile label escaped"
done
! grep -qF "<blink>" "$work/h.report.html" || fail "report html: the label's tag is raw"
grep -q ",'=cmd\|,\"'=cmd\|evil" "$work/h.table.csv" || fail "table csv: label missing"
jq -e . "$work/h.table.json" >/dev/null || fail "table json with the hostile label does not parse"
echo "ok"
