# Helpers for the benchmark smoke tests, tests/cli/bench_*_smoke.sh (sourced, not a test
# itself). The sourcing script sets $name (how it introduces itself, e.g. "bench capture
# smoke"), $bin and $src (its two arguments).

# Exits 0, saying so, unless this runs as root with `ip` (benchmarks that set up namespaces).
skip_unless_root() {
  if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
    echo "$name: skipped (needs root and ip)"
    exit 0
  fi
}

# run_bench SCRIPT [ARGS...]: bench/SCRIPT --smoke, its results in $out (removed at exit);
# on failure, its stderr and exit 1.
run_bench() {
  local script=$1 log
  shift
  out=$(mktemp) log=$(mktemp)
  trap 'rm -f "$out"' EXIT
  if ! bash "$src/bench/$script" --smoke --build "$bin/.." --output "$out" "$@" >/dev/null 2>"$log"; then
    echo "$name: $script failed:" >&2
    cat "$log" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
}

# expect_line PATTERN: a line of $out matches PATTERN (grep basic regular expression).
expect_line() {
  grep -q -- "$1" "$out" && return
  echo "$name: no line matching '$1' in:" >&2
  cat "$out" >&2
  exit 1
}

# namespaces_named PREFIX: the network namespaces whose names start with PREFIX.
namespaces_named() { ip netns list | grep -o "^$1[^ ]*" || true; }

# expect_namespaces PREFIX BEFORE: the same namespaces of PREFIX as BEFORE (none left behind).
expect_namespaces() {
  [ "$(namespaces_named "$1")" = "$2" ] && return
  echo "$name: a namespace was left behind" >&2
  exit 1
}
