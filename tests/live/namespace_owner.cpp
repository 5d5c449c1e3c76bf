#include "namespace_owner.h"

#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace netsnap::live {
namespace {

constexpr const char* kHolderEnv = "NETSNAP_LIVE_OWNER";

// The holder: this test binary re-executed by the owner. It runs before main() (gtest never
// starts), takes its name, says it is ready and waits for the test to close the hold pipe.
__attribute__((constructor)) void run_holder_when_asked() {
  const char* spec = std::getenv(kHolderEnv);
  if (spec == nullptr) return;
  int ready_fd = -1, hold_fd = -1;
  if (std::sscanf(spec, "%d:%d", &ready_fd, &hold_fd) != 2) ::_exit(3);
  ::prctl(PR_SET_NAME, kOwnerComm, 0, 0, 0);
  static const char ready[] = "READY\n";
  if (::write(ready_fd, ready, sizeof ready - 1) != sizeof ready - 1) ::_exit(4);
  ::close(ready_fd);
  char byte;
  for (;;) {
    const ssize_t n = ::read(hold_fd, &byte, 1);
    if (n > 0 || (n < 0 && errno == EINTR)) continue;
    break;  // end of file: the test is done with us
  }
  ::_exit(0);
}

void write_line(int fd, std::string line) {
  line += '\n';
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

void bring_loopback_up() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  const bool ok = fd >= 0 && ::ioctl(fd, SIOCGIFFLAGS, &request) == 0 &&
                  (request.ifr_flags |= IFF_UP, ::ioctl(fd, SIOCSIFFLAGS, &request) == 0);
  const int error = errno;
  if (fd >= 0) ::close(fd);
  if (!ok) throw std::runtime_error(std::string("bringing lo up: ") + std::strerror(error));
}

void set_port_range() {
  const int fd = ::open("/proc/sys/net/ipv4/ip_local_port_range", O_WRONLY | O_CLOEXEC);
  const std::string value = "40000 40999";
  const bool ok =
      fd >= 0 && ::write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
  const int error = errno;
  if (fd >= 0) ::close(fd);
  if (!ok) throw std::runtime_error(std::string("ip_local_port_range: ") + std::strerror(error));
}

void clear_cloexec(int fd) {
  const int flags = ::fcntl(fd, F_GETFD);
  if (flags < 0 || ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("fcntl: ") + std::strerror(errno));
  }
}

// The forked child: namespace, sockets, description, exec. Never returns.
[[noreturn]] void run_owner(SocketScenario scenario, const std::string& unix_dir, int report_fd,
                            int hold_fd) {
  try {
    if (::unshare(CLONE_NEWNET) != 0) {
      const int error = errno;
      const std::string why = std::string("unshare(CLONE_NEWNET): ") + std::strerror(error) +
                              " - the live tests need root (or CAP_SYS_ADMIN) and network "
                              "namespaces to record sockets in a namespace of their own";
      write_line(report_fd,
                 (error == EPERM || error == EINVAL || error == ENOSYS ? "SKIP " : "ERROR ") + why);
      ::_exit(0);
    }
    bring_loopback_up();
    set_port_range();
    NamespaceSockets sockets;
    if (scenario == SocketScenario::every_state) {
      make_every_socket_state(unix_dir, sockets);
    } else {
      make_minimal_sockets(sockets);
    }
    for (const ExpectedSocket& e : sockets.expected)
      write_line(report_fd, "SOCKET " + serialize(e));
    for (const std::string& note : sockets.notes) write_line(report_fd, "NOTE " + note);
    write_line(report_fd, "OPENS " + std::to_string(sockets.tcp_active_opens));

    const rlimit nofile{kOwnerNofileSoft, kOwnerNofileHard};
    if (::setrlimit(RLIMIT_NOFILE, &nofile) != 0) {
      throw std::runtime_error(std::string("setrlimit: ") + std::strerror(errno));
    }
    clear_cloexec(report_fd);
    clear_cloexec(hold_fd);
    const std::string spec = std::to_string(report_fd) + ":" + std::to_string(hold_fd);
    ::setenv(kHolderEnv, spec.c_str(), 1);
    std::vector<std::string> args = kOwnerCmdline;
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv("/proc/self/exe", argv.data());
    throw std::runtime_error(std::string("exec /proc/self/exe: ") + std::strerror(errno));
  } catch (const std::exception& e) {
    write_line(report_fd, std::string("ERROR ") + e.what());
  }
  ::_exit(1);
}

}  // namespace

NamespaceOwner::Started NamespaceOwner::start(SocketScenario scenario,
                                              const std::string& unix_dir) {
  Started started;
  int report[2], hold[2];
  if (::pipe2(report, O_CLOEXEC) != 0 || ::pipe2(hold, O_CLOEXEC) != 0) {
    started.message = std::string("pipe2: ") + std::strerror(errno);
    return started;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    started.message = std::string("fork: ") + std::strerror(errno);
    return started;
  }
  if (pid == 0) {
    ::close(report[0]);
    ::close(hold[1]);
    run_owner(scenario, unix_dir, report[1], hold[0]);
  }
  ::close(report[1]);
  ::close(hold[0]);
  std::unique_ptr<NamespaceOwner> owner(new NamespaceOwner());
  owner->pid_ = pid;
  owner->hold_fd_ = hold[1];

  // Read the description until READY, at most 30 s (the settle loops take well under 5).
  std::string pending, failure;
  bool ready = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!ready && failure.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd fd{report[0], POLLIN, 0};
    if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) == 0) {
      failure = "the owner did not get ready within 30 s";
      break;
    }
    char chunk[4096];
    const ssize_t n = ::read(report[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failure = "the owner exited before it was ready";
      break;
    }
    pending.append(chunk, static_cast<size_t>(n));
    for (size_t newline; (newline = pending.find('\n')) != std::string::npos;) {
      const std::string line = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      if (line == "READY") {
        ready = true;
      } else if (line.starts_with("SKIP ")) {
        started.skipped = true;
        failure = line.substr(5);
      } else if (line.starts_with("ERROR ")) {
        failure = "the owner failed: " + line.substr(6);
      } else if (line.starts_with("NOTE ")) {
        owner->sockets_.notes.push_back(line.substr(5));
      } else if (line.starts_with("OPENS ")) {
        owner->sockets_.tcp_active_opens = std::stoi(line.substr(6));
      } else if (line.starts_with("SOCKET ")) {
        ExpectedSocket socket;
        if (!deserialize(line.substr(7), socket)) failure = "bad description line: " + line;
        owner->sockets_.expected.push_back(socket);
      }
    }
  }
  ::close(report[0]);
  if (!failure.empty()) {
    started.message = failure;
    return started;  // the owner's destructor kills and reaps the child
  }
  started.owner = std::move(owner);
  return started;
}

NamespaceOwner::~NamespaceOwner() {
  if (hold_fd_ >= 0) ::close(hold_fd_);
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

uint64_t NamespaceOwner::netns_inode() const {
  struct stat info {};
  return ::stat(netns_path().c_str(), &info) == 0 ? info.st_ino : 0;
}

const ExpectedSocket* NamespaceOwner::find(const std::string& role) const {
  for (const ExpectedSocket& e : sockets_.expected) {
    if (e.role == role) return &e;
  }
  return nullptr;
}

size_t NamespaceOwner::fd_count() const {
  size_t count = 0;
  std::error_code error;
  for (auto it =
           std::filesystem::directory_iterator("/proc/" + std::to_string(pid_) + "/fd", error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    ++count;
  }
  return count;
}

}  // namespace netsnap::live
