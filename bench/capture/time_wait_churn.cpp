// time_wait_churn: opens and closes a few loopback TCP connections per second, so that the
// capture benchmark's namespace has the TIME_WAIT sockets (and the dump changes between
// snapshots) that a real busy host has.
//
//   time_wait_churn --port 39000 [--per-second 5]
//
// Each connection is accepted and then closed by the client first: the client's end goes to
// TIME_WAIT for 60 s, so about 60 x per-second TIME_WAIT sockets are present at any time.
// Runs until SIGTERM/SIGINT or the death of its parent. Exit status: 0 stopped by a signal,
// 1 setup failed, 2 bad arguments.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>

#include "stop_signals.h"

namespace {

struct ChurnOptions {
  uint16_t port = 0;
  double per_second = 5;
};

std::optional<ChurnOptions> parse_options(int argc, char** argv) {
  ChurnOptions options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--port")
      options.port = static_cast<uint16_t>(std::strtoul(argv[i + 1], nullptr, 10));
    else if (name == "--per-second")
      options.per_second = std::strtod(argv[i + 1], nullptr);
    else
      return std::nullopt;
  }
  if (argc % 2 == 0 || options.port == 0 || !(options.per_second > 0)) return std::nullopt;
  return options;
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

int open_listener(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  const sockaddr_in address = loopback(port);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      listen(fd, 64) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// One short connection, closed by the client first (the client's end keeps the TIME_WAIT).
// Returns 0 or the errno of the failing call; a failure is counted, not fatal.
int churn_once(int listener, uint16_t port) {
  const int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (client < 0) return errno;
  const sockaddr_in address = loopback(port);
  if (connect(client, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    close(client);
    return error;
  }
  const int server = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  close(client);
  if (server < 0) return errno;
  close(server);
  return 0;
}

int run_churn(const ChurnOptions& options, const sigset_t& stop_signals) {
  const int listener = open_listener(options.port);
  if (listener < 0) {
    std::fprintf(stderr, "time_wait_churn: listen on port %u: %s\n", options.port,
                 std::strerror(errno));
    return 1;
  }
  const double period = 1.0 / options.per_second;
  timespec pause{};
  pause.tv_sec = static_cast<time_t>(period);
  pause.tv_nsec = static_cast<long>((period - static_cast<double>(pause.tv_sec)) * 1e9);
  unsigned long failures = 0;
  // sigtimedwait is both the pacing and the stop: no flag shared with a signal handler.
  for (;;) {
    if (churn_once(listener, options.port) != 0) ++failures;
    const int signal = sigtimedwait(&stop_signals, nullptr, &pause);
    if (signal > 0) break;
  }
  close(listener);
  if (failures) std::fprintf(stderr, "time_wait_churn: %lu connections failed\n", failures);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = parse_options(argc, argv);
  if (!options) {
    std::fprintf(stderr, "usage: time_wait_churn --port PORT [--per-second R]\n");
    return 2;
  }
  sigset_t stop_signals;
  if (!netsnap::bench::stop_with_parent(stop_signals)) return 0;
  return run_churn(*options, stop_signals);
}
