#!/usr/bin/env bash
# info and verify on good, damaged, truncated, foreign, newer and missing recordings: exit
# statuses 0/1/2 and one clear stderr line naming the file (and the offset) for each problem.
set -euo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin/netsnap-synth" -o "$work/good.netsnap" --sockets 200 --snapshots 30 --churn 0.02 --key-interval 10 >/dev/null

# Intact: exit 0, nothing on stderr.
"$bin/netsnap-analyze" verify "$work/good.netsnap" >"$work/out" 2>"$work/err" || fail "verify good: exit $?"
[ ! -s "$work/err" ] || fail "verify good wrote to stderr: $(cat "$work/err")"
grep -q "good.netsnap: ok (30 snapshots)" "$work/out" || fail "verify good output: $(cat "$work/out")"
"$bin/netsnap-analyze" info "$work/good.netsnap" >"$work/out" 2>"$work/err" || fail "info good: exit $?"
grep -q "^snapshots   30, every 1s" "$work/out" || fail "info snapshots line: $(cat "$work/out")"
grep -q "^damage      none" "$work/out" || fail "info damage line"

# A byte flipped in the middle: exit 1, the damage named with its offset, the rest still read.
cp "$work/good.netsnap" "$work/flipped.netsnap"
size=$(stat -c %s "$work/flipped.netsnap")
offset=$((size / 2))
printf '\xff' | dd of="$work/flipped.netsnap" bs=1 seek=$offset conv=notrunc status=none
set +e
"$bin/netsnap-analyze" verify "$work/flipped.netsnap" >"$work/out" 2>"$work/err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "verify flipped: exit $rc"
grep -q "flipped.netsnap: damaged at offset [0-9]* (" "$work/err" || fail "verify flipped stderr: $(cat "$work/err")"
grep -q "DAMAGED" "$work/out" || fail "verify flipped stdout"
set +e
"$bin/netsnap-analyze" info "$work/flipped.netsnap" >"$work/out" 2>"$work/err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "info flipped: exit $rc"
snapshots=$(sed -n 's/^snapshots   \([0-9]*\),.*/\1/p' "$work/out")
[ "$snapshots" -ge 19 ] && [ "$snapshots" -lt 30 ] || fail "info flipped kept $snapshots snapshots"

# Cut short (a crash mid-write): exit 1, every snapshot before the cut kept.
head -c $((size * 2 / 3)) "$work/good.netsnap" >"$work/cut.netsnap"
set +e
"$bin/netsnap-analyze" verify "$work/cut.netsnap" >"$work/out" 2>"$work/err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "verify cut: exit $rc"
grep -q "cut.netsnap: damaged at offset" "$work/err" || fail "verify cut stderr: $(cat "$work/err")"
kept=$(sed -n 's/.*cut.netsnap: DAMAGED (\([0-9]*\) snapshots)/\1/p' "$work/out")
[ "$kept" -ge 15 ] && [ "$kept" -lt 30 ] || fail "verify cut kept $kept: $(cat "$work/out")"

# Seeded random multi-byte damage (tests/format/damage_sweep_test.cpp sweeps thousands through
# the library): every command that reads the file exits 1 with one stderr line per damaged
# region, each naming the file and an offset, and still reads what it can.
RANDOM=4242
# Past the preamble (16 bytes) and the file header record (40 + its stored length, the u32 at
# 24): damage there refuses the file, tested above.
header_end=$((16 + 40 + $(od -An -tu4 -j24 -N4 "$work/good.netsnap")))
for case in $(seq 1 12); do
  cp "$work/good.netsnap" "$work/hit.netsnap"
  for region in 1 2; do
    at=$((header_end + (RANDOM * 32768 + RANDOM) % (size - header_end - 16)))
    bytes=""
    n=$((1 + RANDOM % 16))
    for ((i = 0; i < n; i++)); do bytes+=$(printf '\\x%02x' $((RANDOM % 256))); done
    printf "$bytes" | dd of="$work/hit.netsnap" bs=1 seek=$at conv=notrunc status=none
  done
  for command in verify info "table --all"; do
    set +e
    "$bin/netsnap-analyze" $command "$work/hit.netsnap" >"$work/out" 2>"$work/err"; rc=$?
    set -e
    [ $rc -eq 1 ] || fail "$command, damage case $case: exit $rc: $(cat "$work/err")"
    lines=$(wc -l <"$work/err")
    [ "$lines" -ge 1 ] && [ "$lines" -le 2 ] || fail "$command, damage case $case: $lines lines: $(cat "$work/err")"
    bad=$(grep -cv "^$work/hit.netsnap: damaged at offset [0-9]* (" "$work/err" || true)
    [ "$bad" -eq 0 ] || fail "$command, damage case $case: unclear line: $(cat "$work/err")"
  done
done

# Not a recording, a newer format, a missing file: exit 2 and exactly one line naming it.
echo "hello" >"$work/text.netsnap"
cp "$work/good.netsnap" "$work/newer.netsnap"
printf '\x09' | dd of="$work/newer.netsnap" bs=1 seek=8 conv=notrunc status=none
for case in "text.netsnap:not a netsnap recording" "newer.netsnap:newer format version 9, this build reads 2" \
            "missing.netsnap:No such file"; do
  file=${case%%:*} want=${case#*:}
  for command in info verify; do
    set +e
    "$bin/netsnap-analyze" $command "$work/$file" >/dev/null 2>"$work/err"; rc=$?
    set -e
    [ $rc -eq 2 ] || fail "$command $file: exit $rc"
    [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$command $file: not one line: $(cat "$work/err")"
    grep -q "$work/$file: .*$want" "$work/err" || fail "$command $file: $(cat "$work/err")"
  done
done

# Usage errors: exit 2.
set +e
"$bin/netsnap-analyze" info >/dev/null 2>&1; rc=$?
set -e
[ $rc -eq 2 ] || fail "info without input: exit $rc"
echo "format info/verify: ok"
