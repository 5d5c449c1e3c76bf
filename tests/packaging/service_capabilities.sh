#!/usr/bin/env bash
# The three capabilities the unit grants (and `setcap` gives the binary, the README's
# alternative) are enough for an unprivileged user to record every socket's owner: in a
# private network namespace a root process holds a listener; netsnap-record runs as nobody
# (1) with them as ambient capabilities, the way systemd starts netsnap-record.service, and
# (2) from a copy of the binary with them as file capabilities. Both name root's program as
# the owner, mark the recording's owners complete and say nothing on stderr; the control,
# nobody without them, cannot (so the check can fail). Needs root, unshare, setpriv, setcap.
# Usage: service_capabilities.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
record=$build/bin/netsnap-record analyze=$build/bin/netsnap-analyze
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skip: $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "not root"
for tool in unshare setpriv setcap perl; do command -v $tool >/dev/null || skip "no $tool"; done
unshare -n true 2>/dev/null || skip "cannot make a network namespace here"
# In the build tree, not /tmp: a nosuid mount would ignore file capabilities.
work=$(mktemp -d "$build/service-capabilities.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir "$work/out" && chown 65534:65534 "$work/out"
caps=net_admin,sys_ptrace,dac_read_search
cp "$record" "$work/netsnap-record-setcap"
setcap "cap_net_admin,cap_sys_ptrace,cap_dac_read_search+ep" "$work/netsnap-record-setcap" ||
  skip "setcap refused here (no CAP_SETFCAP?)"

# record NAME COMMAND...: in a fresh network namespace, a root perl process listens on
# 127.0.0.1:7777 while COMMAND records one snapshot to $work/out/NAME.netsnap.
record() {
  local name=$1; shift
  unshare -n bash -c '
    ip link set lo up 2>/dev/null || true
    exec 3< <(exec perl -MIO::Socket::INET -e "
      my \$s = IO::Socket::INET->new(LocalAddr => q(127.0.0.1:7777), Listen => 5) or die qq(\$!\n);
      \$| = 1; print qq(ready\n); sleep 60")
    listener=$!
    read -r -t 20 ready <&3 && [ "$ready" = ready ] || { echo "no listener" >&2; exit 99; }
    "$@"; status=$?
    kill "$listener"
    exit $status' _ "$@" -q -n 1 --no-tcp-info -t -o "$work/out/$name.netsnap" 2>"$work/$name.err" ||
    fail "$name: netsnap-record failed: $(cat "$work/$name.err")"
}
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
record ambient "${as_nobody[@]}" --inh-caps="+${caps//,/,+}" --ambient-caps="+${caps//,/,+}" \
  --bounding-set="-all,+${caps//,/,+}" "$record"
record setcap "${as_nobody[@]}" --bounding-set="-all,+${caps//,/,+}" "$work/netsnap-record-setcap"
record control "${as_nobody[@]}" "$record"

# owner_of NAME: the PID/Program column of 127.0.0.1:7777 in that recording.
owner_of() {
  "$analyze" table -tlnp "$work/out/$1.netsnap" | awk '$4 == "127.0.0.1:7777" { print $7 }'
}
for name in ambient setcap; do
  [ ! -s "$work/$name.err" ] || fail "$name: netsnap-record warned: $(cat "$work/$name.err")"
  [[ $(owner_of $name) == */perl ]] || fail "$name: the listener's owner is '$(owner_of $name)', want PID/perl"
  "$analyze" info "$work/out/$name.netsnap" | grep -q "owners incomplete" &&
    fail "$name: the recording says owners are incomplete"
done
[ "$(owner_of control)" = "-" ] || fail "control: nobody without capabilities saw owner '$(owner_of control)'"
grep -q "owners of other users' sockets will be missing" "$work/control.err" ||
  fail "control: no warning about missing owners: $(cat "$work/control.err")"
echo "ok: as nobody, ambient and file capabilities both record root's listener owner; without them, not"
