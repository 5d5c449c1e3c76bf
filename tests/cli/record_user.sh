#!/usr/bin/env bash
# netsnap-record --user NAME: after opening its netlink socket and output the recorder runs as
# NAME with exactly CAP_NET_ADMIN, CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (effective,
# permitted and bounding; nothing inheritable or ambient; no new privileges), and still
# records the owner of a root process's socket. A user that does not exist, a directory the
# user cannot write, or a caller that is not root: one line, exit 2.
# Usage: record_user.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root"; exit 0; }
id nobody >/dev/null 2>&1 || { echo "skip: no user nobody"; exit 0; }
unshare -n true 2>/dev/null || { echo "skip: no network namespaces"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir "$work/out" "$work/closed"
chown nobody "$work/out"

# In a private network namespace: a root process holding TCP sockets, and the recorder.
unshare -n bash -s "$bin" "$work" <<'INNER'
set -euo pipefail
bin=$1 work=$2
ip link set lo up
"$bin/netsnap-socket-holder" --address 127.0.0.1 --port 4100 --pairs 3 --extra-listeners 0 >"$work/holder.out" &
echo $! >"$work/holder.pid"
for i in $(seq 100); do grep -q '^ready' "$work/holder.out" && break; sleep 0.1; done
"$bin/netsnap-record" -q -t -c 0.2 -n 15 --user nobody -o "$work/out" 2>"$work/record.err" &
rec=$!
sleep 1
grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' "/proc/$rec/status" >"$work/status"
wait "$rec"; echo $? >"$work/record.rc"
INNER

[ "$(cat "$work/record.rc")" = 0 ] || fail "recorder exit $(cat "$work/record.rc"): $(cat "$work/record.err")"
nobody=$(id -u nobody)
grep -qE "^Uid:\s+$nobody\s+$nobody\s+$nobody\s+$nobody$" "$work/status" || fail "not running as nobody: $(cat "$work/status")"
grep -qE "^Groups:\s*$" "$work/status" || fail "supplementary groups kept: $(grep Groups "$work/status")"
# CAP_DAC_READ_SEARCH (2), CAP_NET_ADMIN (12), CAP_SYS_PTRACE (19).
for set in CapPrm CapEff CapBnd; do
  grep -qE "^$set:\s+0000000000081004$" "$work/status" || fail "$set is not exactly the three: $(cat "$work/status")"
done
for set in CapInh CapAmb; do
  grep -qE "^$set:\s+0+$" "$work/status" || fail "$set not empty: $(cat "$work/status")"
done
grep -qE "^NoNewPrivs:\s+1$" "$work/status" || fail "no-new-privileges not set"
file=$(ls "$work/out"/*.netsnap)
[ "$(stat -c %U "$file")" = nobody ] || fail "the recording is not the user's: $(stat -c %U "$file")"
"$bin/netsnap-analyze" table -tanp "$work/out" >"$work/table.txt"
holder=$(cat "$work/holder.pid")
[ "$(grep -c "ESTABLISHED $holder/" "$work/table.txt")" = 6 ] ||
  fail "the root-owned sockets have no owner: $(cat "$work/table.txt")"

expect_usage() {  # WORD ARGS...
  local word=$1; shift
  set +e; "$@" >/dev/null 2>"$work/err"; local rc=$?; set -e
  [ "$rc" = 2 ] || fail "'$*': exit $rc, expected 2"
  [ "$(wc -l <"$work/err")" = 1 ] && grep -q -- "$word" "$work/err" || fail "'$*': not one line naming $word: $(cat "$work/err")"
}
expect_usage "no such user" "$bin/netsnap-record" -x -n 1 --user netsnap-no-such-user -o "$work/closed"
expect_usage "cannot create files" "$bin/netsnap-record" -x -n 1 --user nobody -o "$work/closed"
[ -z "$(ls "$work/closed")" ] || fail "files created in a directory the user cannot write"
if setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
  expect_usage "needs root" setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$bin/netsnap-record" -x -n 1 --user nobody -o "$work/out"
fi
echo "ok: --user runs as nobody with exactly three capabilities and still records owners"
