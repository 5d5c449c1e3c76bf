#!/usr/bin/env bash
# `cmake --install` puts exactly these files where the tools that read them look: the two
# binaries, man8/netsnap-record.8 and man1/netsnap-analyze.1, the systemd unit (its ExecStart
# naming the installed binary, and verifying against the installed tree), the sysusers.d entry
# (systemd-sysusers accepts it) and both bash completions. Installs twice: into DESTDIR with
# prefix /usr (as a package does) and with a plain --prefix. Usage: install_layout.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
unit_dir=$(cache_value NETSNAP_INSTALL_SYSTEMDUNITDIR)
sysusers_dir=$(cache_value NETSNAP_INSTALL_SYSUSERSDIR)
completions_dir=$(cache_value NETSNAP_INSTALL_BASHCOMPLETIONDIR)
# On Debian 12 pkg-config (systemd.pc, bash-completion.pc) gives these, relative to the prefix.
[ "$unit_dir" = lib/systemd/system ] || echo "note: unit directory $unit_dir"
[ "$completions_dir" = share/bash-completion/completions ] || echo "note: completions in $completions_dir"

# check_tree ROOT PREFIX: ROOT holds exactly the installed files, for install prefix PREFIX.
check_tree() {
  local root=$1 prefix=$2
  at() { [[ $1 == /* ]] && echo "$root$1" || echo "$root$prefix/$1"; }
  local -a want=(
    "$(at bin)/netsnap-record" "$(at bin)/netsnap-analyze"
    "$(at share/man)/man8/netsnap-record.8" "$(at share/man)/man1/netsnap-analyze.1"
    "$(at "$unit_dir")/netsnap-record.service" "$(at "$sysusers_dir")/netsnap.conf"
    "$(at "$completions_dir")/netsnap-record" "$(at "$completions_dir")/netsnap-analyze")
  local got; got=$(find "${root:-$prefix}" -type f -o -type l | sort)
  [ "$got" = "$(printf '%s\n' "${want[@]}" | sort)" ] ||
    fail "installed under $root:"$'\n'"$got"$'\n'"want:"$'\n'"$(printf '%s\n' "${want[@]}" | sort)"
  local f
  for f in "${want[@]:0:2}"; do
    [ "$(stat -c %a "$f")" = 755 ] || fail "$f is mode $(stat -c %a "$f"), want 755"
    "$f" --help >/dev/null || fail "$f --help failed"
  done
  for f in "${want[@]:2}"; do
    [ "$(stat -c %a "$f")" = 644 ] || fail "$f is mode $(stat -c %a "$f"), want 644"
  done

  # The unit runs the installed binary, and verifies against the installed tree.
  local unit=${want[4]}
  grep -qx "ExecStart=$prefix/bin/netsnap-record -q .*" "$unit" ||
    fail "$unit: ExecStart is not $prefix/bin/netsnap-record: $(grep ExecStart= "$unit")"
  sed "s|^ExecStart=$prefix/|ExecStart=$root$prefix/|" "$unit" >"$work/netsnap-record.service"
  MANPATH=$root$prefix/share/man systemd-analyze verify "$work/netsnap-record.service" \
    >"$work/verify.out" 2>&1 || fail "systemd-analyze verify (man pages included): $(cat "$work/verify.out")"
  [ ! -s "$work/verify.out" ] || fail "systemd-analyze verify warns: $(cat "$work/verify.out")"

  # man finds both pages by name in the installed man directory.
  [ "$(man -M "$root$prefix/share/man" -w netsnap-record)" = "${want[2]}" ] || fail "man -w netsnap-record"
  [ "$(man -M "$root$prefix/share/man" -w netsnap-analyze)" = "${want[3]}" ] || fail "man -w netsnap-analyze"
}

# As a package installs: DESTDIR, prefix /usr.
DESTDIR=$work/pkg cmake --install "$build" --prefix /usr >"$work/install.out" 2>&1 ||
  fail "cmake --install (DESTDIR): $(cat "$work/install.out")"
check_tree "$work/pkg" /usr
# systemd-sysusers, pointed at the installed tree, would create user and group netsnap.
if systemd-sysusers --help 2>/dev/null | grep -q -- --dry-run; then
  mkdir -p "$work/pkg/etc"
  systemd-sysusers --root="$work/pkg" --dry-run >"$work/sysusers.out" 2>&1 ||
    fail "systemd-sysusers rejects netsnap.conf: $(cat "$work/sysusers.out")"
  grep -q "Would create user 'netsnap'" "$work/sysusers.out" ||
    grep -q "Creating user '\?netsnap'\?" "$work/sysusers.out" ||
    fail "systemd-sysusers would not create netsnap: $(cat "$work/sysusers.out")"
fi

# A relocated install: --prefix alone, nothing outside it.
cmake --install "$build" --prefix "$work/opt/netsnap" >"$work/install.out" 2>&1 ||
  fail "cmake --install --prefix: $(cat "$work/install.out")"
check_tree "" "$work/opt/netsnap"
echo "ok: both installs hold exactly the expected files, in place and usable"
