#!/usr/bin/env bash
# The man pages (recorder/man/netsnap-record.8, analyzer/man/netsnap-analyze.1) render without
# a single warning (groff -ww, man --warnings) and document every option the binaries' --help
# lists, every subcommand, the exit statuses, and what is being built beside them (the
# rotation options; slice and export). Usage: man_pages.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1") src=$(realpath "$2")
source "$src/tests/packaging/help_options.sh"
record_page=$src/recorder/man/netsnap-record.8
analyze_page=$src/analyzer/man/netsnap-analyze.1
fail() { echo "FAIL: $*" >&2; exit 1; }

for page in "$record_page" "$analyze_page"; do
  warnings=$(groff -man -ww -z "$page" 2>&1) || fail "groff failed on $page: $warnings"
  [ -z "$warnings" ] || fail "groff warns on $page: $warnings"
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null) || fail "man failed on $page"
  [ -z "$warnings" ] || fail "man --warnings on $page: $warnings"
done

# documents PAGE OPTION: the page names the option as roff writes it (\-\-rotate\-size).
documents() { grep -qF -- "$(printf '%s' "$2" | sed 's/-/\\-/g')" "$1"; }

# Every option of netsnap-record --help, and those the service uses.
options=$("$build/bin/netsnap-record" --help | help_long_options)
[ "$(echo "$options" | wc -l)" -ge 15 ] || fail "netsnap-record --help lists too few options: $options"
for option in $options --rotate-size --rotate-age --keep-size --keep-age; do
  documents "$record_page" "$option" || fail "netsnap-record.8 does not document $option"
done

# Every subcommand (a .SS section each) and every option of each subcommand's --help.
analyze=$build/bin/netsnap-analyze
commands=$("$analyze" --help | help_subcommands)
[ "$(echo "$commands" | wc -l)" -ge 6 ] || fail "netsnap-analyze --help lists too few subcommands"
for command in $commands slice export; do
  grep -qx "\.SS $command" "$analyze_page" || fail "netsnap-analyze.1 has no section for $command"
  if echo "$commands" | grep -qx "$command"; then
    for option in $("$analyze" "$command" --help | help_long_options); do
      documents "$analyze_page" "$option" || fail "netsnap-analyze.1 does not document $command $option"
    done
  fi
done
for option in --output --force --anonymize --anonymize-key --what --by --top --utc; do
  documents "$analyze_page" "$option" || fail "netsnap-analyze.1 does not document $option"
done

# The sections a man page owes its reader.
for page in "$record_page" "$analyze_page"; do
  for section in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" FILES EXAMPLES "SEE ALSO"; do
    grep -qx "\.SH $section\|\.SH \"$section\"" "$page" || fail "$page has no $section section"
  done
done
for status in 0 1 2 128+; do
  grep -q "^\.BI\? $status" "$record_page" || fail "netsnap-record.8 lacks exit status $status"
done
for status in 0 1 2 3; do
  grep -qx "\.B $status" "$analyze_page" || fail "netsnap-analyze.1 lacks exit status $status"
done
echo "ok: both pages render cleanly and document every option and subcommand"
