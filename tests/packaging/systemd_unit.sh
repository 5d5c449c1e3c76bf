#!/usr/bin/env bash
# recorder/systemd/netsnap-record.service.in, configured as `cmake --install` configures it:
# `systemd-analyze verify` passes (and fails on a misspelt directive or a missing binary: the
# check can fail), the recorder runs with exactly its three capabilities as user netsnap in a
# hardened sandbox with the issue's defaults, and `systemd-analyze security` rates its exposure
# at most 2.5 ("OK"; README quotes the figure). Usage: systemd_unit.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1") src=$(realpath "$2")
template=$src/recorder/systemd/netsnap-record.service.in
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing (package systemd, .ci/setup)"

# configure_file(@ONLY) substitutes the one variable; the built binary stands in for the
# installed one (verify checks that ExecStart's binary exists and is executable).
grep -o '@[A-Z_]*@' "$template" | sort -u | grep -vx '@NETSNAP_RECORD_PATH@' &&
  fail "the unit template has placeholders install does not fill"
unit=$work/netsnap-record.service
sed "s|@NETSNAP_RECORD_PATH@|$build/bin/netsnap-record|" "$template" >"$unit"

# verify: no output at all (warnings such as an unknown key are not failures of its exit code).
verify() { systemd-analyze verify --man=no "$1" >"$work/verify.out" 2>&1; }
verify "$unit" || fail "systemd-analyze verify: $(cat "$work/verify.out")"
[ ! -s "$work/verify.out" ] || fail "systemd-analyze verify warns: $(cat "$work/verify.out")"
# ...and it does catch what it should: a misspelt directive, a binary that is not there.
mkdir "$work/bad"
sed 's/^ProtectSystem=/ProtectSystm=/' "$unit" >"$work/bad/netsnap-record.service"
verify "$work/bad/netsnap-record.service" || true
grep -q "ProtectSystm" "$work/verify.out" || fail "verify did not notice a misspelt directive"
sed "s|$build/bin/netsnap-record|$work/no-such-binary|" "$unit" >"$work/bad/netsnap-record.service"
verify "$work/bad/netsnap-record.service" && fail "verify accepted a missing ExecStart binary"

# The settings the issue asks for, read back through systemd's own parser.
want() {  # want KEY VALUE: the unit sets KEY to exactly VALUE (its last assignment)
  local got; got=$(sed -n "s/^$1=//p" "$unit" | tail -n 1)
  [ "$got" = "$2" ] || fail "$1=$got, want $1=$2"
}
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
for part in " -q " " -c 5 " " -o /var/lib/netsnap " " --rotate-size 64M " " --rotate-age 1h " \
            " --keep-size 1G " " --keep-age 14d"; do
  [[ "$exec_start " == *"$part"* ]] || fail "ExecStart lacks '$part': $exec_start"
done
want User netsnap
want Group netsnap
want StateDirectory netsnap
want StateDirectoryMode 0750
want Restart on-failure
want RestartPreventExitStatus 2
want CapabilityBoundingSet "CAP_NET_ADMIN CAP_SYS_PTRACE CAP_DAC_READ_SEARCH"
want AmbientCapabilities "CAP_NET_ADMIN CAP_SYS_PTRACE CAP_DAC_READ_SEARCH"
for setting in NoNewPrivileges PrivateTmp ProtectHome ProtectKernelTunables ProtectKernelModules \
               ProtectKernelLogs ProtectControlGroups LockPersonality MemoryDenyWriteExecute \
               RestrictNamespaces RestrictSUIDSGID RestrictRealtime; do
  want "$setting" yes
done
want ProtectSystem strict
want SystemCallArchitectures native
want RestrictAddressFamilies "AF_NETLINK AF_UNIX"
grep -q '^DynamicUser=' "$unit" && fail "DynamicUser= would move the recordings to /var/lib/private"
grep -Eq '^(ProtectProc|ProcSubset)=' "$unit" && fail "ProtectProc=/ProcSubset= hide the owners and /proc/net"

# What systemd itself makes of it: the exposure score, and every capability but the three gone.
systemd-analyze security --offline=true "$unit" >"$work/security.out" 2>&1 || true
score=$(sed -n 's/.*Overall exposure level for netsnap-record.service: \([0-9.]*\).*/\1/p' "$work/security.out")
[ -n "$score" ] || fail "systemd-analyze security gave no score: $(tail -3 "$work/security.out")"
awk -v s="$score" 'BEGIN { exit !(s <= 2.5) }' || fail "exposure $score, want <= 2.5: $(grep '✗' "$work/security.out")"
# The capabilities systemd says the service may still use: the three, nothing else.
kept=$(sed -n 's/^✗ CapabilityBoundingSet=~\([^ ]*\).*/\1/p' "$work/security.out" | sort | tr '\n' ' ')
[ "$kept" = "CAP_(DAC_*|FOWNER|IPC_OWNER) CAP_NET_ADMIN CAP_SYS_PTRACE " ] ||
  fail "systemd-analyze security: capabilities kept: $kept"
echo "ok: unit verifies, settings as the issue asks, exposure $score"
