// `table` and `diff` take netstat's own flags (-t -u -w -x -l -a -n -p -e -o -W, combinable
// as in "-tunap") among netsnap's long options (--at, --from, --format...). CLI11 cannot parse
// getopt-style clusters of single-letter flags that it does not define, so the command line is
// split first: netstat's flags go to parse_netstat_options (netstat_options.h), everything
// else, in its order, to CLI11.
//
// The rules, in order, for each argument:
//   "--"                        it and everything after: CLI11 (all positional from there)
//   a value option of CLI11     ("--at" with the value in the next argument): both to CLI11,
//                               so that "--at -5m" or "--index -1" is never taken for flags
//   "--NAME" or "--NAME=VALUE"  CLI11, except netstat's long flags (exact names: --tcp,
//                               --numeric-hosts, ...; not --all, which is netsnap's selector)
//   "-h"                        CLI11 (help)
//   "-X..." (one dash)          netstat (an unknown letter is reported by the netstat parser)
//   anything else               CLI11 (inputs)
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace netsnap::analysis {

struct SplitArguments {
  std::vector<std::string> netstat;  // for parse_netstat_options
  std::vector<std::string> rest;     // for CLI11, in their original order
};

// `value_options`: the long names (with "--") of the subcommand's options that take a value.
SplitArguments split_netstat_arguments(const std::vector<std::string>& args,
                                       const std::vector<std::string>& value_options);

}  // namespace netsnap::analysis
