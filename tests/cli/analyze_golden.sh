#!/usr/bin/env bash
# netsnap-analyze table, timeline and diff on the committed fixture fixtures/table-sample.netsnap
# (made by tests/analyzer/table_sample_recording.cpp, see fixtures/README.md): every case of
# golden/analyze.cases must print exactly golden/NAME.out and exit 0.
# UPDATE_GOLDEN=1 rewrites the .out files instead; review every change by hand (git diff)
# against netsnap-compat facts before keeping it.
set -euo pipefail
bin=$1 src=$2
fixture=$src/fixtures/table-sample.netsnap
golden=$src/tests/cli/golden
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 cases=0

while read -r name line; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  read -r -a args <<<"${line//@F/$fixture}"
  cases=$((cases + 1))
  set +e
  "$bin/netsnap-analyze" "${args[@]}" >"$work/out" 2>"$work/err"
  rc=$?
  set -e
  if [ -n "${UPDATE_GOLDEN:-}" ]; then
    cp "$work/out" "$golden/$name.out"
  fi
  if [ $rc -ne 0 ] || [ -s "$work/err" ]; then
    echo "FAIL $name: exit $rc, stderr: $(cat "$work/err")" >&2
    failures=$((failures + 1))
  elif ! diff -u "$golden/$name.out" "$work/out" >"$work/diff"; then
    echo "FAIL $name: output differs from golden/$name.out:" >&2
    head -40 "$work/diff" >&2
    failures=$((failures + 1))
  fi
done <"$golden/analyze.cases"

[ $cases -ge 19 ] || { echo "FAIL: only $cases cases read" >&2; exit 1; }
[ $failures -eq 0 ] || { echo "FAIL: $failures of $cases golden cases" >&2; exit 1; }
echo "analyze golden: $cases cases ok"
