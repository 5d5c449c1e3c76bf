// socket_holder: holds established loopback TCP connections for the capture benchmark
// (bench/run-capture-bench), so that a private network namespace looks like a busy host.
//
//   socket_holder --address 127.0.0.1 --port 40000 --pairs 8000 [--extra-listeners 4]
//
// Opens a listener on ADDRESS:PORT (plus --extra-listeners idle listeners on the next ports),
// connects --pairs clients to it and accepts them: 2 x pairs established sockets, all held by
// this process. Prints one "ready ..." line on stdout when every connection is up, then waits
// for SIGTERM/SIGINT (or the death of its parent) and closes everything with a reset, so no
// TIME_WAIT sockets are left behind to skew the next measurement.
// Exit status: 0 stopped by a signal, 1 setup failed (the reason on stderr), 2 bad arguments.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "stop_signals.h"

namespace {

// The kernel's default net.core.somaxconn is 4096: connecting at most this many clients
// before accepting them keeps the accept queue from overflowing (an overflow drops the final
// ACK and leaves a client that believes it is connected while the listener never saw it).
constexpr size_t kConnectBatch = 1024;
constexpr int kListenBacklog = 4096;
// Headroom over the sockets themselves: stdio, the listeners, whatever the libc opens.
constexpr rlim_t kSpareDescriptors = 32;

struct HolderOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;
  size_t pairs = 0;
  unsigned extra_listeners = 0;
};

struct LoopbackAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_INET;
};

std::optional<HolderOptions> parse_options(int argc, char** argv) {
  HolderOptions options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const char* value = argv[i + 1];
    if (name == "--address")
      options.address = value;
    else if (name == "--port")
      options.port = static_cast<uint16_t>(std::strtoul(value, nullptr, 10));
    else if (name == "--pairs")
      options.pairs = std::strtoull(value, nullptr, 10);
    else if (name == "--extra-listeners")
      options.extra_listeners = std::strtoul(value, nullptr, 10);
    else
      return std::nullopt;
  }
  if (argc % 2 == 0 || options.port == 0 || options.pairs == 0) return std::nullopt;
  return options;
}

std::optional<LoopbackAddress> resolve_address(const std::string& text, uint16_t port) {
  LoopbackAddress address;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
  if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    address.length = sizeof *v4;
    address.family = AF_INET;
    return address;
  }
  if (inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    address.length = sizeof *v6;
    address.family = AF_INET6;
    return address;
  }
  return std::nullopt;
}

// The soft limit usually starts at 1024; the hard limit bounds what one holder can hold.
bool raise_descriptor_limit(rlim_t needed) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  if (limit.rlim_cur >= needed) return true;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) return false;
  limit.rlim_cur = needed;
  return setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

int open_listener(const LoopbackAddress& address) {
  const int fd = socket(address.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) != 0 ||
      listen(fd, kListenBacklog) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Connects `count` clients to the listener and accepts them; appends both ends to `held`.
// Returns the errno of the first failure, 0 when every connection is up.
int connect_batch(const LoopbackAddress& address, int listener, size_t count,
                  std::vector<int>& held) {
  for (size_t i = 0; i < count; ++i) {
    const int fd = socket(address.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return errno;
    if (connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) != 0) {
      const int error = errno;
      close(fd);
      return error;
    }
    held.push_back(fd);
  }
  for (size_t i = 0; i < count; ++i) {
    const int fd = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return errno;
    held.push_back(fd);
  }
  return 0;
}

// A reset instead of a FIN handshake: the namespace is left without TIME_WAIT sockets.
void close_with_reset(const std::vector<int>& fds) {
  const linger reset{1, 0};
  for (int fd : fds) {
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    close(fd);
  }
}

int run_holder(const HolderOptions& options, const sigset_t& stop_signals) {
  const auto address = resolve_address(options.address, options.port);
  if (!address) {
    std::fprintf(stderr, "socket_holder: '%s' is not an IP address\n", options.address.c_str());
    return 2;
  }
  const rlim_t needed = 2 * options.pairs + options.extra_listeners + 1 + kSpareDescriptors;
  if (!raise_descriptor_limit(needed)) {
    std::fprintf(stderr,
                 "socket_holder: cannot raise RLIMIT_NOFILE to %llu (hard limit too low?)\n",
                 static_cast<unsigned long long>(needed));
    return 1;
  }
  std::vector<int> listeners;
  for (unsigned i = 0; i <= options.extra_listeners; ++i) {
    auto listen_address = resolve_address(options.address, static_cast<uint16_t>(options.port + i));
    const int fd = open_listener(*listen_address);
    if (fd < 0) {
      std::fprintf(stderr, "socket_holder: listen on port %u: %s\n", options.port + i,
                   std::strerror(errno));
      return 1;
    }
    listeners.push_back(fd);
  }
  std::vector<int> held;
  held.reserve(2 * options.pairs);
  for (size_t done = 0; done < options.pairs; done += kConnectBatch) {
    const size_t count = std::min(kConnectBatch, options.pairs - done);
    if (const int error = connect_batch(*address, listeners.front(), count, held); error != 0) {
      std::fprintf(stderr, "socket_holder: connection %zu of %zu: %s\n", done, options.pairs,
                   std::strerror(error));
      close_with_reset(held);
      return 1;
    }
  }
  std::printf("ready %zu established, %zu listening, pid %d\n", held.size(), listeners.size(),
              static_cast<int>(getpid()));
  std::fflush(stdout);

  int received = 0;
  sigwait(&stop_signals, &received);
  close_with_reset(held);
  for (int fd : listeners) close(fd);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = parse_options(argc, argv);
  if (!options) {
    std::fprintf(stderr,
                 "usage: socket_holder --address 127.0.0.1|::1 --port PORT --pairs N "
                 "[--extra-listeners L]\n");
    return 2;
  }
  sigset_t stop_signals;
  if (!netsnap::bench::stop_with_parent(stop_signals)) return 0;
  return run_holder(*options, stop_signals);
}
