#!/usr/bin/env bash
# netsnap-record killed with SIGKILL at random moments, 100 times, always appending to the SAME
# file, in a private network namespace with a few UDP sockets that change every 0.15 s
# (recording at -c 0.1: small snapshots, keys and deltas, an index every 128).
#
# What "every snapshot completed before the kill reads back intact, at most the one in flight
# is lost" means here, and how each round checks it without any test hook in the recorder:
# - Stopped rounds (even ones): SIGSTOP, then read the file, then SIGKILL. A write(2) to a
#   regular file is never left half done by a stop, so the file then holds exactly the
#   snapshots whose write returned. They must all verify intact (exit 0), the newest must be
#   recent (its tick at most one interval plus a slow capture, 1.5 s, before the stop: a
#   recorder that held snapshots back in memory would lag), and the SIGKILL that follows must
#   leave exactly those: the capture in progress is the only one lost.
# - Plain rounds (odd ones): SIGKILL whenever it lands, possibly inside a write. The file may
#   then end in one torn record: `verify` exits 0, or 1 with exactly one line naming one region
#   that reaches the end of the file and loses at most 1 snapshot; nothing before it is lost.
# - Every round: the snapshots read after the kill are the ones read after the previous kill
#   plus new ones, unchanged (the JSON of every snapshot, `table --all --format json`, is a
#   prefix of the next round's); the next run appends after them (cutting a torn tail).
# At the end a clean run (-n 5) must leave a file that verifies intact (exit 0) with sequence
# numbers strictly increasing and times increasing over the whole file.
# Usage: record_crash.sh BIN_DIR SOURCE_DIR. NETSNAP_CRASH_ROUNDS, NETSNAP_CRASH_SEED to replay.
set -euo pipefail
bin=$1
fail() { echo "FAIL (seed $seed, round ${round:-0}): $*" >&2; exit 1; }
seed=${NETSNAP_CRASH_SEED:-$(( $(date +%s) % 100000 ))}
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root (unshare -n)"; exit 0; }
unshare -n true 2>/dev/null || { echo "skip: cannot create a network namespace"; exit 0; }
command -v jq >/dev/null || { echo "skip: needs jq"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

unshare -n bash -s "$bin" "$work" "$seed" "${NETSNAP_CRASH_ROUNDS:-100}" <<'INNER'
set -euo pipefail
bin=$1 work=$2 seed=$3 rounds=$4
fail() { echo "FAIL (seed $seed, round ${round:-0}): $*" >&2; exit 1; }
RANDOM=$seed
ip link set lo up
# A few sockets that change: two fixed connected UDP sockets, a third reopened to another
# port every 0.15 s (connected UDP needs no listener).
(
  exec 3<>/dev/udp/127.0.0.1/5001 4<>/dev/udp/127.0.0.1/5002
  i=0
  while :; do
    exec 5<>/dev/udp/127.0.0.1/$((6000 + i % 40))
    sleep 0.15
    exec 5>&-
    i=$((i + 1))
  done
) &
churn=$!
trap 'kill $churn 2>/dev/null || true' EXIT
file=$work/crash.netsnap
: >"$work/prev.json"

# verify FILE: sets rc, count (snapshots readable), err_lines.
check() {
  set +e
  "$bin/netsnap-analyze" verify "$file" >"$work/verify.out" 2>"$work/verify.err"
  rc=$?
  set -e
  count=$(sed -n 's/.*crash\.netsnap: [A-Za-z]* (\([0-9]*\) snapshots).*/\1/p' "$work/verify.out")
  [ -n "$count" ] || fail "verify printed no count (exit $rc): $(cat "$work/verify.out" "$work/verify.err")"
  err_lines=$(wc -l <"$work/verify.err")
}
# Every snapshot read before must read back the same, in the same place.
same_as_before() {
  set +e
  "$bin/netsnap-analyze" table --all --format json "$file" 2>/dev/null | jq -c '.snapshots[]' >"$work/now.json"
  set -e
  head -c "$(stat -c %s "$work/prev.json")" "$work/now.json" | cmp -s - "$work/prev.json" ||
    fail "a snapshot read after the previous kill changed or vanished"
  [ "$(wc -l <"$work/now.json")" -eq "$count" ] || fail "table read $(wc -l <"$work/now.json") snapshots, verify $count"
  mv "$work/now.json" "$work/prev.json"
}

before=0 torn=0 stopped_checks=0
for ((round = 1; round <= rounds; round++)); do
  delay_ms=$((50 + RANDOM % 951))
  "$bin/netsnap-record" -t -u -x -c 0.1 -q -o "$file" 2>"$work/record.err" &
  rec=$!
  sleep "$(printf '0.%03d' "$delay_ms")"
  [ "$delay_ms" -ge 1000 ] && sleep 1
  if ((round % 2 == 0)); then
    kill -STOP $rec 2>/dev/null || true
    stop_ns=$(date +%s%N)
    if [ -s "$file" ]; then
      check
      at_stop=$count
      [ "$rc" -eq 0 ] || fail "stopped recorder's file does not verify (exit $rc): $(cat "$work/verify.err")"
      if ((count > before)); then
        last_ns=$("$bin/netsnap-analyze" table --format json "$file" | jq '.snapshots[-1].wall_ns')
        lag_ms=$(((stop_ns - last_ns) / 1000000))
        ((lag_ms < 1500)) || fail "newest snapshot is ${lag_ms} ms older than the stop"
        stopped_checks=$((stopped_checks + 1))
      fi
    fi
  fi
  kill -KILL $rec 2>/dev/null || true
  set +e; { wait $rec; } 2>/dev/null; status=$?; set -e  # no "Killed" line from bash
  [ $status -eq 137 ] || fail "recorder ended with $status before the kill: $(cat "$work/record.err")"
  [ -s "$file" ] || continue  # killed before it created the file
  check
  if ((round % 2 == 0)) && [ -n "${at_stop:-}" ]; then
    [ "$rc" -eq 0 ] && [ "$count" -eq "$at_stop" ] ||
      fail "SIGKILL of a stopped recorder changed the file: $at_stop -> $count snapshots (exit $rc)"
  fi
  unset at_stop
  case $rc in
    0) [ "$err_lines" -eq 0 ] || fail "verify exit 0 but stderr: $(cat "$work/verify.err")" ;;
    1)
      [ "$err_lines" -eq 1 ] || fail "more than one damaged region: $(cat "$work/verify.err")"
      region=$(sed -n 's/.*: damaged at offset \([0-9]*\) (\([0-9]*\) bytes, \([0-9]*\) snapshots lost).*/\1 \2 \3/p' "$work/verify.err")
      read -r offset length lost <<<"$region"
      [ $((offset + length)) -eq "$(stat -c %s "$file")" ] || fail "damage is not the tail: $(cat "$work/verify.err")"
      [ "$lost" -le 1 ] || fail "a torn tail lost $lost snapshots: $(cat "$work/verify.err")"
      torn=$((torn + 1))
      ;;
    *) fail "verify exit $rc: $(cat "$work/verify.err")" ;;
  esac
  ((count >= before)) || fail "snapshots readable went from $before to $count"
  same_as_before
  before=$count
done

# A last clean run appends 5 more (cutting a torn tail) and closes the file.
"$bin/netsnap-record" -t -u -x -c 0.1 -n 5 -q -o "$file" 2>"$work/record.err" ||
  fail "clean run after the crashes failed: $(cat "$work/record.err")"
check
[ "$rc" -eq 0 ] || fail "file does not verify after a clean run (exit $rc): $(cat "$work/verify.err")"
[ "$count" -eq $((before + 5)) ] || fail "clean run: $before + 5 snapshots expected, $count read"
same_as_before
jq -s -e '[.[] | .seq] as $s | [.[] | .wall_ns] as $t
          | all(range(1; length); $s[.] > $s[. - 1] and $t[.] > $t[. - 1])' "$work/prev.json" >/dev/null ||
  fail "sequence numbers or times do not increase over the whole file"
echo "record crash: $rounds kills (seed $seed), $count snapshots, $torn torn tails cut, $stopped_checks stopped checks" >"$work/summary"
INNER
cat "$work/summary"
