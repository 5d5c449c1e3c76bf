// The filters that `table` and `diff` add to netstat's own row selection: --state S
// (repeatable: any of them), --port P (local or remote), --pid P and --program NAME (any
// owner; the name netstat -p shows or the kernel's comm). Each option may be repeated.
// Different filters must all match. Names are checked when parsed, so a typo is a usage error
// rather than an empty table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netsnap/model.h"
#include "netsnap/result.h"
#include "socket_owner.h"

namespace netsnap::analysis {

// The filters as given on the command line.
struct SocketFilterArgs {
  std::vector<std::string> states;
  std::vector<std::string> ports;
  std::vector<std::string> pids;
  std::vector<std::string> programs;
};

class SocketFilter {
 public:
  // Checks and converts the arguments. A state is any word the State column can show, in any
  // case: the TCP states (LISTEN, ESTABLISHED, SYN_RECV, TIME_WAIT...; ESTABLISHED also matches
  // a connected UDP socket) and the UNIX ones (LISTENING, CONNECTED, CONNECTING,
  // DISCONNECTING), plus UNCONNECTED for the rows whose State column is blank.
  static Result<SocketFilter> parse(const SocketFilterArgs& args);

  bool empty() const {
    return states_.empty() && ports_.empty() && pids_.empty() && programs_.empty();
  }
  // Whether the filters need the process table (--program).
  bool uses_programs() const { return !programs_.empty(); }

  // `processes` is the socket's snapshot's process table (only read for --program).
  bool matches(const Socket& socket, const ProcessIndex& processes) const;

 private:
  std::vector<std::string> states_;  // upper case
  std::vector<uint16_t> ports_;
  std::vector<int32_t> pids_;
  std::vector<std::string> programs_;
};

// The State column's word for a socket, as the filters compare it: "UNCONNECTED" stands for a
// blank column; RAW sockets (whose column is a number) give "".
std::string_view state_word(const Socket& socket);

}  // namespace netsnap::analysis
