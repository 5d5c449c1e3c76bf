// TEST ONLY: what the roles share (deadline, ready signal, bounded complaints) and the table
// of role names that netsnap-scenario dispatches on.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "scenario_roles.h"

namespace netsnap::scenario {
namespace {

// A client failing every 100 ms says so a few times, then only counts (printed at exit).
constexpr int kComplaintsShown = 5;

}  // namespace

RoleRun::RoleRun(std::string name, const RoleArgs& args)
    : name_(std::move(name)),
      args_(args),
      deadline_(Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(args.lifetime_s))) {}

RoleRun::~RoleRun() {
  if (complaints_ > kComplaintsShown) {
    std::fprintf(stderr, "%s: %d problems in all (only the first %d shown)\n", name_.c_str(),
                 complaints_, kComplaintsShown);
  }
  if (args_.ready_fd >= 0) ::close(args_.ready_fd);
}

void RoleRun::ready() {
  if (args_.ready_fd < 0) return;
  const char byte = 'R';
  (void)!::write(args_.ready_fd, &byte, 1);
  ::close(args_.ready_fd);
  args_.ready_fd = -1;
}

void RoleRun::complain(const std::string& message) {
  if (++complaints_ <= kComplaintsShown) {
    std::fprintf(stderr, "%s: %s\n", name_.c_str(), message.c_str());
  }
}

int RoleRun::fail(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", name_.c_str(), message.c_str());
  return 1;
}

const std::vector<RoleEntry>& all_roles() {
  static const std::vector<RoleEntry> roles{
      {"leaky-server", run_leaky_server, "accepts connections and never closes them"},
      {"leaky-client", run_leaky_client, "connects to leaky-server and closes, every 100 ms"},
      {"churn-server", run_churn_server, "accepts, closes after the client has closed"},
      {"churn-client", run_churn_client, "25 short connections a second to churn-server"},
      {"slow-reader", run_slow_reader, "accepts connections and never reads them"},
      {"steady-sender", run_steady_sender, "writes 16 KiB/s on 2 connections to slow-reader"},
      {"tiny-backlog", run_tiny_backlog, "listen(fd, 1), never accepts"},
      {"backlog-client", run_backlog_client, "a new connect to tiny-backlog every 250 ms"},
      {"pool-server", run_pool_server, "answers requests; stalls 0.8 s every 7.3 s"},
      {"pool-client", run_pool_client, "48 pooled connections plus 10 short requests a second"},
  };
  return roles;
}

const RoleEntry* find_role(std::string_view name) {
  for (const RoleEntry& role : all_roles()) {
    if (role.name == name) return &role;
  }
  return nullptr;
}

}  // namespace netsnap::scenario
