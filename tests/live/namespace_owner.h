// The owner: a child process in its own network namespace (loopback up, a distinctive
// ip_local_port_range) that opens the scenario's sockets and then re-executes this test
// binary as a tiny holder with a known identity, so that a recording can be checked for
// every owner field:
//   argv   "netsnap-live-owner" "--hold" "two words"
//   comm   "nsnap-owner" (set with PR_SET_NAME after exec, so it differs from argv0)
//   RLIMIT_NOFILE 1234 / 4321
// The holder keeps every socket until the test ends (it exits when its hold pipe closes, so
// it never outlives the test even if the test dies); the destructor also kills it by pid.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "namespace_sockets.h"

namespace netsnap::live {

inline constexpr const char* kOwnerArgv0 = "netsnap-live-owner";
inline const std::vector<std::string> kOwnerCmdline{"netsnap-live-owner", "--hold", "two words"};
inline constexpr const char* kOwnerComm = "nsnap-owner";
inline constexpr uint64_t kOwnerNofileSoft = 1234, kOwnerNofileHard = 4321;
inline constexpr const char* kPortRangeSetting = "net.ipv4.ip_local_port_range";
inline constexpr const char* kPortRangeValue = "40000\t40999";  // as /proc/sys prints it

enum class SocketScenario { minimal, every_state };

class NamespaceOwner {
 public:
  struct Started {
    std::unique_ptr<NamespaceOwner> owner;  // null when skipped or failed
    bool skipped = false;                   // no private network namespace here
    std::string message;                    // why skipped or failed
  };
  // UNIX socket files go under `unix_dir`.
  static Started start(SocketScenario scenario, const std::string& unix_dir);

  ~NamespaceOwner();
  NamespaceOwner(const NamespaceOwner&) = delete;
  NamespaceOwner& operator=(const NamespaceOwner&) = delete;

  pid_t pid() const { return pid_; }
  std::string netns_path() const { return "/proc/" + std::to_string(pid_) + "/ns/net"; }
  uint64_t netns_inode() const;
  const NamespaceSockets& sockets() const { return sockets_; }
  const ExpectedSocket* find(const std::string& role) const;
  // Open descriptors of the holder right now (entries of /proc/PID/fd).
  size_t fd_count() const;

 private:
  NamespaceOwner() = default;
  pid_t pid_ = -1;
  int hold_fd_ = -1;  // our end of the hold pipe; closing it ends the holder
  NamespaceSockets sockets_;
};

// Starts an owner into `var` or ends the test: GTEST_SKIP when no namespace can be made.
#define NETSNAP_START_OWNER(var, scenario, dir)                               \
  auto var##_started = ::netsnap::live::NamespaceOwner::start(scenario, dir); \
  if (var##_started.skipped) GTEST_SKIP() << var##_started.message;           \
  ASSERT_TRUE(var##_started.owner) << var##_started.message;                  \
  ::netsnap::live::NamespaceOwner& var = *var##_started.owner

}  // namespace netsnap::live
