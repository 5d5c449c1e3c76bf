// Reads the /proc/net socket tables into a buffer reused across snapshots. The root is
// injectable: tests point it at a fake tree, and "/proc/PID" reads the tables of the network
// namespace process PID lives in (/proc/PID/net follows the process's namespace).
#pragma once

#include <string>
#include <string_view>

#include "netsnap/result.h"

namespace netsnap {

class ProcNetReader {
 public:
  explicit ProcNetReader(std::string proc_root = "/proc");

  // Reads <root>/net/<table> (e.g. "tcp6", "unix") whole. The view stays valid until the
  // next read() on this reader.
  Result<std::string_view> read(std::string_view table);

  // The path read() would open for `table`, for error messages.
  std::string path_of(std::string_view table) const;

  const std::string& root() const { return root_; }

 private:
  std::string root_;
  std::string contents_;  // reused: /proc/net/tcp is megabytes at 100k sockets
};

}  // namespace netsnap
