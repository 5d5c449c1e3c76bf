#!/usr/bin/env bash
# netsnap-analyze table, timeline and diff: every time grammar picks the same snapshot, usage
# errors are one clear line and exit 2, damaged recordings show what survives with exit 1 and
# one stderr line per damaged region, and the sparkline appears on a terminal only.
set -euo pipefail
bin=$1 src=$2
analyze=$bin/netsnap-analyze
fixture=$src/fixtures/table-sample.netsnap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=lib/analyze_cli.sh
source "$src/tests/cli/lib/analyze_cli.sh"

# Every time grammar names the same moment: 13:00:30 CET on the recording's first day.
run 0 table "$fixture" -tan --at 13:00:30
cp "$work/out" "$work/want"
grep -q "127.0.0.1:6379" "$work/want" || fail "--at 13:00:30 is not the snapshot with namespace blue"
for time in 13:00:30 13:00:35 2026-03-01T12:00:30Z 2026-03-01T13:00:30+01:00 "2026-03-01 12:00:30.5Z" \
            +30s +35s -20s -15s 1772366430 1772366430.5; do
  run 0 table "$fixture" -tan --at "$time"
  cmp -s "$work/out" "$work/want" || fail "--at $time picked another snapshot"
done
run 0 table "$fixture" -tan --at 12:00:30 --utc   # with --utc, clock times are UTC
cmp -s "$work/out" "$work/want" || fail "--at 12:00:30 --utc picked another snapshot"
run 0 table "$fixture" -tan --index -3
cmp -s "$work/out" "$work/want" || fail "--index -3 picked another snapshot"

# Options anywhere: a repeatable filter takes one value per occurrence, never the input path.
run 0 table --state LISTEN --state listening "$fixture" -al --index 0
[ "$(grep -c 'LISTEN' "$work/out")" -eq 4 ] || fail "filters before the input: $(cat "$work/out")"

# A flag of netsnap's (--all, --utc) never takes the netstat flags after it as a value.
run 0 table "$fixture" --all --utc -tan
[ "$(grep -c '^Snapshot at 2026-03-01 12:00:[0-5]0 UTC$' "$work/out")" -eq 6 ] || fail "--all --utc -tan"

# Usage errors: exit 2, one line saying what is wrong.
run 2 table "$fixture" --at 12:59:59
one_line_with "--at before" "is outside the recording: the recording covers 2026-03-01 13:00:00 CET to 2026-03-01 13:00:50 CET (6 snapshots)"
run 2 table "$fixture" --at +1h
one_line_with "--at after" "the recording covers"
run 2 table "$fixture" --at 13:00 --all
one_line_with "--at with --all" "conflicting selectors --at and --all"
run 2 table "$fixture" --index 1 --from 13:00:10
one_line_with "--index with --from" "conflicting selectors --index and --from/--to"
run 2 table "$fixture" -tuz
one_line_with "unknown netstat flag" "unknown netstat option '-z' in '-tuz'"
run 2 table "$fixture" --bogus
one_line_with "unknown option" "--bogus"
run 2 table "$fixture" --index 6
one_line_with "--index past the end" "--index 6 is outside the recording, which holds 6 snapshots"
run 2 table "$fixture" --state ESTABLISHD
one_line_with "bad state" "--state 'ESTABLISHD': not a state"
run 2 table "$fixture" --at yesterday
one_line_with "bad time" "--at: time 'yesterday': expected RFC 3339"
run 2 table "$fixture" --format xml
one_line_with "bad format" "--format"
run 2 table "$work/missing.netsnap"
one_line_with "missing file" "missing.netsnap: No such file"
run 2 timeline "$fixture" --every soon
one_line_with "bad --every" "--every 'soon'"
run 2 timeline "$fixture" --by port
one_line_with "bad --by" "--by"
run 2 timeline "$fixture" --from 14:00
one_line_with "timeline --from after" "--from '14:00'"
run 2 diff "$fixture" --from 13:00:10
one_line_with "diff without --to" "--to is required"
run 2 diff "$fixture" --from 13:00:40 --to 13:00:10
one_line_with "diff backwards" "--from is later than --to"
run 2 diff "$fixture" --from 13:00 --to 13:00:50 --format csv
one_line_with "diff csv" "--format"

# Damage: a recording cut short (a crash mid-write) still shows what it holds, names the damage
# on stderr, exits 1.
size=$(stat -c %s "$fixture")
head -c $((size - 150)) "$fixture" >"$work/cut.netsnap"
run 1 table "$work/cut.netsnap" -tan
one_line_with "table on a cut recording" "cut.netsnap: damaged at offset"
grep -q "Active Internet connections" "$work/out" || fail "cut: no table printed"
run 1 timeline "$work/cut.netsnap"
one_line_with "timeline on a cut recording" "cut.netsnap: damaged at offset"
[ "$(grep -c ' CET ' "$work/out")" -ge 4 ] || fail "cut: timeline lost readable snapshots: $(cat "$work/out")"

# Four bytes flipped inside snapshot 4 (a delta; its frame starts at byte 2999 of the committed
# fixture, which is never regenerated): 4 and 5 are lost with it. The timeline shows 0..3, the
# table falls back to 3 (the one with namespace blue), and both name one damaged region.
cp "$fixture" "$work/flipped.netsnap"
printf '\xff\xff\xff\xff' | dd of="$work/flipped.netsnap" bs=1 seek=3100 conv=notrunc status=none
run 1 timeline "$work/flipped.netsnap" --format csv
one_line_with "timeline on a damaged recording" "flipped.netsnap: damaged at offset 2999 (0 bytes, 2 snapshots lost)"
[ "$(wc -l <"$work/out")" -eq 5 ] || fail "flipped: want a header and 4 rows: $(cat "$work/out")"
run 1 table "$work/flipped.netsnap" -tan
one_line_with "table on a damaged recording" "flipped.netsnap: damaged at offset 2999"
cmp -s "$work/out" "$work/want" || fail "flipped: the table is not the last readable snapshot"

# The sparkline: only on a terminal.
run 0 timeline "$fixture"
! grep -q $'\u2581' "$work/out" || fail "sparkline printed to a pipe"
if command -v script >/dev/null; then
  script -qec "'$analyze' timeline '$fixture'" /dev/null >"$work/tty" </dev/null
  grep -q "^LISTEN  *"$'\u2581' "$work/tty" || fail "no sparkline on a terminal: $(cat "$work/tty")"
  [ "$(grep -c $'\u2581\|\u2588' "$work/tty")" -eq 14 ] || fail "want one sparkline per column"
fi

echo "analyze usage: ok"
