#include "netstat_argument_split.h"

#include <algorithm>
#include <array>

namespace netsnap::analysis {
namespace {

// netstat's long flags that the table understands (netstat_options.cpp), minus "all": netsnap
// uses --all for "every snapshot", and netstat's -a is the short way anyway.
constexpr std::array<std::string_view, 16> netstat_long_flags = {
    "--tcp",    "--udp",       "--udplite", "--raw",           "--unix",          "--inet",
    "--inet6",  "--listening", "--numeric", "--numeric-hosts", "--numeric-ports", "--numeric-users",
    "--extend", "--programs",  "--timers",  "--wide"};

bool is_netstat_long_flag(std::string_view argument) {
  return std::find(netstat_long_flags.begin(), netstat_long_flags.end(), argument) !=
         netstat_long_flags.end();
}

}  // namespace

SplitArguments split_netstat_arguments(const std::vector<std::string>& args,
                                       const std::vector<std::string>& value_options) {
  SplitArguments split;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& argument = args[i];
    if (argument == "--") {
      split.rest.insert(split.rest.end(), args.begin() + static_cast<std::ptrdiff_t>(i),
                        args.end());
      break;
    }
    if (argument.starts_with("--")) {
      if (is_netstat_long_flag(argument)) {
        split.netstat.push_back(argument);
        continue;
      }
      split.rest.push_back(argument);
      const bool takes_value =
          std::find(value_options.begin(), value_options.end(), argument) != value_options.end();
      if (takes_value && i + 1 < args.size()) split.rest.push_back(args[++i]);
      continue;
    }
    if (argument == "-h" || argument.size() < 2 || argument.front() != '-') {
      split.rest.push_back(argument);
      continue;
    }
    split.netstat.push_back(argument);
  }
  return split;
}

}  // namespace netsnap::analysis
