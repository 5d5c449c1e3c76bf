#!/usr/bin/env bash
# netsnap-record -o DIR: time-named files, rotation by size and by age, retention by total
# size and by age (only this host's recording files, never the current one, never anything
# else in the directory), one recorder per output (flock; the second names the first's pid),
# and the analyzer reading the directory as one timeline. Usage: record_rotation.sh BIN_DIR SRC
set -euo pipefail
bin=$1
record="$bin/netsnap-record"
analyze="$bin/netsnap-analyze"
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
host=$(uname -n | sed 's/[^A-Za-z0-9._-]/_/g')
name_re="^${host//./\\.}-[0-9]{8}T[0-9]{6}Z\.netsnap$"
count_files() { find "$1" -maxdepth 1 -name '*.netsnap' | wc -l; }
snapshots_of() { "$analyze" info "$@" | sed -nE 's/^snapshots +([0-9]+),.*/\1/p'; }

# 1. Rotation by size: 40 snapshots into 12 KiB files -> several files, all named for their
#    time, mode 0640, read back as one timeline of 40 snapshots with nothing damaged.
mkdir "$work/size"
"$record" -q -tux -c 0.1 -n 40 --key-interval 10 -o "$work/size" --rotate-size 12K
n=$(count_files "$work/size")
[ "$n" -ge 2 ] || fail "rotation by size made $n file(s)"
for f in "$work/size"/*; do
  [[ $(basename "$f") =~ $name_re ]] || fail "file name $(basename "$f") is not HOST-YYYYmmddTHHMMSSZ.netsnap"
  [ "$(stat -c %a "$f")" = 640 ] || fail "$f has mode $(stat -c %a "$f"), expected 640"
done
[ "$(snapshots_of "$work/size")" = 40 ] || fail "directory reads as $(snapshots_of "$work/size") snapshots, expected 40"
"$analyze" verify "$work/size" >/dev/null || fail "verify of the rotated directory failed"
# The files as several arguments, in any order, are the same timeline.
mapfile -t files < <(ls -r "$work/size"/*)
[ "$(snapshots_of "${files[@]}")" = 40 ] || fail "the files given in reverse order do not read as 40 snapshots"
"$analyze" table -tuxan --all "$work/size" >"$work/all.txt"
[ "$(grep -c '^Snapshot at ' "$work/all.txt")" = 40 ] || fail "table --all over the directory: not 40 snapshots"

# 2. Rotation by age: 1 s files over 3 s of snapshots -> at least 3 files.
mkdir "$work/age"
"$record" -q -x -c 0.2 -n 16 -o "$work/age" --rotate-age 1s
n=$(count_files "$work/age")
[ "$n" -ge 3 ] || fail "rotation by age (1 s over 3 s) made $n file(s)"

# 3. Retention by size: old recordings of this host (copies with old names) are deleted
#    oldest first until the directory holds <= --keep-size; other files are never touched.
mkdir "$work/keep"
sample=$(ls "$work/size"/* | head -1)
size=$(stat -c %s "$sample")
for stamp in 20200101T000000Z 20200102T000000Z 20200103T000000Z 20200104T000000Z; do
  cp "$sample" "$work/keep/$host-$stamp.netsnap"
done
echo "not a recording" >"$work/keep/notes.txt"
cp "$sample" "$work/keep/otherhost-20200101T000000Z.netsnap"
ln -s "$work/keep/notes.txt" "$work/keep/$host-20190101T000000Z.netsnap"
keep=$((size * 3 - 1))   # two old copies and the new file (smaller than a copy) fit, three do not
"$record" -q -x -c 0.1 -n 3 -o "$work/keep" --keep-size "$keep" --rotate-size 16K
new=$(find "$work/keep" -type f -name "$host-*.netsnap" ! -name "$host-20200*" | head -1)
[ -n "$new" ] && [ "$(stat -c %s "$new")" -lt "$size" ] || fail "the new file is missing or not smaller than $size bytes"
for stamp in 20200101T000000Z 20200102T000000Z; do
  [ ! -e "$work/keep/$host-$stamp.netsnap" ] || fail "retention by size kept the oldest $stamp"
done
for stamp in 20200103T000000Z 20200104T000000Z; do
  [ -e "$work/keep/$host-$stamp.netsnap" ] || fail "retention by size deleted the newer $stamp"
done
[ -e "$work/keep/notes.txt" ] && [ -e "$work/keep/otherhost-20200101T000000Z.netsnap" ] \
  || fail "retention deleted a file that is not this host's recording"
[ -L "$work/keep/$host-20190101T000000Z.netsnap" ] || fail "retention deleted a symlink"

# 4. Retention by age: a file last written 20 days ago goes, one from yesterday stays.
mkdir "$work/old"
cp "$sample" "$work/old/$host-20200101T000000Z.netsnap"
cp "$sample" "$work/old/$host-20200102T000000Z.netsnap"
touch -d '20 days ago' "$work/old/$host-20200101T000000Z.netsnap"
touch -d '1 day ago' "$work/old/$host-20200102T000000Z.netsnap"
"$record" -q -x -c 0.1 -n 2 -o "$work/old" --keep-age 14d
[ ! -e "$work/old/$host-20200101T000000Z.netsnap" ] || fail "retention by age kept a 20-day-old file"
[ -e "$work/old/$host-20200102T000000Z.netsnap" ] || fail "retention by age deleted a 1-day-old file"

# 5. One recorder per output: a second one is refused at once (exit 2, one line naming the
#    first one's pid), for a file and for a directory, and the first one is unharmed.
for out in "$work/locked.netsnap" "$work/lockdir"; do
  [[ $out == *dir ]] && mkdir "$out"
  "$record" -q -x -c 0.2 -n 15 -o "$out" &
  first=$!; pids+=("$first")
  sleep 1
  set +e
  timeout 10 "$record" -x -c 0.2 -n 2 -o "$out" 2>"$work/second.err"; rc=$?
  set -e
  [ "$rc" = 2 ] || fail "second recorder on $out: exit $rc, expected 2"
  [ "$(wc -l <"$work/second.err")" = 1 ] || fail "second recorder: not one line: $(cat "$work/second.err")"
  grep -q "process $first" "$work/second.err" || fail "second recorder does not name pid $first: $(cat "$work/second.err")"
  wait "$first" || fail "the first recorder on $out failed"
  [ "$(snapshots_of "$out")" = 15 ] || fail "the first recorder's $out has $(snapshots_of "$out") snapshots"
done

# 6. Bad sizes and durations: one line naming the option, exit 2, nothing created.
mkdir "$work/bad"
for args in "--keep-size 10XB" "--rotate-size -5M" "--rotate-age 5x" "--keep-age 0s" \
            "--keep-size 1M --rotate-size 2M"; do
  set +e
  # shellcheck disable=SC2086
  "$record" -x -n 1 -o "$work/bad" $args 2>"$work/bad.err"; rc=$?
  set -e
  option=${args%% *}
  [ "$rc" = 2 ] || fail "'$args': exit $rc, expected 2"
  [ "$(wc -l <"$work/bad.err")" = 1 ] && grep -q -- "${option}" "$work/bad.err" \
    || fail "'$args': not one line naming $option: $(cat "$work/bad.err")"
  [ -z "$(ls "$work/bad")" ] || fail "'$args' created files"
done
set +e
"$record" -x -n 1 -o "$work/file.netsnap" --rotate-size 1M 2>"$work/bad.err"; rc=$?
set -e
[ "$rc" = 2 ] && grep -q "needs -o DIR" "$work/bad.err" || fail "--rotate-size with a file output: exit $rc: $(cat "$work/bad.err")"
echo "ok: rotation by size and age, retention by size and age, one recorder per output, bad sizes refused"
