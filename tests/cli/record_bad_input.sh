#!/usr/bin/env bash
# netsnap-record on bad input: unknown flags, bad numbers, output paths it must not or cannot
# write, namespaces that do not exist. Each must give exactly one stderr line starting with
# "netsnap-record:" that names the argument, exit status 2, nothing on stdout, and no file
# created (an existing file keeps its bytes). Then --help must document every option with an
# example. Usage: record_bad_input.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1
record="$bin/netsnap-record"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "note: $*"; }
cases=0

# Every case also bounds the run (-n 1 -c 0.1 where the case is not about those): a case that
# wrongly passed the checks must not record for ever. Checks use shell builtins: process
# start-up is the slow part on a busy machine.
listing() {
  local f
  for f in "$work"/* "$work"/*/*; do
    [[ -e $f && $f != "$work"/cmp.* ]] && printf '%s\n' "$f"
  done
  return 0
}

# expect_usage_error WORD -- ARGS...: WORD (the argument) must appear in the single line.
expect_usage_error() {
  local word=$1; shift; [ "$1" = "--" ] && shift
  local before; before=$(listing)
  set +e
  timeout 20 "$@" >"$work/cmp.out" 2>"$work/cmp.err"; local rc=$?
  set -e
  local what="'$*'" err out
  err=$(<"$work/cmp.err"); out=$(<"$work/cmp.out")
  local -a lines; mapfile -t lines <"$work/cmp.err"
  [ $rc -eq 2 ] || fail "$what: exit $rc, expected 2; stderr: $err"
  [ -z "$out" ] || fail "$what: wrote to stdout: $out"
  [ ${#lines[@]} -eq 1 ] || fail "$what: ${#lines[@]} stderr lines, expected 1: $err"
  [[ ${lines[0]} == "netsnap-record: "* ]] || fail "$what: stderr does not start with 'netsnap-record:': $err"
  [[ ${lines[0]} == *"$word"* ]] || fail "$what: stderr does not name '$word': $err"
  [ "$(listing)" = "$before" ] || fail "$what: created files: $(listing)"
  cases=$((cases + 1))
}

out="$work/out.netsnap"

# Flags and numbers.
expect_usage_error --bogus -- "$record" --bogus
expect_usage_error --bogus -- "$record" -o "$out" -n 1 --bogus
expect_usage_error extra-argument -- "$record" -o "$out" -n 1 extra-argument
expect_usage_error --interval -- "$record" -o "$out" -n 1 -c 0.05
expect_usage_error 0.05 -- "$record" -o "$out" -n 1 --interval 0.05
expect_usage_error --interval -- "$record" -o "$out" -n 1 -c 0
expect_usage_error --interval -- "$record" -o "$out" -n 1 -c -1
expect_usage_error --interval -- "$record" -o "$out" -n 1 -c abc
expect_usage_error --interval -- "$record" -o "$out" -n 1 -c nan
expect_usage_error --count -- "$record" -o "$out" -c 0.1 -n 0
expect_usage_error --count -- "$record" -o "$out" -c 0.1 -n -1
expect_usage_error --count -- "$record" -o "$out" -c 0.1 -n 1.5
expect_usage_error --duration -- "$record" -o "$out" -n 1 --duration 5x
expect_usage_error --duration -- "$record" -o "$out" -n 1 --duration 0s
expect_usage_error --source -- "$record" -o "$out" -n 1 --source sysfs
expect_usage_error --key-interval -- "$record" -o "$out" -n 1 --key-interval 0
expect_usage_error --output -- "$record" -n 1

# Output directories that are missing or cannot be written.
expect_usage_error --output -- "$record" -o "$work/no-such-dir/out.netsnap" -n 1
expect_usage_error no-such-dir -- "$record" -o "$work/no-such-dir/out.netsnap" -n 1
expect_usage_error --output -- "$record" -o "$work/no-such-dir/" -n 1   # a directory that is not there
expect_usage_error --keep-size -- "$record" -o "$out" -n 1 --keep-size 1G   # needs -o DIR
expect_usage_error --rotate-size -- "$record" -o "$work" -n 1 --rotate-size 10XB
mkdir "$work/locked"
chmod 755 "$work/locked"
if [ "$(id -u)" -eq 0 ]; then
  # Root may write anywhere: an unprivileged user meets the permission check.
  if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
    chmod 755 "$work"
    expect_usage_error --output -- setpriv --reuid=65534 --regid=65534 --clear-groups \
      "$record" -o "$work/locked/out.netsnap" -n 1
    expect_usage_error locked -- setpriv --reuid=65534 --regid=65534 --clear-groups \
      "$record" -o "$work/locked/out.netsnap" -n 1
    chmod 700 "$work"
  else
    note "setpriv cannot drop to uid 65534 here: unwritable-directory case as another user skipped"
  fi
  # And root itself meets a read-only mount (in a private mount namespace: nothing to undo).
  mkdir "$work/ro"
  ro_mount='mount --bind "$1" "$1" && mount -o remount,bind,ro "$1"'
  if command -v unshare >/dev/null && unshare -m sh -c "$ro_mount" sh "$work/ro" 2>/dev/null; then
    expect_usage_error --output -- unshare -m sh -c "$ro_mount"' && shift && exec "$@"' sh "$work/ro" \
      "$record" -o "$work/ro/out.netsnap" -n 1
    expect_usage_error "Read-only" -- unshare -m sh -c "$ro_mount"' && shift && exec "$@"' sh "$work/ro" \
      "$record" -o "$work/ro/out.netsnap" -n 1
  else
    note "no read-only bind mount here (unshare -m): the read-only directory case skipped"
  fi
else
  chmod 555 "$work/locked"
  expect_usage_error --output -- "$record" -o "$work/locked/out.netsnap" -n 1
fi

# An existing file that is not a recording: refused, with and without --force, bytes untouched.
printf 'precious data, not a recording\n' >"$work/precious.txt"
cp "$work/precious.txt" "$work/cmp.precious"
expect_usage_error --output -- "$record" -o "$work/precious.txt" -n 1
expect_usage_error precious.txt -- "$record" -o "$work/precious.txt" -n 1 --force
cmp -s "$work/precious.txt" "$work/cmp.precious" || fail "precious.txt was modified"
printf 'NET' >"$work/short.bin"   # shorter than a preamble
expect_usage_error --output -- "$record" -o "$work/short.bin" -n 1
[ "$(cat "$work/short.bin")" = "NET" ] || fail "short.bin was modified"

# Symbolic links: never written through, whether they point at a recording, another file or
# nothing (a root recorder must not be steered onto another file).
"$record" -q -x -n 1 -c 0.1 -o "$work/real.netsnap" 2>/dev/null || fail "could not make a recording"
cp "$work/real.netsnap" "$work/cmp.real"
ln -s "$work/real.netsnap" "$work/link.netsnap"
ln -s "$work/precious.txt" "$work/link-precious"
ln -s "$work/nowhere.netsnap" "$work/link-dangling"
expect_usage_error "symbolic link" -- "$record" -o "$work/link.netsnap" -n 1 -c 0.1
expect_usage_error "symbolic link" -- "$record" -o "$work/link-precious" -n 1 -c 0.1 --force
expect_usage_error "symbolic link" -- "$record" -o "$work/link-dangling" -n 1 -c 0.1
cmp -s "$work/real.netsnap" "$work/cmp.real" || fail "a recording was written through a link"
[ ! -e "$work/nowhere.netsnap" ] || fail "a dangling link's target was created"
[ "$(stat -c %a "$work/real.netsnap")" = 640 ] || fail "a new recording has mode $(stat -c %a "$work/real.netsnap"), expected 640"

# Namespaces that do not exist, or are not namespaces.
expect_usage_error --netns -- "$record" -o "$out" -n 1 --netns netsnap-no-such-namespace
expect_usage_error netsnap-no-such-namespace -- "$record" -o "$out" -n 1 --netns netsnap-no-such-namespace
expect_usage_error --netns -- "$record" -o "$out" -n 1 --netns /proc/999999999/ns/net
expect_usage_error --netns -- "$record" -o "$out" -n 1 --netns "$work/precious.txt"

# --help: every option, each with an example; signals and exit statuses.
"$record" --help >"$work/cmp.help" 2>"$work/cmp.err" || fail "--help: exit $?"
[ ! -s "$work/cmp.err" ] || fail "--help wrote to stderr"
for option in "-o,--output" "-c,--interval" "-n,--count" "--duration" "-t,--tcp" "-u,--udp" \
              "-w,--raw" "-x,--unix" "--no-owners" "--no-tcp-info" "--source" "--netns" \
              "--key-interval" "-q,--quiet" "--force" "--rotate-size" "--rotate-age" \
              "--keep-size" "--keep-age" "--user"; do
  line=$(grep -E -- "^ +${option}( |$)" "$work/cmp.help" || true)
  [ -n "$line" ] || fail "--help does not document $option"
  echo "$line" | grep -q "e\.g\. " || fail "--help has no example for $option: $line"
done
for topic in "Example: netsnap-record" SIGTERM SIGHUP "Exit status" "2 bad arguments"; do
  grep -qF -- "$topic" "$work/cmp.help" || fail "--help does not mention '$topic'"
done

echo "ok: $cases bad inputs refused with exit 2 and one line; --help documents every option"
