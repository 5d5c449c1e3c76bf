// The `--netns NAME|INODE` option every command takes (namespace_selection.h says what it
// matches), declared once so that its help text is the same everywhere.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace netsnap::analysis {

inline CLI::Option* add_netns_option(CLI::App& command, std::vector<std::string>& values) {
  // One value per occurrence: a vector option would otherwise swallow the input paths.
  return command
      .add_option("--netns", values,
                  "Only this network namespace (repeatable): its label as recorded (an ip netns "
                  "name, docker:ID, pod:UID/ID, pid PID (COMM)) or its inode in decimal")
      ->allow_extra_args(false);
}

}  // namespace netsnap::analysis
