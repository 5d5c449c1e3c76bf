#include "netstat_live_sockets.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "netstat_proc_snapshot.h"

namespace netsnap::netstat_test {
namespace {

// struct in6_ifreq of <linux/ipv6.h>, which cannot be included next to <netinet/in.h>.
struct Ipv6InterfaceRequest {
  in6_addr address;
  uint32_t prefix_length;
  int interface_index;
};

std::string failure(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

sockaddr_storage socket_address(int family, const char* address, uint16_t port, socklen_t& length) {
  sockaddr_storage storage{};
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    inet_pton(AF_INET, address, &in->sin_addr);
    length = sizeof(sockaddr_in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    inet_pton(AF_INET6, address, &in6->sin6_addr);
    length = sizeof(sockaddr_in6);
  }
  return storage;
}

bool bind_to(int fd, int family, const char* address, uint16_t port) {
  socklen_t length = 0;
  const sockaddr_storage storage = socket_address(family, address, port, length);
  return bind(fd, reinterpret_cast<const sockaddr*>(&storage), length) == 0;
}

bool connect_to(int fd, int family, const char* address, uint16_t port) {
  socklen_t length = 0;
  const sockaddr_storage storage = socket_address(family, address, port, length);
  // A new IPv6 address may still be settling: retry briefly.
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (connect(fd, reinterpret_cast<const sockaddr*>(&storage), length) == 0) return true;
    if (errno != EADDRNOTAVAIL && errno != ENETUNREACH) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void set_int_option(int fd, int level, int name, int value) {
  setsockopt(fd, level, name, &value, sizeof value);
}

// Waits until `fd` has `bytes` queued to read (loopback delivery is quick but not instant).
bool wait_readable_bytes(int fd, int bytes) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    int queued = 0;
    if (ioctl(fd, FIONREAD, &queued) == 0 && queued >= bytes) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

bool add_ipv6_address_to_lo(const char* address) {
  const int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  Ipv6InterfaceRequest request{};
  inet_pton(AF_INET6, address, &request.address);
  request.prefix_length = 128;
  request.interface_index = static_cast<int>(if_nametoindex("lo"));
  const bool ok = ioctl(fd, SIOCSIFADDR, &request) == 0;
  close(fd);
  return ok;
}

}  // namespace

LiveSockets::~LiveSockets() {
  for (const int fd : fds_) close(fd);
  for (const std::string& path : paths_) unlink(path.c_str());
}

int LiveSockets::keep(int fd) {
  if (fd >= 0) fds_.push_back(fd);
  return fd;
}

std::string LiveSockets::open_all(const std::string& dir) {
  std::string error = open_tcp();
  if (error.empty()) error = open_udp();
  if (error.empty()) error = open_unix(dir);
  if (error.empty()) open_optional();
  return error;
}

std::string LiveSockets::open_tcp() {
  struct Listener {
    int family;
    const char* address;
    uint16_t port;
    uint32_t backlog;
    bool v6_only;
  };
  const Listener listeners[] = {{AF_INET, "0.0.0.0", 22, 7, false},
                                {AF_INET6, "::", 22, 5, true},
                                {AF_INET6, "::", 46005, 3, false},  // dual stack: v4-mapped peers
                                {AF_INET6, long_ipv6_address, 54321, 4, true}};
  const bool have_long_address = add_ipv6_address_to_lo(long_ipv6_address);
  if (!have_long_address) skipped_.push_back("established pair on a long IPv6 address");
  int listener_fds[4] = {};
  for (size_t i = 0; i < 4; ++i) {
    const Listener& l = listeners[i];
    const int fd = keep(socket(l.family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd < 0 && errno == EAFNOSUPPORT) return "skip: this kernel has no IPv6";
    if (fd < 0) return failure("tcp socket");
    set_int_option(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    if (l.family == AF_INET6) {
      set_int_option(fd, IPPROTO_IPV6, IPV6_V6ONLY, l.v6_only ? 1 : 0);
      set_int_option(fd, IPPROTO_IPV6, IPV6_FREEBIND, 1);  // the address may still be settling
    }
    if (!bind_to(fd, l.family, l.address, l.port)) return failure("tcp bind");
    if (listen(fd, static_cast<int>(l.backlog)) != 0) return failure("listen");
    listener_fds[i] = fd;
    backlogs_[{static_cast<uint8_t>(l.family), l.port}] = l.backlog;
  }

  // An accepted IPv4 connection with 5 unread bytes on the server side (Recv-Q 5).
  const int client = keep(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!connect_to(client, AF_INET, "127.0.0.1", 22)) return failure("tcp connect");
  const int server = keep(accept4(listener_fds[0], nullptr, nullptr, SOCK_CLOEXEC));
  if (server < 0) return failure("accept");
  if (send(client, "hello", 5, 0) != 5) return failure("send");
  if (!wait_readable_bytes(server, 5)) return "error: 5 bytes never arrived";

  // An IPv4 client of the dual-stack listener: the accepted side is a tcp6 socket with
  // v4-mapped addresses.
  const int mapped_client = keep(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!connect_to(mapped_client, AF_INET, "127.0.0.1", 46005)) return failure("connect mapped");
  if (keep(accept4(listener_fds[2], nullptr, nullptr, SOCK_CLOEXEC)) < 0) return failure("accept");

  // A connection left in the accept queue: listener Recv-Q 1, and a server-side socket with
  // inode 0 (no owner, "-" with -p).
  const int waiting = keep(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!connect_to(waiting, AF_INET, "127.0.0.1", 22)) return failure("connect waiting");
  pollfd ready{listener_fds[0], POLLIN, 0};
  if (poll(&ready, 1, 2000) != 1) return "error: the waiting connection never reached the queue";

  if (have_long_address) {
    const int long_client = keep(socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!connect_to(long_client, AF_INET6, long_ipv6_address, 54321)) return failure("connect long");
    if (keep(accept4(listener_fds[3], nullptr, nullptr, SOCK_CLOEXEC)) < 0) return failure("accept");
  }
  return "";
}

std::string LiveSockets::open_udp() {
  const int receiver = keep(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!bind_to(receiver, AF_INET, "127.0.0.1", 53)) return failure("udp bind");
  const int sender = keep(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!bind_to(sender, AF_INET, "0.0.0.0", 5353)) return failure("udp bind");
  if (!connect_to(sender, AF_INET, "127.0.0.1", 53)) return failure("udp connect");
  if (send(sender, "ping", 4, 0) != 4) return failure("udp send");
  if (!wait_readable_bytes(receiver, 4)) return "error: datagram never arrived";

  const int v6 = keep(socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  set_int_option(v6, IPPROTO_IPV6, IPV6_V6ONLY, 1);
  if (!bind_to(v6, AF_INET6, "::1", 12345)) return failure("udp6 bind");
  const int mapped = keep(socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  set_int_option(mapped, IPPROTO_IPV6, IPV6_V6ONLY, 0);
  if (!connect_to(mapped, AF_INET6, "::ffff:127.0.0.1", 53)) return failure("udp6 connect");
  const int long_name = keep(socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  set_int_option(long_name, IPPROTO_IPV6, IPV6_FREEBIND, 1);
  if (!bind_to(long_name, AF_INET6, long_ipv6_address, 5353)) return failure("udp6 bind long");
  return "";
}

void LiveSockets::open_optional() {
  const int lite = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDPLITE);
  if (lite < 0 || !bind_to(keep(lite), AF_INET, "0.0.0.0", 5060)) skipped_.push_back("udplite");
  const int raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
  if (keep(raw) < 0) skipped_.push_back("raw");
  const int raw6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  if (keep(raw6) < 0) skipped_.push_back("raw6");
}

std::string LiveSockets::open_unix(const std::string& dir) {
  const auto unix_address = [](std::string_view name, socklen_t& length) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name.data(), name.size());
    length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() +
                                    (name.front() == '\0' ? 0 : 1));
    return address;
  };
  const auto bind_unix = [&](int fd, std::string_view name) {
    socklen_t length = 0;
    const sockaddr_un address = unix_address(name, length);
    if (name.front() != '\0') paths_.emplace_back(name);
    return bind(fd, reinterpret_cast<const sockaddr*>(&address), length) == 0;
  };
  const auto connect_unix = [&](int fd, std::string_view name) {
    socklen_t length = 0;
    const sockaddr_un address = unix_address(name, length);
    return connect(fd, reinterpret_cast<const sockaddr*>(&address), length) == 0;
  };

  const std::string listener_path = dir + "/listener.sock";
  const int listener = keep(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!bind_unix(listener, listener_path) || listen(listener, 4) != 0) return failure("unix listen");
  const int accepted_client = keep(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!connect_unix(accepted_client, listener_path)) return failure("unix connect");
  if (keep(accept4(listener, nullptr, nullptr, SOCK_CLOEXEC)) < 0) return failure("unix accept");
  const int waiting_client = keep(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!connect_unix(waiting_client, listener_path)) return failure("unix connect");

  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return failure("socketpair");
  keep(pair[0]);
  keep(pair[1]);

  const std::string abstract = std::string(1, '\0') + "netsnap-table-" + std::to_string(getpid());
  const int abstract_listener = keep(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!bind_unix(abstract_listener, abstract) || listen(abstract_listener, 2) != 0) {
    return failure("unix abstract listen");
  }

  const std::string dgram_path = dir + "/dgram.sock";
  const int dgram = keep(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!bind_unix(dgram, dgram_path)) return failure("unix dgram bind");
  const int dgram_client = keep(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!connect_unix(dgram_client, dgram_path)) return failure("unix dgram connect");

  if (keep(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0) return failure("seqpacket");
  return "";
}

std::string enter_private_network_namespace() {
  if (unshare(CLONE_NEWNET) != 0) {
    if (errno == EPERM || errno == EINVAL || errno == ENOSYS) {
      return "skip: cannot create a private network namespace (unshare(CLONE_NEWNET): " +
             std::string(std::strerror(errno)) + "); run as root to compare with netstat";
    }
    return "error: " + failure("unshare(CLONE_NEWNET)");
  }
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "error: " + failure("socket");
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  bool ok = ioctl(fd, SIOCGIFFLAGS, &request) == 0;
  request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP | IFF_RUNNING);
  ok = ok && ioctl(fd, SIOCSIFFLAGS, &request) == 0;
  const std::string error = ok ? "" : "error: " + failure("bringing lo up (SIOCSIFFLAGS)");
  close(fd);
  return error;
}

void wait_for_quiet_tcp_timers() {
  const auto ticks = static_cast<uint32_t>(sysconf(_SC_CLK_TCK));
  for (int attempt = 0; attempt < 150; ++attempt) {
    bool quiet = true;
    for (const char* file : {"/proc/net/tcp", "/proc/net/tcp6"}) {
      for (const auto& socket : parse_proc_net_inet(read_file(file), Protocol::tcp, 2, ticks)) {
        quiet = quiet && socket.timer == 0;
      }
    }
    if (quiet) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string command_output(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, got);
  pclose(pipe);
  return output;
}

}  // namespace netsnap::netstat_test
