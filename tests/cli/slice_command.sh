#!/usr/bin/env bash
# netsnap-analyze slice: the slice is an ordinary recording whose table, timeline and info
# equal the original's window; bad input is one line and exit 2 and leaves nothing behind;
# damage is named and the slice still written (exit 1); --anonymize leaves no original
# address, host, user, program or path in anything the analyzer decodes from it.
set -euo pipefail
bin=$1 src=$2
analyze=$bin/netsnap-analyze
fixture=$src/fixtures/table-sample.netsnap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=lib/analyze_cli.sh
source "$src/tests/cli/lib/analyze_cli.sh"
no_leftovers() {
  ! ls -A "$work/out-dir" | grep -q '^\.netsnap-slice-' || fail "$1: a temporary file was left behind"
}
mkdir "$work/out-dir"

# The window 13:00:10..13:00:40 as its own recording, still read after being renamed.
run 0 slice "$fixture" --from 13:00:10 --to 13:00:40 -o "$work/out-dir/window.netsnap"
grep -q "^wrote .*window.netsnap: 4 snapshots, 2026-03-01 13:00:10 CET to 2026-03-01 13:00:40 CET (" "$work/out" ||
  fail "summary line: $(cat "$work/out")"
[ "$(stat -c %a "$work/out-dir/window.netsnap")" = 640 ] || fail "mode is not 0640"
mv "$work/out-dir/window.netsnap" "$work/renamed.rec"
for format in text json csv; do
  run 0 table "$fixture" -tuwxanpe --from 13:00:10 --to 13:00:40 --format $format
  mv "$work/out" "$work/want"
  run 0 table "$work/renamed.rec" -tuwxanpe --all --format $format
  cmp -s "$work/out" "$work/want" || fail "table --format $format of the slice differs from the window"
done
run 0 timeline "$fixture" --from 13:00:10 --to 13:00:40 --by remote
mv "$work/out" "$work/want"
run 0 timeline "$work/renamed.rec" --by remote
cmp -s "$work/out" "$work/want" || fail "timeline of the slice differs from the window"
run 0 diff "$fixture" --from 13:00:10 --to 13:00:40 -tuwxan
mv "$work/out" "$work/want"
run 0 diff "$work/renamed.rec" --from 13:00:10 --to 13:00:40 -tuwxan
cmp -s "$work/out" "$work/want" || fail "diff of the slice differs from the window"
run 0 verify "$work/renamed.rec"
run 0 info "$work/renamed.rec"
grep -q "^snapshots   4, every 10s" "$work/out" || fail "info: $(cat "$work/out")"
run 0 report "$work/renamed.rec" --format json

# Without --from/--to: the whole recording.
run 0 slice "$fixture" -o "$work/out-dir/all.netsnap"
run 0 table "$fixture" -tuwxanpe --all --format json
mv "$work/out" "$work/want"
run 0 table "$work/out-dir/all.netsnap" -tuwxanpe --all --format json
cmp -s "$work/out" "$work/want" || fail "a slice of the whole recording differs from it"

# Bad input: one line, exit 2, nothing written.
run 2 slice "$fixture" --from 14:00 -o "$work/out-dir/late.netsnap"
one_line_with "window after the recording" "--from '14:00' (2026-03-01 14:00:00 CET) is outside the recording: the recording covers"
run 2 slice "$fixture" --to 12:00 -o "$work/out-dir/early.netsnap"
one_line_with "window before the recording" "--to '12:00' (2026-03-01 12:00:00 CET) is outside the recording"
run 2 slice "$fixture" --from 13:00:40 --to 13:00:10 -o "$work/out-dir/backwards.netsnap"
one_line_with "backwards window" "is later than --to"
[ ! -e "$work/out-dir/late.netsnap" ] && [ ! -e "$work/out-dir/early.netsnap" ] || fail "a refused slice was written"
run 2 slice "$fixture" -o "$work/out-dir/all.netsnap"
one_line_with "existing output" "all.netsnap: exists; use --force to replace it"
echo "not a recording" >"$work/out-dir/notes.txt"
run 0 slice "$fixture" -o "$work/out-dir/notes.txt" --force   # --force replaces a regular file
run 0 verify "$work/out-dir/notes.txt"
ln -s "$work/renamed.rec" "$work/out-dir/link.netsnap"
run 2 slice "$fixture" -o "$work/out-dir/link.netsnap" --force
one_line_with "symbolic link" "link.netsnap: is a symbolic link; refusing to replace it (even with --force)"
[ -L "$work/out-dir/link.netsnap" ] || fail "the link was replaced"
run 2 slice "$fixture" -o "$work/out-dir" --force
one_line_with "a directory" "out-dir: exists and is not a regular file; refusing to replace it"
run 2 slice "$fixture" -o "$work/no-such-dir/x.netsnap"
one_line_with "missing directory" "no-such-dir: cannot create a temporary file in: No such file or directory"
run 2 slice "$work/missing.netsnap" -o "$work/out-dir/x.netsnap"
one_line_with "missing input" "missing.netsnap"
run 2 slice "$fixture"
one_line_with "no -o" "--output is required"
run 2 slice "$fixture" -o "$work/out-dir/k.netsnap" --anonymize-key "$work/k"
one_line_with "key without --anonymize" "--anonymize-key is only used with --anonymize"
echo "0123" >"$work/bad.key"
run 2 slice "$fixture" -o "$work/out-dir/k.netsnap" --anonymize --anonymize-key "$work/bad.key"
one_line_with "bad key file" "bad.key: not an anonymization key (expected 32 hex digits on one line)"
no_leftovers "refusals"

# Damage inside the window: skipped, named on stderr (one line), the slice still written, exit 1.
# (Snapshot 4 of the fixture is damaged as in analyze_usage.sh: 4 and 5 are lost.)
cp "$fixture" "$work/flipped.netsnap"
printf '\xff\xff\xff\xff' | dd of="$work/flipped.netsnap" bs=1 seek=3100 conv=notrunc status=none
run 1 slice "$work/flipped.netsnap" -o "$work/out-dir/survivors.netsnap"
one_line_with "damaged input" "flipped.netsnap: damaged at offset 2999 (0 bytes, 2 snapshots lost)"
grep -q ": 4 snapshots, " "$work/out" || fail "damaged: $(cat "$work/out")"
run 0 verify "$work/out-dir/survivors.netsnap"
no_leftovers "damage"

# --anonymize: nothing the analyzer decodes from the slice names an original.
run 0 slice "$fixture" -o "$work/out-dir/anon.netsnap" --anonymize
grep -q ", anonymized$" "$work/out" || fail "summary does not say anonymized"
decode_all() {  # every view of a recording, into $work/decoded
  : >"$work/decoded"
  for args in "info" "table -tuwxanpe --all --format json" "table -tuwxape --all -W" \
              "diff -tuwxape --from 13:00:00 --to 13:00:50 --format json" \
              "timeline --by remote --top 0" "timeline --by program --top 0" "report --format json"; do
    read -ra words <<<"$args"
    "$analyze" "${words[0]}" "$1" "${words[@]:1}" >>"$work/decoded" 2>&1 || fail "$args failed on $1"
  done
}
originals=(edge-3 4c1f6f0a8d2e4b7c9a1e3d5f7b9c1a2e 0d6a3c52-3f8e-4a4e-9d57-0c5b6f1a2b3c
  10.0.0. 192.168.1. 2001:db8 www-data messagebus 'bad\x1bname' /run/ system_bus @netsnap
  sshd nginx redis systemd a-very-long 3003/evil)
decode_all "$fixture"
for original in "${originals[@]}"; do
  grep -qF -- "$original" "$work/decoded" || fail "the check cannot fail: '$original' is not in the original's output"
done
decode_all "$work/out-dir/anon.netsnap"
for original in "${originals[@]}"; do
  ! grep -qF -- "$original" "$work/decoded" || fail "'$original' survived --anonymize: $(grep -F -- "$original" "$work/decoded" | head -3)"
done
grep -qF '127.0.0.1:6379' "$work/decoded" || fail "loopback was not kept"
grep -qF '"host":"host-1"' "$work/decoded" || fail "no host placeholder"
# Ports, states and queues stay: the table without addresses and names (namespace labels
# included) is the original's.
strip() { sed -E 's/"(local_address|remote_address|user|program|path|netns_name)":("[^"]*"|null)//g'; }
run 0 table "$fixture" -tuwxan --all --format json
strip <"$work/out" >"$work/want"
run 0 table "$work/out-dir/anon.netsnap" -tuwxan --all --format json
strip <"$work/out" | cmp -s - "$work/want" || fail "anonymizing changed ports, states or queues"

# One key file: two slices replace every address alike (the key file is created on first use).
run 0 slice "$fixture" --to 13:00:20 -o "$work/out-dir/k1.netsnap" --anonymize --anonymize-key "$work/incident.key"
[ "$(stat -c %a "$work/incident.key")" = 600 ] || fail "key file mode"
run 0 slice "$fixture" --from 13:00:20 -o "$work/out-dir/k2.netsnap" --anonymize --anonymize-key "$work/incident.key"
run 0 table "$work/out-dir/k1.netsnap" -tuwan --index -1
mv "$work/out" "$work/want"
run 0 table "$work/out-dir/k2.netsnap" -tuwan --index 0
cmp -s "$work/out" "$work/want" || fail "the same key file gave other addresses"
run 0 slice "$fixture" --from 13:00:20 -o "$work/out-dir/k3.netsnap" --anonymize
run 0 table "$work/out-dir/k3.netsnap" -tuwan --index 0
! cmp -s "$work/out" "$work/want" || fail "a random key gave the key file's addresses"
no_leftovers "anonymize"
echo "slice: ok"
