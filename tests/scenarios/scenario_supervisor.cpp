#include "scenario_supervisor.h"

#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "scenario_roles.h"

namespace netsnap::scenario {
namespace {

using namespace std::chrono_literals;

constexpr auto kReadyTimeout = 10s;         // a role's setup is a few system calls
constexpr auto kRecorderGrace = 30s;        // past its --duration, before it is stopped
constexpr auto kStopGrace = 3s;             // SIGTERM to SIGKILL
constexpr double kRoleLifetimeMargin = 60;  // roles stop by themselves this long after the end

volatile sig_atomic_t interrupted = 0;
void on_signal(int) { interrupted = 1; }

struct Child {
  std::string name;
  pid_t pid = -1;
  bool reaped = false;
  int status = 0;
};

std::string describe(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("killed by ") + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// True once the child has been reaped (now or before).
bool reap(Child& child, bool block) {
  if (child.reaped) return true;
  for (;;) {
    const pid_t got = ::waitpid(child.pid, &child.status, block ? 0 : WNOHANG);
    if (got == child.pid) return child.reaped = true;
    if (got < 0 && errno == EINTR) continue;
    return false;
  }
}

// A new namespace has only lo, and it is down.
std::string bring_loopback_up() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_text("socket");
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  std::string error;
  if (::ioctl(fd, SIOCGIFFLAGS, &request) != 0) {
    error = errno_text("reading lo's flags");
  } else {
    request.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (::ioctl(fd, SIOCSIFFLAGS, &request) != 0) error = errno_text("bringing lo up");
  }
  ::close(fd);
  return error;
}

// The namespace, lo up, and the healthy churn's local ports kept away from the kernel's
// ephemeral port choice (the sysctl is per namespace: the host is not touched). Returns "" or
// what failed; `isolated` tells a missing namespace (not root: a test skips) from a failure.
std::string enter_private_network(bool& isolated) {
  isolated = ::unshare(CLONE_NEWNET) == 0;
  if (!isolated) return errno_text("unshare(CLONE_NEWNET)");
  if (std::string error = bring_loopback_up(); !error.empty()) return error;
  std::ofstream reserved("/proc/sys/net/ipv4/ip_local_reserved_ports");
  reserved << kPoolChurnFirstLocalPort << '-'
           << (kPoolChurnFirstLocalPort + kPoolChurnLocalPorts - 1) << '\n';
  reserved.close();
  if (!reserved) {
    // Not fatal: the churn's binds may then meet a port the kernel gave another connection.
    std::fprintf(stderr, "netsnap-scenario: could not reserve the pool churn's local ports\n");
  }
  return "";
}

// fork + exec with the scenario's guarantees: dies with the supervisor (`death_signal`), the
// signal state a fresh program expects, and `ready_fd` (if any) as descriptor 3.
pid_t spawn(const std::string& path, std::vector<std::string> arguments, int death_signal,
            int ready_fd) {
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::prctl(PR_SET_PDEATHSIG, death_signal);
  if (::getppid() != parent) ::_exit(1);  // the supervisor died before prctl took effect
  if (ready_fd >= 0) {
    if (ready_fd == 3)
      ::fcntl(3, F_SETFD, 0);
    else if (::dup2(ready_fd, 3) < 0)
      ::_exit(126);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(sig, SIG_DFL);
  ::execv(path.c_str(), argv.data());
  const char message[] = "netsnap-scenario: exec failed\n";
  (void)!::write(STDERR_FILENO, message, sizeof message - 1);
  ::_exit(127);
}

// TcpExt counters of this namespace (/proc/net/netstat: a line of names, then one of values),
// so the run's output shows the overflows the recording should hold; -1 when absent.
long tcp_ext_counter(const std::string& name) {
  std::ifstream netstat("/proc/net/netstat");
  for (std::string names, values; std::getline(netstat, names) && std::getline(netstat, values);) {
    if (!names.starts_with("TcpExt:")) continue;
    std::istringstream name_list(names), value_list(values);
    for (std::string field, value; name_list >> field && value_list >> value;) {
      if (field == name) return std::atol(value.c_str());
    }
  }
  return -1;
}

class Supervisor {
 public:
  explicit Supervisor(const SupervisorOptions& options) : options_(options) {}
  int run();

 private:
  bool start_programs(double lifetime_s);
  bool wait_ready(Child& child, int ready_read);
  bool write_manifest();
  // Sleeps until `until` or until something ends it: a signal, a role exiting (a failure) or
  // `recorder` exiting. False when a role exited or a signal came.
  bool watch(Clock::time_point until, Child* recorder);
  int record();
  void stop_all();

  const SupervisorOptions& options_;
  std::vector<Child> roles_;
  std::vector<StartedProgram> started_;
  bool failed_ = false;
};

int Supervisor::run() {
  const double lifetime_s = options_.warmup_s + options_.duration_s + kRoleLifetimeMargin;
  int status = kExitFailed;
  if (start_programs(lifetime_s) && write_manifest()) {
    std::printf("warm-up %gs\n", options_.warmup_s);
    const auto warm = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(options_.warmup_s));
    if (watch(warm, nullptr)) {
      const long overflows = tcp_ext_counter("ListenOverflows");
      const long drops = tcp_ext_counter("ListenDrops");
      status = record();
      std::printf("TcpExt in the recorded window: ListenOverflows +%ld, ListenDrops +%ld\n",
                  tcp_ext_counter("ListenOverflows") - overflows,
                  tcp_ext_counter("ListenDrops") - drops);
    }
  }
  stop_all();
  if (interrupted) std::printf("interrupted: stopped early\n");
  return failed_ || interrupted ? kExitFailed : status;
}

bool Supervisor::start_programs(double lifetime_s) {
  char lifetime[32];
  std::snprintf(lifetime, sizeof lifetime, "%g", lifetime_s);
  for (const ScenarioSpec* scenario : options_.scenarios) {
    for (const ProgramSpec& program : scenario->programs) {
      int ready[2];
      if (::pipe2(ready, O_CLOEXEC) != 0) {
        std::fprintf(stderr, "netsnap-scenario: pipe: %s\n", std::strerror(errno));
        return false;
      }
      Child child{std::string(program.role)};
      // Re-exec this binary under the role's name: argv[0] is what netstat -p shows.
      child.pid = spawn("/proc/self/exe",
                        {child.name, "--port", std::to_string(program.port), "--lifetime", lifetime,
                         "--ready-fd", "3"},
                        SIGKILL, ready[1]);
      ::close(ready[1]);
      if (child.pid < 0) {
        std::fprintf(stderr, "netsnap-scenario: fork: %s\n", std::strerror(errno));
        ::close(ready[0]);
        return false;
      }
      roles_.push_back(child);
      const bool ok = wait_ready(roles_.back(), ready[0]);
      ::close(ready[0]);
      if (!ok) return false;
      started_.push_back({scenario, program, child.pid});
      std::printf("started %-14s pid %-7d %s 127.0.0.1:%u\n", child.name.c_str(), int(child.pid),
                  program.listens ? "listening on" : "connecting to", unsigned(program.port));
    }
  }
  return true;
}

bool Supervisor::wait_ready(Child& child, int ready_read) {
  pollfd ready{ready_read, POLLIN, 0};
  const auto deadline = Clock::now() + kReadyTimeout;
  while (!interrupted && Clock::now() < deadline) {
    if (::poll(&ready, 1, 100) <= 0) continue;
    char byte = 0;
    if (::read(ready_read, &byte, 1) == 1) return true;
    reap(child, true);  // end of file: the role exited during its setup
    std::fprintf(stderr, "netsnap-scenario: %s failed to start (%s)\n", child.name.c_str(),
                 describe(child.status).c_str());
    return false;
  }
  if (!interrupted)
    std::fprintf(stderr, "netsnap-scenario: %s not ready after %lds\n", child.name.c_str(),
                 long(std::chrono::duration_cast<std::chrono::seconds>(kReadyTimeout).count()));
  return false;
}

bool Supervisor::write_manifest() {
  if (options_.manifest.empty()) return true;
  ManifestFacts facts{options_.scenarios,  started_,
                      ::getpid(),          0,
                      options_.interval_s, options_.warmup_s,
                      options_.duration_s, options_.recorder.empty() ? "" : options_.output};
  struct stat netns {};
  if (::stat("/proc/self/ns/net", &netns) == 0) facts.netns_inode = netns.st_ino;
  std::ofstream out(options_.manifest, std::ios::trunc);
  out << manifest_json(facts);
  out.close();
  if (out) return true;
  std::fprintf(stderr, "netsnap-scenario: cannot write the manifest %s\n",
               options_.manifest.c_str());
  return false;
}

bool Supervisor::watch(Clock::time_point until, Child* recorder) {
  while (!interrupted && Clock::now() < until) {
    for (Child& role : roles_) {
      if (!reap(role, false)) continue;
      std::fprintf(stderr, "netsnap-scenario: %s (pid %d) ended early: %s\n", role.name.c_str(),
                   int(role.pid), describe(role.status).c_str());
      failed_ = true;
      return false;
    }
    if (recorder && reap(*recorder, false)) return true;
    sleep_until(std::min(until, Clock::now() + 100ms));
  }
  return !interrupted;
}

int Supervisor::record() {
  const auto duration = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(options_.duration_s));
  if (options_.recorder.empty()) {
    std::printf("running %gs (no recorder)\n", options_.duration_s);
    return watch(Clock::now() + duration, nullptr) ? kExitOk : kExitFailed;
  }
  char interval[32], length[32];
  std::snprintf(interval, sizeof interval, "%g", options_.interval_s);
  std::snprintf(length, sizeof length, "%gs", options_.duration_s);
  std::printf("recording %s: %s -c %s --duration %s\n", options_.output.c_str(),
              options_.recorder.c_str(), interval, length);
  std::fflush(stdout);
  // SIGTERM, not SIGKILL, if the supervisor dies: the recorder then closes its file cleanly.
  Child recorder{"netsnap-record", spawn(options_.recorder,
                                         {options_.recorder, "-c", interval, "--duration", length,
                                          "-o", options_.output},
                                         SIGTERM, -1)};
  if (recorder.pid < 0) {
    std::fprintf(stderr, "netsnap-scenario: fork: %s\n", std::strerror(errno));
    return kExitFailed;
  }
  watch(Clock::now() + duration + kRecorderGrace, &recorder);
  if (!recorder.reaped) {
    // Ended early (a role died, a signal) or overran: stop it; it still finishes the file.
    ::kill(recorder.pid, SIGTERM);
    const auto deadline = Clock::now() + kStopGrace;
    while (!reap(recorder, false) && Clock::now() < deadline) sleep_until(Clock::now() + 50ms);
    if (!recorder.reaped) ::kill(recorder.pid, SIGKILL);
    reap(recorder, true);
    std::fprintf(stderr, "netsnap-scenario: netsnap-record had to be stopped\n");
    failed_ = true;
  }
  std::printf("netsnap-record: %s\n", describe(recorder.status).c_str());
  return WIFEXITED(recorder.status) && WEXITSTATUS(recorder.status) == 0 ? kExitOk : kExitFailed;
}

void Supervisor::stop_all() {
  for (Child& role : roles_) {
    if (!reap(role, false)) ::kill(role.pid, SIGTERM);
  }
  const auto deadline = Clock::now() + kStopGrace;
  auto all_reaped = [this] {
    bool all = true;
    for (Child& role : roles_) all = reap(role, false) && all;
    return all;
  };
  while (!all_reaped() && Clock::now() < deadline) sleep_until(Clock::now() + 50ms);
  int killed = 0;
  for (Child& role : roles_) {
    if (role.reaped) continue;
    ::kill(role.pid, SIGKILL);
    reap(role, true);
    ++killed;
  }
  std::printf("stopped %zu programs (%d needed SIGKILL)\n", roles_.size(), killed);
}

}  // namespace

int run_supervisor(const SupervisorOptions& options) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // lines in order with the children's output
  bool isolated = false;
  if (const std::string error = enter_private_network(isolated); !error.empty()) {
    std::fprintf(stderr, "netsnap-scenario: %s: %s\n",
                 isolated ? "setting up the private network namespace"
                          : "cannot create a private network namespace (needs root or "
                            "CAP_SYS_ADMIN)",
                 error.c_str());
    return isolated ? kExitFailed : kExitCannotIsolate;
  }
  struct sigaction action {};
  action.sa_handler = on_signal;  // no SA_RESTART: sleeps and polls end at once
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &action, nullptr);
  std::printf(
      "private network namespace: supervisor pid %d (look inside: nsenter -t %d -n ss -tanp)\n",
      int(::getpid()), int(::getpid()));
  return Supervisor(options).run();
}

}  // namespace netsnap::scenario
