// TEST ONLY: a private network namespace filled with one socket of every kind the table shows,
// for comparing the renderer with the real netstat. Everything here runs in a forked child
// (unshare(CLONE_NEWNET) changes the calling process for good), never in the test runner.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace netsnap::netstat_test {

// The sockets of one live scenario; closing them all is the destructor's job.
class LiveSockets {
 public:
  LiveSockets() = default;
  LiveSockets(const LiveSockets&) = delete;
  LiveSockets& operator=(const LiveSockets&) = delete;
  ~LiveSockets();

  // Creates every socket, or returns a message naming what failed ("skip: ..." when the
  // kernel has no IPv6 at all). `dir` holds the UNIX socket files. Optional kinds the kernel
  // refuses (UDP-Lite, raw) are left out and listed in skipped().
  std::string open_all(const std::string& dir);

  // listen() backlog per TCP listener (address family, port), as the recorder's netlink
  // capture stores it in the listener's send_q.
  using ListenerKey = std::pair<uint8_t, uint16_t>;
  const std::map<ListenerKey, uint32_t>& backlogs() const { return backlogs_; }
  const std::vector<std::string>& skipped() const { return skipped_; }

 private:
  std::string open_tcp();
  std::string open_udp();
  void open_optional();
  std::string open_unix(const std::string& dir);
  int keep(int fd);

  std::vector<int> fds_;
  std::vector<std::string> paths_;
  std::map<ListenerKey, uint32_t> backlogs_;
  std::vector<std::string> skipped_;
};

// unshare(CLONE_NEWNET) and bring lo up. Returns "" on success, "skip: <why>" when the
// environment cannot make a namespace (no privilege), else "error: <what failed>".
std::string enter_private_network_namespace();

// Waits (up to ~3 s) until no TCP socket has a running timer, so that a timer cannot change
// between netstat's read of /proc and the test's own.
void wait_for_quiet_tcp_timers();

// Runs a shell command and returns its standard output.
std::string command_output(const std::string& command);

// The long IPv6 address put on lo (cut by netstat without -W).
inline constexpr const char* long_ipv6_address = "fd00:1234:5678:9abc:def0:1234:5678:9abc";

}  // namespace netsnap::netstat_test
