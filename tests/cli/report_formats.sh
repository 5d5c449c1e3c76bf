#!/usr/bin/env bash
# `netsnap-analyze report` from the command line: every format on synthetic recordings, the
# JSON document against its documented schema (analyzer/REPORT.md), bounded output on a
# long recording, --fail-on, and bad input: damage (exit 1, report still written), usage
# errors (exit 2, one line), a window without snapshots and a recording without owners (exit
# 0, the report says what it could not judge).
set -euo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
synth() { "$bin/netsnap-synth" "$@" >/dev/null; }
report() { "$bin/netsnap-analyze" report "$@"; }

synth -o "$work/good.netsnap" --sockets 200 --snapshots 60 --churn 0.02 --key-interval 10

# Every format: exit 0, nothing on stderr, something on stdout.
for format in text json markdown html; do
  report "$work/good.netsnap" --format $format >"$work/out.$format" 2>"$work/err" ||
    fail "$format: exit $?"
  [ ! -s "$work/err" ] || fail "$format wrote to stderr: $(cat "$work/err")"
  [ -s "$work/out.$format" ] || fail "$format: empty output"
done
grep -q "^netsnap report  web-01" "$work/out.text" || fail "text header: $(head -3 "$work/out.text")"
grep -q "^## Findings" "$work/out.markdown" || fail "markdown findings section"
grep -q "^<!DOCTYPE html>" "$work/out.html" || fail "html doctype"
grep -q "<svg" "$work/out.html" || fail "html has no chart"
! grep -qi "<script\|<link\|src=" "$work/out.html" || fail "html loads or runs something"

# The JSON document against the schema (types, RFC 3339 times, bounded series).
check_json() {
  python3 - "$@" <<'PY'
import json, re, sys
doc = json.load(open(sys.argv[1]))
max_points = int(sys.argv[2])
rfc3339 = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$')
def time(v, what):
    assert isinstance(v, str) and rfc3339.match(v), f'{what}: not RFC 3339: {v!r}'
assert doc['schema_version'] == 1
for key in ('recording', 'window', 'counts', 'findings', 'not_judged', 'caveats', 'timeline'):
    assert key in doc, f'missing {key}'
rec = doc['recording']
for key in ('host', 'kernel', 'start', 'end', 'snapshots', 'interval_s', 'gaps'):
    assert key in rec, f'recording.{key} missing'
if rec['snapshots']:
    time(rec['start'], 'start'); time(rec['end'], 'end')
subject_types = {'local_addr': str, 'local_port': int, 'remote_addr': str, 'remote_port': int,
                 'pid': int, 'program': str, 'netns': int, 'netns_name': str}
for f in doc['findings']:
    assert f['severity'] in ('info', 'warning', 'critical'), f['severity']
    assert isinstance(f['kind'], str) and f['kind']
    for k, v in f['subject'].items():
        assert isinstance(v, subject_types[k]), f'subject.{k}: {v!r}'
    time(f['first_seen'], 'first_seen'); time(f['last_seen'], 'last_seen')
    if f['onset'] is not None: time(f['onset'], 'onset')
    time(f['peak']['at'], 'peak.at')
    assert isinstance(f['peak']['value'], (int, float))
    assert isinstance(f['thresholds'], dict) and isinstance(f['evidence'], list)
    assert isinstance(f['summary'], str)
    assert len(f['series']['points']) <= max_points, len(f['series']['points'])
    for t, v in f['series']['points']:
        time(t, 'series point')
assert len(doc['timeline']) <= max_points, len(doc['timeline'])
for row in doc['timeline']:
    time(row['time'], 'timeline')
    assert all(isinstance(v, int) for v in row['counts'].values())
for note in doc['not_judged']:
    assert note['kind'] and note['reason']
PY
}
check_json "$work/out.json" 500 || fail "json schema"

# --fail-on: 3 exactly when a finding at or above the level exists, else 0.
for level in warning critical; do
  want=$(python3 -c "
import json, sys
rank = {'info': 0, 'warning': 1, 'critical': 2}
doc = json.load(open('$work/out.json'))
print(3 if any(rank[f['severity']] >= rank['$level'] for f in doc['findings']) else 0)")
  set +e
  report "$work/good.netsnap" --format json --fail-on $level >/dev/null 2>&1; rc=$?
  set -e
  [ $rc -eq "$want" ] || fail "--fail-on $level: exit $rc, expected $want"
done

# A long recording: three hours at 1 s; series and timeline stay within 500 points.
synth -o "$work/long.netsnap" --sockets 100 --duration 3h --churn 0.01
report "$work/long.netsnap" --format json >"$work/long.json" || fail "long: exit $?"
check_json "$work/long.json" 500 || fail "long json schema"
report "$work/long.netsnap" --format html >"$work/long.html" || fail "long html: exit $?"
[ "$(stat -c %s "$work/long.html")" -lt 3000000 ] || fail "long html is $(stat -c %s "$work/long.html") bytes"

# No owners: said, and the rest still reported.
synth -o "$work/no-owners.netsnap" --sockets 200 --snapshots 40 --no-owners
report "$work/no-owners.netsnap" --format json >"$work/no-owners.json" || fail "no owners: exit $?"
python3 -c "
import json
doc = json.load(open('$work/no-owners.json'))
assert doc['recording']['owners_recorded'] is False
assert any('owner' in n['reason'] for n in doc['not_judged']), doc['not_judged']
assert len(doc['timeline']) == 40
" || fail "no-owners report"

# A window in a gap: exit 0, the report says there was nothing to judge.
synth -o "$work/gap.netsnap" --sockets 50 --snapshots 30 $(printf -- '--gap-after 9 %.0s' $(seq 30))
report "$work/gap.netsnap" --from +15s --to +30s >"$work/gap.txt" 2>"$work/err" || fail "gap window: exit $?"
grep -q "no snapshot between" "$work/gap.txt" || fail "gap window: $(cat "$work/gap.txt")"

# Damage: exit 1, the damage named on stderr, the report still complete.
cp "$work/good.netsnap" "$work/flipped.netsnap"
size=$(stat -c %s "$work/flipped.netsnap")
printf '\xff' | dd of="$work/flipped.netsnap" bs=1 seek=$((size / 2)) conv=notrunc status=none
set +e
report "$work/flipped.netsnap" --format json >"$work/flipped.json" 2>"$work/err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "damaged: exit $rc"
grep -q "flipped.netsnap: damaged at offset" "$work/err" || fail "damaged stderr: $(cat "$work/err")"
check_json "$work/flipped.json" 500 || fail "damaged json"

# Usage errors: exit 2 and one line.
for args in "--format pdf" "--fail-on sometimes" "--from yesterday" "--from +30s --to +10s" \
            "--port-warn-ratio 3"; do
  set +e
  report "$work/good.netsnap" $args >/dev/null 2>"$work/err"; rc=$?
  set -e
  [ $rc -eq 2 ] || fail "$args: exit $rc"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$args: not one line: $(cat "$work/err")"
done
set +e
report "$work/missing.netsnap" >/dev/null 2>"$work/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "missing: exit $rc"
grep -q "missing.netsnap" "$work/err" || fail "missing: $(cat "$work/err")"
echo "report formats: ok"
