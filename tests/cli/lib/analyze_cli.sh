# Helpers for the netsnap-analyze command-line tests (sourced, not a test itself: only
# tests/cli/*.sh are). The sourcing script sets $analyze (the binary) and $work (a scratch dir).

fail() { echo "FAIL: $*" >&2; exit 1; }

# run EXPECTED_EXIT ARGS...: runs netsnap-analyze, output in $work/out and $work/err.
run() {
  local want=$1
  shift
  set +e
  "$analyze" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  set -e
  [ $rc -eq "$want" ] || fail "netsnap-analyze $*: exit $rc, want $want; stderr: $(cat "$work/err")"
}

# one_line_with WHAT TEXT: stderr is exactly one line and holds TEXT.
one_line_with() {
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$1: want one stderr line, got: $(cat "$work/err")"
  grep -qF -- "$2" "$work/err" || fail "$1: stderr lacks '$2': $(cat "$work/err")"
}
