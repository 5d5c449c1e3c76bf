// Runs a test body in a forked child inside a fresh network namespace with loopback up, so a
// test sees only the sockets it opens and never changes the test runner's namespace. gtest
// assertions do not cross fork(): the body collects failures as text (ChildChecks), which
// comes back through a pipe.
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <sstream>
#include <string>
#include <string_view>

namespace netsnap::test {

class ChildChecks {
 public:
  void expect(bool condition, std::string_view what) {
    if (!condition) failures_.append(what).append("\n");
  }

  template <class A, class B>
  void expect_eq(const A& actual, const B& expected, std::string_view what) {
    if (actual == expected) return;
    std::ostringstream text;
    text << what << ": got " << +actual << ", expected " << +expected << "\n";
    failures_ += text.str();
  }

  void note(std::string_view text) { failures_.append(text).append("\n"); }
  const std::string& failures() const { return failures_; }

 private:
  std::string failures_;
};

struct ChildOutcome {
  bool skipped = false;  // the namespace could not be made here (no privilege)
  bool passed = false;
  std::string text;  // failures, or why it was skipped
};

inline bool bring_loopback_up(std::string& error) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("socket for SIOCSIFFLAGS: ") + std::strerror(errno);
    return false;
  }
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  bool ok = ::ioctl(fd, SIOCGIFFLAGS, &request) == 0;
  if (ok) {
    request.ifr_flags |= IFF_UP;
    ok = ::ioctl(fd, SIOCSIFFLAGS, &request) == 0;
  }
  if (!ok) error = std::string("bringing lo up: ") + std::strerror(errno);
  ::close(fd);
  return ok;
}

inline ChildOutcome run_in_private_network_namespace(
    const std::function<void(ChildChecks&)>& body) {
  constexpr int kSkipStatus = 77;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return {false, false, "pipe2 failed"};
  const pid_t child = ::fork();
  if (child < 0) return {false, false, "fork failed"};

  if (child == 0) {
    ::close(pipe_fds[0]);
    const auto finish = [&](const std::string& text, int status) {
      size_t written = 0;
      while (written < text.size()) {
        const ssize_t n = ::write(pipe_fds[1], text.data() + written, text.size() - written);
        if (n <= 0) break;
        written += static_cast<size_t>(n);
      }
      ::_exit(status);
    };
    if (::unshare(CLONE_NEWNET) != 0) {
      const int error = errno;
      const std::string why = std::string("unshare(CLONE_NEWNET) failed: ") + std::strerror(error) +
                              " (needs root or CAP_SYS_ADMIN and network namespace support)";
      finish(why, error == EPERM || error == EINVAL ? kSkipStatus : 1);
    }
    std::string error;
    if (!bring_loopback_up(error)) finish(error, 1);
    ChildChecks checks;
    body(checks);
    finish(checks.failures(), checks.failures().empty() ? 0 : 1);
  }

  ::close(pipe_fds[1]);
  ChildOutcome outcome;
  char chunk[4096];
  for (;;) {
    const ssize_t n = ::read(pipe_fds[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    outcome.text.append(chunk, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == kSkipStatus) {
    outcome.skipped = true;
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    outcome.passed = true;
  } else if (WIFSIGNALED(status)) {
    outcome.text += "child killed by signal " + std::to_string(WTERMSIG(status));
  }
  return outcome;
}

}  // namespace netsnap::test
