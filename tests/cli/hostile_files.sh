#!/usr/bin/env bash
# fixtures/hostile/ (crafted by tests/format/hostile_recordings.cpp, see fixtures/hostile/README.md):
# `verify`, `info` and `table` fail on each with its reason on stderr (exit 1 damaged, 2
# unreadable), `info --quick` (frames only) at least never crashes, and none of them grows past 64 MB resident or needs more than 256 MiB
# of address space (a reader that allocated a record's claimed 256 MiB would die here).
set -euo pipefail
bin=$1 src=$2
analyze=$bin/netsnap-analyze
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -x /usr/bin/time ] || fail "/usr/bin/time is not installed (.ci/setup installs time)"

# fixture: what verify says about it
cases=(
  "future-version:newer format version 7, this build reads 2"
  "header-version-lie:file header record says format version 9, the preamble 1"
  "raw-len-over-limit:record claims 4294967288 bytes decompressed, above the limit of 536870912"
  "zstd-claims-2-pow-62:zstd frame claims 4611686018427387904 bytes"
  "raw-len-unbacked:record header claims 268435456 bytes, its zstd frame holds at most"
  "zstd-bomb:zstd: Destination buffer is too small"
  "nested-pointers:non-list pointer where list pointer was expected"
  "overlapping-pointers:Exceeded message traversal limit"
  "too-many-sockets:3,000,000,000 sockets exceeds the limit of 16,777,216"
  "too-many-owners:18,446,744,073,709,551,615 owners of one socket exceeds the limit of 65,536"
  "delta-past-snapshot:removed index out of range"
  "process-origins-repeat:process origins list 100000 processes, more than the 1 before and 0 new"
)
[ "${#cases[@]}" -eq "$(ls "$src"/fixtures/hostile/*.netsnap | grep -vc injected-names)" ] ||
  fail "a fixture in fixtures/hostile/ has no case here"

# AddressSanitizer reserves terabytes of address space and has its own heap: under a sanitizer
# build (tests/CMakeLists.txt sets NETSNAP_SANITIZED) the memory bounds are left to the plain
# build, and the sanitizer checks every access instead.
limit=(prlimit --as=$((256 << 20)) --)
[ -z "${NETSNAP_SANITIZED:-}" ] || limit=()
for case in "${cases[@]}"; do
  name=${case%%:*} says=${case#*:}
  file=$src/fixtures/hostile/$name.netsnap
  for command in info verify table; do
    status=0
    /usr/bin/time -o "$work/rss" -f %M "${limit[@]}" \
      "$analyze" "$command" "$file" >"$work/out" 2>"$work/err" || status=$?
    rss=$(tail -1 "$work/rss")
    [ -n "${NETSNAP_SANITIZED:-}" ] || [ "$rss" -lt 65536 ] || fail "$command $name: $rss KB resident"
    case $command:$status in
      info:[12] | verify:[12] | table:[12]) ;;
      *) fail "$command $name: exit $status: $(cat "$work/err")" ;;
    esac
    grep -qF -- "$says" "$work/err" || fail "$command $name does not say '$says': $(cat "$work/err")"
    [ "$(grep -cF -- "$says" "$work/err")" -eq 1 ] || fail "$command $name says it more than once"
    # The reason and, for table, what it means for the command (no readable snapshot): no more.
    [ "$(wc -l <"$work/err")" -le 2 ] || fail "$command $name: more than two lines: $(cat "$work/err")"
    case $command in verify | info) [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$command $name: not one line" ;; esac
  done
done
# --quick reads frames only: a payload lie inside an intact frame passes, and info says so.
"$analyze" info --quick "$src/fixtures/hostile/nested-pointers.netsnap" >"$work/out" 2>"$work/err" ||
  fail "info --quick nested-pointers: exit $?"
grep -q "^damage *none, frames only (--quick" "$work/out" || fail "info --quick: $(cat "$work/out")"
"$analyze" info "$src/fixtures/hostile/injected-names.netsnap" >"$work/out" 2>"$work/err" ||
  fail "info injected-names (intact): exit $?"
grep -q "^damage *none, every snapshot decoded" "$work/out" || fail "info: $(cat "$work/out")"
echo "hostile files: ${#cases[@]} fixtures fail cleanly"
