# Sourced by the packaging tests: what the programs' --help says they accept, so that the man
# pages and completions are checked against the binaries rather than against a copied list.

# The long options (--name) in a CLI11 --help text on stdin, without --help itself.
help_long_options() {
  grep -oE -- '^ +(-[A-Za-z0-9],)?--[a-z0-9][a-z0-9-]*' | sed 's/^ *\(-.,\)\?//' | grep -vx -- --help | sort -u
}

# The subcommands listed by `netsnap-analyze --help`.
help_subcommands() {
  sed -n '/^Subcommands:/,$p' | grep -oE '^  [a-z]+ ' | tr -d ' '
}
