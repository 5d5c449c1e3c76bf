// TEST ONLY: the small programs a scenario runs. netsnap-scenario re-executes itself with one
// of these names as argv[0] (and as comm, via PR_SET_NAME), so the recording shows them the
// way netstat -p and ss -p would show a real service. Each one sets up, writes one byte to
// its ready descriptor, then loops with a bounded sleep until its lifetime ends or the
// supervisor kills it; none of them ever spins.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "loopback_sockets.h"

namespace netsnap::scenario {

struct RoleArgs {
  uint16_t port = 0;        // the port a server listens on, or a client connects to
  double lifetime_s = 120;  // a role stops by itself after this long, whatever happens
  int ready_fd = -1;        // gets one byte once the role is set up
};

// What every role needs around its loop: the deadline, the ready signal and bounded
// complaints (a client whose connects fail every 100 ms must not flood the test's log).
class RoleRun {
 public:
  RoleRun(std::string name, const RoleArgs& args);
  ~RoleRun();
  RoleRun(const RoleRun&) = delete;
  RoleRun& operator=(const RoleRun&) = delete;

  const RoleArgs& args() const { return args_; }
  bool running() const { return Clock::now() < deadline_; }
  // Tells the supervisor the role is set up (once; later calls do nothing).
  void ready();
  // "name: message" on stderr, the first few times; the rest are only counted.
  void complain(const std::string& message);
  // Setup failed: says why and returns the exit status the role should return.
  int fail(const std::string& message);

 private:
  std::string name_;
  RoleArgs args_;
  Clock::time_point deadline_;
  int complaints_ = 0;
};

using RoleMain = int (*)(RoleRun&);

struct RoleEntry {
  std::string_view name;  // argv[0] and comm; at most 15 bytes (the kernel's comm limit)
  RoleMain main;
  std::string_view what;  // one line for --list
};

const std::vector<RoleEntry>& all_roles();
const RoleEntry* find_role(std::string_view name);

// Paces a loop at a fixed period. After a stall (a loaded machine) it resumes from now instead
// of bursting to catch up, so a rate stays a rate.
class Pacer {
 public:
  explicit Pacer(Clock::duration period) : period_(period), next_(Clock::now() + period) {}
  void wait() {
    sleep_until(next_);
    next_ += period_;
    if (next_ < Clock::now()) next_ = Clock::now() + period_;
  }

 private:
  Clock::duration period_;
  Clock::time_point next_;
};

// The healthy churn binds its local ports from this small set, taking a port again while its
// previous connection is still in TIME_WAIT (the kernel allows it for an explicitly bound
// port when timestamps show the old connection is over). Its TIME_WAIT count therefore stays
// at about kPoolChurnLocalPorts from the first seconds on, instead of rising for a minute.
// The supervisor reserves these ports (ip_local_reserved_ports) so that no other connection
// is given one of them.
inline constexpr uint16_t kPoolChurnFirstLocalPort = 59000;
inline constexpr uint16_t kPoolChurnLocalPorts = 30;

// The problems (problem_roles.cpp).
int run_leaky_server(RoleRun& run);    // accepts, never closes: CLOSE_WAIT grows
int run_leaky_client(RoleRun& run);    // connects and closes every 100 ms
int run_churn_server(RoleRun& run);    // accepts, closes once the client has closed
int run_churn_client(RoleRun& run);    // short connections to one destination: TIME_WAIT
int run_slow_reader(RoleRun& run);     // accepts, never reads: Recv-Q stays full
int run_steady_sender(RoleRun& run);   // keeps writing to slow-reader: Send-Q grows
int run_tiny_backlog(RoleRun& run);    // listen(fd, 1), never accepts
int run_backlog_client(RoleRun& run);  // keeps connecting to tiny-backlog

// The healthy traffic that must not be flagged (healthy_roles.cpp).
int run_pool_server(RoleRun& run);
int run_pool_client(RoleRun& run);

}  // namespace netsnap::scenario
