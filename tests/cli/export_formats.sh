#!/usr/bin/env bash
# netsnap-analyze export on a synthetic recording, checked with the tools that consume it:
# - openmetrics: promtool (Debian package prometheus) backfills it into a TSDB; reading the TSDB
#   back gives, at a known timestamp, the TIME_WAIT count that `timeline --format csv` and
#   the netstat table of that snapshot report, and a kernel counter's raw value from the CSV;
# - jsonl: every line is one JSON object for jq;
# - csv: sockets are byte for byte `table -a --all --format csv`;
# - bad arguments: one line, exit 2, nothing on stdout; damaged input: exit 1, data still out.
set -euo pipefail
bin=$1
analyze=$bin/netsnap-analyze
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

rec=$work/synthetic.netsnap
"$bin/netsnap-synth" -o "$rec" --sockets 400 --snapshots 30 --churn 0.05 --timers \
  --namespaces 2 --key-interval 7 --seed 11 >/dev/null

# --- csv: the sockets of every snapshot, as the table writes them.
"$analyze" export "$rec" --format csv --what sockets >"$work/sockets.csv"
"$analyze" table "$rec" -a --all --format csv >"$work/table.csv"
cmp -s "$work/sockets.csv" "$work/table.csv" || fail "export sockets csv differs from table -a --all csv"
[ "$(wc -l <"$work/sockets.csv")" -gt 30 ] || fail "too few socket rows"

# --- jsonl: one object per line, the same rows.
command -v jq >/dev/null || fail "jq is not installed (.ci/setup installs it)"
"$analyze" export "$rec" --format jsonl --what sockets >"$work/sockets.jsonl"
[ "$(jq -c . <"$work/sockets.jsonl" | wc -l)" -eq "$(($(wc -l <"$work/sockets.csv") - 1))" ] ||
  fail "jsonl sockets: not one object per csv row"
jq -e 'select(has("time") and has("proto") and has("cookie")) | true' <"$work/sockets.jsonl" >/dev/null ||
  fail "jsonl sockets lack fields"
for what in timeline counters; do
  "$analyze" export "$rec" --format jsonl --what $what >"$work/$what.jsonl"
  [ "$(jq -c 'type' <"$work/$what.jsonl" | sort -u)" = '"object"' ] || fail "jsonl $what: not objects"
  [ "$(wc -l <"$work/$what.jsonl")" -eq 30 ] || fail "jsonl $what: not one line per snapshot"
done

# --- openmetrics into a TSDB with promtool.
command -v promtool >/dev/null || fail "promtool is not installed (.ci/setup installs prometheus)"
"$analyze" timeline "$rec" --format csv >"$work/timeline.csv"
"$analyze" export "$rec" --format openmetrics --what timeline >"$work/timeline.om"
"$analyze" export "$rec" --format openmetrics --what counters >"$work/counters.om"
[ "$(tail -1 "$work/timeline.om")" = "# EOF" ] || fail "no # EOF"
promtool tsdb create-blocks-from openmetrics "$work/timeline.om" "$work/tsdb" >"$work/promtool.log" 2>&1 ||
  fail "promtool rejected the timeline export: $(tail -3 "$work/promtool.log")"
promtool tsdb create-blocks-from openmetrics "$work/counters.om" "$work/tsdb" >>"$work/promtool.log" 2>&1 ||
  fail "promtool rejected the counters export: $(tail -3 "$work/promtool.log")"
mkdir -p "$work/tsdb/wal"  # dump reads the write-ahead log too; a backfilled TSDB has none

# The value stored in the TSDB for one series at one millisecond, as an integer. promtool dump
# prints floats with 7 significant digits (6.272006e+06), so the checks use values below 10^7.
stored() {
  promtool tsdb dump --match="$1" --min-time="$2" --max-time="$2" "$work/tsdb" 2>/dev/null |
    awk -v t="$2" '$NF == t { printf "%d\n", $(NF - 1) }'
}
tw_column=$(head -1 "$work/timeline.csv" | tr , '\n' | grep -nx TIME_WAIT | cut -d: -f1)
distinct=$(awk -F, -v c="$tw_column" 'NR > 1 { print $c }' "$work/timeline.csv" | sort -u | wc -l)
[ "$distinct" -gt 1 ] || fail "TIME_WAIT never changes: the check below could not fail"
for row in 3 17 30; do
  line=$(sed -n "$((row + 1))p" "$work/timeline.csv")
  wall_ns=$(echo "$line" | cut -d, -f2)
  want=$(echo "$line" | cut -d, -f"$tw_column")
  ms=$((wall_ns / 1000000))
  got=$(stored 'netsnap_sockets{proto="tcp",state="TIME_WAIT"}' "$ms")
  [ "$got" = "$want" ] || fail "TSDB TIME_WAIT at $ms: '$got', timeline says $want"
  # The same moment from the netstat table: an independent count.
  table=$("$analyze" table "$rec" -tan --at "$((wall_ns / 1000000000))" | awk '$6 == "TIME_WAIT"' | wc -l)
  [ "$table" = "$want" ] || fail "table at $ms counts $table TIME_WAIT, timeline $want"
done
"$analyze" export "$rec" --format csv --what counters >"$work/counters.csv"
line=$(grep ',TcpExt,TCPOFOQueue,' "$work/counters.csv" | sed -n 20p)
ms=$(($(echo "$line" | cut -d, -f2) / 1000000))
want=$(echo "$line" | cut -d, -f5)
[ "$want" -gt 1000 ] && [ "$want" -lt 10000000 ] || fail "TCPOFOQueue $want: pick another counter"
got=$(stored 'netsnap_kernel_counter_total{table="TcpExt",counter="TCPOFOQueue"}' "$ms")
[ "$got" = "$want" ] || fail "TSDB TcpExt TCPOFOQueue at $ms: '$got', csv says $want"
line=$(grep ',sockstat.TCP,tw,' "$work/counters.csv" | sed -n 5p)
ms=$(($(echo "$line" | cut -d, -f2) / 1000000))
got=$(stored 'netsnap_kernel_gauge{table="sockstat.TCP",counter="tw"}' "$ms")
[ "$got" = "$(echo "$line" | cut -d, -f5)" ] || fail "TSDB sockstat tw at $ms: '$got'"

# --- bad arguments: one line naming the problem, exit 2, nothing on stdout.
expect_usage() {
  local says=$1
  shift
  set +e
  "$analyze" export "$rec" "$@" >"$work/out" 2>"$work/err"
  local status=$?
  set -e
  [ "$status" -eq 2 ] || fail "export $*: exit $status, want 2"
  [ ! -s "$work/out" ] || fail "export $*: wrote to stdout"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "export $*: not one line: $(cat "$work/err")"
  grep -q -- "$says" "$work/err" || fail "export $*: '$(cat "$work/err")' does not say '$says'"
}
expect_usage "--format 'xml'" --format xml --what timeline
expect_usage "--what 'routes'" --format csv --what routes
expect_usage "cardinality" --format openmetrics --what sockets
expect_usage "--by applies to --what timeline only" --format csv --what counters --by proto
expect_usage "the recording covers" --format csv --what timeline --from 2030-01-01T00:00:00Z
expect_usage "what" --format csv

# --- damaged input: exit 1, the damage named, every readable snapshot still exported.
head -c "$(($(stat -c %s "$rec") - 200))" "$rec" >"$work/cut.netsnap"
set +e
"$analyze" export "$work/cut.netsnap" --format csv --what timeline >"$work/cut.csv" 2>"$work/cut.err"
status=$?
set -e
[ "$status" -eq 1 ] || fail "damaged input: exit $status, want 1 ($(cat "$work/cut.err"))"
grep -q "damaged at offset" "$work/cut.err" || fail "damage not named: $(cat "$work/cut.err")"
[ "$(wc -l <"$work/cut.csv")" -ge 28 ] || fail "damaged input lost readable snapshots"

echo "export formats: ok"
