#!/usr/bin/env bash
# `cpack -G DEB` builds netsnap_VERSION_ARCH.deb holding exactly what `cmake --install --prefix
# /usr` installs (checked with dpkg-deb -c), with Depends worked out by dpkg-shlibdeps, and
# maintainer scripts that are valid shell. Usage: debian_package.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out") >"$work/cpack.out" 2>&1 ||
  fail "cpack -G DEB: $(cat "$work/cpack.out")"
debs=("$work"/out/netsnap_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "cpack made no single .deb: $(ls "$work/out")"
deb=${debs[0]}

# The files, as `cmake --install` would put them under /usr.
DESTDIR=$work/root cmake --install "$build" --prefix /usr >/dev/null
want=$(cd "$work/root" && find . -type f | sort)
got=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sort)
[ "$got" = "$want" ] || fail "dpkg-deb -c lists:"$'\n'"$got"$'\n'"want:"$'\n'"$want"
for f in ./usr/bin/netsnap-record ./usr/bin/netsnap-analyze ./usr/lib/systemd/system/netsnap-record.service \
         ./usr/lib/sysusers.d/netsnap.conf ./usr/share/man/man8/netsnap-record.8 \
         ./usr/share/man/man1/netsnap-analyze.1 ./usr/share/bash-completion/completions/netsnap-analyze; do
  grep -qx -- "$f" <<<"$got" || fail "the .deb lacks $f"
done
# Listings are read whole before they are searched: a reader that stops at its match closes
# the pipe, and with pipefail the writer's SIGPIPE failed this test now and then.
listing=$(dpkg-deb -c "$deb")
awk '$6 == "./usr/bin/netsnap-record" { exit !($1 == "-rwxr-xr-x" && $2 == "root/root") }' <<<"$listing" ||
  fail "netsnap-record is not -rwxr-xr-x root/root in the .deb"

# The unit in the package runs /usr/bin/netsnap-record.
unit=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/lib/systemd/system/netsnap-record.service)
grep -q '^ExecStart=/usr/bin/netsnap-record ' <<<"$unit" || fail "the packaged unit does not run /usr/bin/netsnap-record"

# Control: name, version, dependencies from the binaries' libraries, the maintainer scripts.
[ "$(dpkg-deb -f "$deb" Package)" = netsnap ] || fail "Package: $(dpkg-deb -f "$deb" Package)"
depends=$(dpkg-deb -f "$deb" Depends)
for library in libc6 libstdc++6 libzstd1 libcapnp; do
  [[ $depends == *"$library"* ]] || fail "Depends lacks $library: $depends"
done
mkdir "$work/control"
dpkg-deb -e "$deb" "$work/control"
for script in postinst prerm postrm; do
  [ -x "$work/control/$script" ] || fail "the .deb has no executable $script"
  sh -n "$work/control/$script" || fail "$script is not valid sh"
done
grep -q "systemd-sysusers netsnap.conf" "$work/control/postinst" || fail "postinst does not create the user"
echo "ok: $(basename "$deb"): the installed files, Depends: $depends"
