#!/usr/bin/env bash
# netsnap-record when the disk fills: on a 1 MiB tmpfs (in a private mount namespace) a filler
# takes the remaining space while the recorder runs, then frees it 2 s later. The recorder must say so
# once (not once per tick), keep every snapshot written before intact (verify exit 0), go on
# writing when space returns, and record the gap: `verify` lists the snapshots lost as a
# capture problem and `info` shows the gap. Usage: record_disk_full.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root (tmpfs mount)"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/disk"

# Inside the private mount namespace: mount, record at 0.1 s (UNIX sockets: a few KB per key),
# fill the disk once the file has grown, free it 2 s later, stop once the file grows again.
# Waits are on the file, not the clock: a loaded machine captures slower.
unshare -m bash -s "$bin" "$work" <<'INNER'
set -euo pipefail
bin=$1 work=$2
mount -t tmpfs -o size=1m tmpfs "$work/disk"
"$bin/netsnap-record" -x -c 0.1 --key-interval 5 -o "$work/disk/r.netsnap" 2>"$work/record.err" &
rec=$!
size() { stat -c %s "$work/disk/r.netsnap" 2>/dev/null || echo 0; }
grown() { local from=$1 i; for ((i = 0; i < 300; i++)); do (( $(size) > from )) && return 0; sleep 0.1; done; return 1; }
grown 4096 || { echo "recorder wrote nothing" >"$work/record.err"; kill $rec; exit 0; }
dd if=/dev/zero of="$work/disk/filler" bs=4k 2>/dev/null || true   # until ENOSPC
date +%s.%N >"$work/full.from"
sleep 2
rm -f "$work/disk/filler"
date +%s.%N >"$work/full.to"
grown "$(size)" && sleep 0.5
kill -TERM $rec
set +e; wait $rec; echo $? >"$work/record.rc"; set -e
cp "$work/disk/r.netsnap" "$work/r.netsnap"
INNER

rc=$(<"$work/record.rc")
err=$(<"$work/record.err")
[ "$rc" = 1 ] || fail "recorder exit $rc, expected 1 (snapshots were lost); stderr: $err"
n_full=$(grep -c "No space left on device" "$work/record.err" || true)
[ "$n_full" = 1 ] || fail "the full disk was reported $n_full times, expected once: $err"
grep -q "writing again" "$work/record.err" || fail "no line saying writing resumed: $err"

bin_a="$bin/netsnap-analyze"
"$bin_a" verify --utc "$work/r.netsnap" >"$work/verify.out" \
  || fail "verify: exit $? (the file must stay intact): $(cat "$work/verify.out")"
grep -qE "capture problem: recorder: [0-9]+ snapshots? before this one could not be written \(.*No space left" \
  "$work/verify.out" || fail "the lost snapshots are not recorded: $(cat "$work/verify.out")"
"$bin_a" info "$work/r.netsnap" >"$work/info.out"
grep -qE "^gaps +[1-9]" "$work/info.out" || fail "info shows no gap: $(cat "$work/info.out")"
snaps=$(sed -nE 's/^snapshots +([0-9]+),.*/\1/p' "$work/info.out")
# Snapshots from before the disk filled and from after it was freed are both there.
from=$(<"$work/full.from"); to=$(<"$work/full.to")
before=0; after=0
while read -r _ _ day time _; do
  t=$(date -u -d "$day $time" +%s.%N)
  awk -v t="$t" -v f="$from" 'BEGIN { exit !(t < f) }' && before=$((before + 1))
  awk -v t="$t" -v e="$to" 'BEGIN { exit !(t > e) }' && after=$((after + 1))
done < <("$bin_a" table -x --all --utc "$work/r.netsnap" | grep '^Snapshot at ')
[ "$before" -ge 1 ] && [ "$after" -ge 1 ] || fail "snapshots before the disk filled: $before, after it was freed: $after"
echo "ok: disk full reported once, file intact ($snaps snapshots: $before before, $after after), writing resumed, gap recorded"
