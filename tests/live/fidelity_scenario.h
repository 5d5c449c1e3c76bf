// TEST ONLY: a private network namespace holding sockets of every kind netstat shows, some of
// them owned by processes with known names, for comparing `netsnap-analyze table` on a real
// recording with the real netstat. Everything here runs in a forked child (unshare changes the
// calling process for good), never in the test runner itself.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace netsnap::fidelity_test {

// Owner processes: exec'd /bin/sleep with these argv[0]s, holding some of the sockets. The
// long one starts with '/', so netstat -p shows its basename, cut with the pid to 19 bytes.
inline constexpr const char* short_owner_name = "fidelity-web";
inline constexpr const char* long_owner_path = "/usr/local/sbin/fidelity-daemon-with-a-long-name";

// The long IPv6 address put on lo (netstat cuts it without -W).
inline constexpr const char* long_ipv6_address = "fd00:1234:5678:9abc:def0:1234:5678:9abc";

// A UNIX socket file name with a space (netstat prints the path up to the space).
inline constexpr const char* spaced_socket_name = "with space.sock";

// listen() backlogs, which the table shows as a listener's Send-Q.
struct ListenerBacklog {
  std::string local;  // netstat's Local Address text with -n, e.g. "0.0.0.0:22"
  uint32_t backlog;
};

class FidelityScenario {
 public:
  FidelityScenario() = default;
  FidelityScenario(const FidelityScenario&) = delete;
  FidelityScenario& operator=(const FidelityScenario&) = delete;
  ~FidelityScenario();  // kills the owners, closes the sockets, removes the socket files

  // Creates every socket under `dir` (UNIX socket files) and starts the owners. Returns ""
  // on success, else a message ("skip: ..." when the kernel has no IPv6).
  std::string open_all(const std::string& dir);

  const std::vector<ListenerBacklog>& backlogs() const { return backlogs_; }
  const std::vector<std::string>& skipped() const { return skipped_; }
  pid_t short_owner() const { return short_owner_; }
  pid_t long_owner() const { return long_owner_; }

 private:
  std::string open_tcp();
  std::string open_udp();
  std::string open_unix(const std::string& dir);
  void open_optional();
  std::string start_owners();
  int keep(int fd);

  std::vector<int> fds_;
  std::vector<std::string> paths_;
  std::vector<ListenerBacklog> backlogs_;
  std::vector<std::string> skipped_;
  std::vector<int> short_owner_fds_, long_owner_fds_;  // handed to the owners
  pid_t short_owner_ = 0, long_owner_ = 0;
};

// unshare(CLONE_NEWNET) and bring lo up: "" on success, "skip: ..." without the privilege,
// else "error: ...".
std::string enter_private_network_namespace();

// Runs a shell command; its standard output, and its exit status in `status`.
std::string command_output(const std::string& command, int& status);

}  // namespace netsnap::fidelity_test
