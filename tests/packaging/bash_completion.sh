#!/usr/bin/env bash
# The bash completions (analyzer/completion/netsnap-analyze, recorder/completion/netsnap-record)
# load in a plain bash and register themselves; called the way bash calls them (COMP_WORDS,
# COMP_CWORD) they complete subcommands, every option --help lists, the values of --format
# (per subcommand), --by, --fail-on, --what, --state and --source, and recordings and
# directories as inputs. Usage: bash_completion.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1") src=$(realpath "$2")
source "$src/tests/packaging/help_options.sh"
analyze_completion=$src/analyzer/completion/netsnap-analyze
record_completion=$src/recorder/completion/netsnap-record
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for pair in "$analyze_completion:netsnap-analyze:_netsnap_analyze" \
            "$record_completion:netsnap-record:_netsnap_record"; do
  IFS=: read -r file program function <<<"$pair"
  registered=$(bash --norc --noprofile -c 'source "$1" && complete -p "$2"' _ "$file" "$program") ||
    fail "$file does not load or register $program"
  [ "$registered" = "complete -F $function $program" ] || fail "$program registered as: $registered"
done

# completions FUNCTION WORD...: what FUNCTION offers for the last WORD, one per line, sorted.
# Runs in a fresh bash inside $work (where the test files are), as bash would call it.
completions() {
  local function=$1; shift
  (cd "$work" && bash --norc --noprofile -c '
    source "$1"; function=$2; shift 2
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
    "$function"; printf "%s\n" "${COMPREPLY[@]}"' _ "$(completion_file "$function")" "$function" "$@") |
    grep -v '^$' | sort || true
}
completion_file() { [ "$1" = _netsnap_analyze ] && echo "$analyze_completion" || echo "$record_completion"; }
# expect WANT FUNCTION WORD...: the completions are exactly WANT (space-separated, any order).
expect() {
  local want; want=$(tr ' ' '\n' <<<"$1" | { grep -v '^$' || true; } | sort); shift
  local got; got=$(completions "$@")
  [ "$got" = "$want" ] || fail "completing '${*:2}': got [$(echo $got)], want [$(echo $want)]"
}
# offers OPTION FUNCTION WORD...: OPTION is among the completions.
offers() {
  local option=$1; shift
  completions "$@" | grep -qx -- "$option" || fail "completing '${*:2}' does not offer $option"
}

A=_netsnap_analyze R=_netsnap_record
# Subcommands.
expect "info verify table timeline diff report slice export -h --help" $A netsnap-analyze ""
expect "table timeline" $A netsnap-analyze t
expect "diff" $A netsnap-analyze d
# Values of options, per subcommand; after "=" too.
expect "text csv json" $A netsnap-analyze table x.netsnap --format ""
expect "text json" $A netsnap-analyze diff --format ""
expect "text json markdown html" $A netsnap-analyze report --format ""
expect "csv jsonl openmetrics" $A netsnap-analyze export --format ""
expect "markdown" $A netsnap-analyze report --format = m
expect "state proto local-port remote program netns netns-state" $A netsnap-analyze timeline --by ""
expect "warning critical" $A netsnap-analyze report --fail-on ""
expect "sockets timeline counters" $A netsnap-analyze export --what ""
expect "CLOSE CLOSE_WAIT CLOSING CONNECTED CONNECTING" $A netsnap-analyze table --state C
expect "" $A netsnap-analyze table --at ""      # a time: nothing to offer
expect "" $A netsnap-analyze report --queue-warn ""
# Inputs: recordings and directories, not other files; -o in slice takes any path, but -o in
# table is netstat's timers flag and inputs follow it.
mkdir "$work/recordings" "$work/other dir"
touch "$work/host.netsnap" "$work/notes.txt" "$work/recordings/a.netsnap"
[ "$(completions $A netsnap-analyze info "")" = $'host.netsnap\nother dir\nrecordings' ] ||
  fail "completing 'netsnap-analyze info ': $(completions $A netsnap-analyze info "")"
expect "recordings/a.netsnap" $A netsnap-analyze table recordings/
expect "host.netsnap" $A netsnap-analyze table -o h
expect "notes.txt" $A netsnap-analyze slice -o no
expect "--fail-on --fd-critical-ratio --fd-eta-critical --format --from" $A netsnap-analyze report --f
# Every option each subcommand's --help lists (and slice/export, built beside this).
analyze=$build/bin/netsnap-analyze
for command in $("$analyze" --help | help_subcommands); do
  for option in $("$analyze" "$command" --help | help_long_options); do
    offers "$option" $A netsnap-analyze "$command" --
  done
done
for option in --from --to --output --force --anonymize --anonymize-key --utc; do
  offers "$option" $A netsnap-analyze slice --
done
for option in --format --what --by --top --from --to --utc; do
  offers "$option" $A netsnap-analyze export --
done
expect "state proto local-port remote program netns netns-state" $A netsnap-analyze export --what timeline --by ""

# netsnap-record: every option of --help, --source values, paths after -o.
for option in $("$build/bin/netsnap-record" --help | help_long_options) --rotate-size --rotate-age \
              --keep-size --keep-age; do
  offers "$option" $R netsnap-record --
done
expect "netlink proc" $R netsnap-record --source ""
expect "--rotate-age --rotate-size --raw" $R netsnap-record --r
expect "recordings" $R netsnap-record -o rec
expect "" $R netsnap-record -c ""
echo "ok: both completions load and complete subcommands, options, values and paths"
