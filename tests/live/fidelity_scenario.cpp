#include "live/fidelity_scenario.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

namespace netsnap::fidelity_test {
namespace {

// struct in6_ifreq of <linux/ipv6.h>, which cannot be included next to <netinet/in.h>.
struct Ipv6InterfaceRequest {
  in6_addr address;
  uint32_t prefix_length;
  int interface_index;
};

std::string failure(const std::string& what) { return what + ": " + std::strerror(errno); }

sockaddr_storage inet_address(int family, const char* address, uint16_t port, socklen_t& length) {
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

bool bind_inet(int fd, int family, const char* address, uint16_t port) {
  socklen_t length = 0;
  const sockaddr_storage storage = inet_address(family, address, port, length);
  return bind(fd, reinterpret_cast<const sockaddr*>(&storage), length) == 0;
}

bool connect_inet(int fd, int family, const char* address, uint16_t port) {
  socklen_t length = 0;
  const sockaddr_storage storage = inet_address(family, address, port, length);
  // A new IPv6 address may still be settling: retry briefly.
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (connect(fd, reinterpret_cast<const sockaddr*>(&storage), length) == 0) return true;
    if (errno != EADDRNOTAVAIL && errno != ENETUNREACH) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void set_option(int fd, int level, int name, int value) {
  setsockopt(fd, level, name, &value, sizeof value);
}

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

sockaddr_un unix_address(const std::string& name, socklen_t& length) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, name.data(), std::min(name.size(), sizeof address.sun_path - 1));
  length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() +
                                  (name.front() == '\0' ? 0 : 1));
  return address;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Starts /bin/sleep as `argv0`, inheriting `fds` (and no other socket: ours are CLOEXEC), and
// waits until the exec is visible in /proc (netstat and the recorder read argv[0] there).
pid_t start_owner(const char* argv0, const std::vector<int>& fds) {
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the scenario
    for (const int fd : fds) fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) & ~FD_CLOEXEC);
    execl("/bin/sleep", argv0, "600", static_cast<char*>(nullptr));
    _exit(127);
  }
  if (pid < 0) return pid;
  const std::string expected = std::string(argv0) + '\0' + "600" + '\0';
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (read_file("/proc/" + std::to_string(pid) + "/cmdline") == expected) return pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pid;
}

}  // namespace

FidelityScenario::~FidelityScenario() {
  for (const pid_t owner : {short_owner_, long_owner_}) {
    if (owner > 0) {
      kill(owner, SIGKILL);
      waitpid(owner, nullptr, 0);
    }
  }
  for (const int fd : fds_) close(fd);
  for (const std::string& path : paths_) unlink(path.c_str());
}

int FidelityScenario::keep(int fd) {
  if (fd >= 0) fds_.push_back(fd);
  return fd;
}

std::string FidelityScenario::open_all(const std::string& dir) {
  std::string error = open_tcp();
  if (error.empty()) error = open_udp();
  if (error.empty()) error = open_unix(dir);
  if (error.empty()) open_optional();
  if (error.empty()) error = start_owners();
  return error;
}

std::string FidelityScenario::open_tcp() {
  struct Listener {
    int family;
    const char* address;
    uint16_t port;
    uint32_t backlog;
    bool v6_only;
    const char* shown;  // netstat -n's Local Address
  };
  const Listener listeners[] = {
      {AF_INET, "0.0.0.0", 22, 7, false, "0.0.0.0:22"},
      {AF_INET6, "::", 22, 5, true, ":::22"},
      {AF_INET6, "::", 46005, 3, false, ":::46005"},  // dual stack: v4-mapped peers
      {AF_INET6, long_ipv6_address, 54321, 4, true,
       "fd00:1234:5678:9abc:def0:1234:5678:9abc:54321"},
      {AF_INET, "127.0.0.1", 8080, 16, false, "127.0.0.1:8080"}};
  if (!add_ipv6_address_to_lo(long_ipv6_address))
    return failure("adding " + std::string(long_ipv6_address));
  int listener[5] = {};
  for (size_t i = 0; i < 5; ++i) {
    const Listener& l = listeners[i];
    const int fd = keep(socket(l.family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd < 0 && errno == EAFNOSUPPORT) return "skip: this kernel has no IPv6";
    if (fd < 0) return failure("tcp socket");
    set_option(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    if (l.family == AF_INET6) {
      set_option(fd, IPPROTO_IPV6, IPV6_V6ONLY, l.v6_only ? 1 : 0);
      set_option(fd, IPPROTO_IPV6, IPV6_FREEBIND, 1);  // the address may still be settling
    }
    if (!bind_inet(fd, l.family, l.address, l.port))
      return failure(std::string("tcp bind ") + l.shown);
    if (listen(fd, static_cast<int>(l.backlog)) != 0) return failure("listen");
    listener[i] = fd;
    backlogs_.push_back({l.shown, l.backlog});
  }
  short_owner_fds_.push_back(listener[1]);
  long_owner_fds_.push_back(listener[4]);

  // Established, with 5 unread bytes on the server side (Recv-Q 5).
  const int client = keep(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!connect_inet(client, AF_INET, "127.0.0.1", 22)) return failure("tcp connect");
  const int server = keep(accept4(listener[0], nullptr, nullptr, SOCK_CLOEXEC));
  if (server < 0) return failure("accept");
  if (send(client, "hello", 5, 0) != 5) return failure("send");
  if (!wait_readable_bytes(server, 5)) return "error: 5 bytes never arrived";

  // CLOSE_WAIT (the server keeps its end) and, on the orphaned client side, FIN_WAIT2.
  const int closing_client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (!connect_inet(closing_client, AF_INET, "127.0.0.1", 22)) return failure("connect close_wait");
  if (keep(accept4(listener[0], nullptr, nullptr, SOCK_CLOEXEC)) < 0) return failure("accept");
  close(closing_client);

  // TIME_WAIT: the client closes first, then the server.
  const int tw_client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (!connect_inet(tw_client, AF_INET, "127.0.0.1", 22)) return failure("connect time_wait");
  const int tw_server = accept4(listener[0], nullptr, nullptr, SOCK_CLOEXEC);
  if (tw_server < 0) return failure("accept");
  close(tw_client);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  close(tw_server);

  // IPv4 client of the dual-stack listener: the accepted side is tcp6 with v4-mapped addresses.
  const int mapped_client = keep(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!connect_inet(mapped_client, AF_INET, "127.0.0.1", 46005)) return failure("connect mapped");
  if (keep(accept4(listener[2], nullptr, nullptr, SOCK_CLOEXEC)) < 0) return failure("accept");

  // Waiting in accept queues: listener Recv-Q 1, a server side with inode 0 (no owner).
  const int waiting = keep(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!connect_inet(waiting, AF_INET, "127.0.0.1", 22)) return failure("connect waiting");
  const int waiting_8080 = keep(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!connect_inet(waiting_8080, AF_INET, "127.0.0.1", 8080)) return failure("connect 8080");

  const int long_client = keep(socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!connect_inet(long_client, AF_INET6, long_ipv6_address, 54321))
    return failure("connect long");
  if (keep(accept4(listener[3], nullptr, nullptr, SOCK_CLOEXEC)) < 0) return failure("accept");
  pollfd queued[2] = {{listener[0], POLLIN, 0}, {listener[4], POLLIN, 0}};
  for (pollfd& p : queued) {
    if (poll(&p, 1, 2000) != 1) return "error: a waiting connection never reached its queue";
  }
  return "";
}

std::string FidelityScenario::open_udp() {
  const int receiver = keep(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!bind_inet(receiver, AF_INET, "127.0.0.1", 53)) return failure("udp bind");
  short_owner_fds_.push_back(receiver);
  const int sender = keep(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!bind_inet(sender, AF_INET, "0.0.0.0", 5353)) return failure("udp bind");
  if (!connect_inet(sender, AF_INET, "127.0.0.1", 53)) return failure("udp connect");
  if (send(sender, "ping", 4, 0) != 4) return failure("udp send");
  if (!wait_readable_bytes(receiver, 4)) return "error: datagram never arrived";

  const int v6 = keep(socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  set_option(v6, IPPROTO_IPV6, IPV6_V6ONLY, 1);
  if (!bind_inet(v6, AF_INET6, "::1", 12345)) return failure("udp6 bind");
  const int mapped = keep(socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  set_option(mapped, IPPROTO_IPV6, IPV6_V6ONLY, 0);
  if (!connect_inet(mapped, AF_INET6, "::ffff:127.0.0.1", 53)) return failure("udp6 connect");
  const int long_name = keep(socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  set_option(long_name, IPPROTO_IPV6, IPV6_FREEBIND, 1);
  if (!bind_inet(long_name, AF_INET6, long_ipv6_address, 5353)) return failure("udp6 bind long");
  return "";
}

void FidelityScenario::open_optional() {
  const int lite = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDPLITE);
  if (lite < 0 || !bind_inet(keep(lite), AF_INET, "0.0.0.0", 5060)) skipped_.push_back("udplite");
  if (keep(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP)) < 0) skipped_.push_back("raw");
  if (keep(socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6)) < 0)
    skipped_.push_back("raw6");
}

std::string FidelityScenario::open_unix(const std::string& dir) {
  const auto bind_unix = [&](int fd, const std::string& name) {
    socklen_t length = 0;
    const sockaddr_un address = unix_address(name, length);
    if (name.front() != '\0') paths_.push_back(name);
    return bind(fd, reinterpret_cast<const sockaddr*>(&address), length) == 0;
  };
  const auto connect_unix = [&](int fd, const std::string& name) {
    socklen_t length = 0;
    const sockaddr_un address = unix_address(name, length);
    return connect(fd, reinterpret_cast<const sockaddr*>(&address), length) == 0;
  };

  const std::string listener_path = dir + "/listener.sock";
  const int listener = keep(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!bind_unix(listener, listener_path) || listen(listener, 4) != 0)
    return failure("unix listen");
  long_owner_fds_.push_back(listener);
  const int accepted_client = keep(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!connect_unix(accepted_client, listener_path)) return failure("unix connect");
  if (keep(accept4(listener, nullptr, nullptr, SOCK_CLOEXEC)) < 0) return failure("unix accept");
  const int waiting_client = keep(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!connect_unix(waiting_client, listener_path)) return failure("unix connect");

  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return failure("socketpair");
  keep(pair[0]);
  keep(pair[1]);

  const std::string abstract = std::string(1, '\0') + "fidelity-" + std::to_string(getpid());
  const int abstract_listener = keep(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!bind_unix(abstract_listener, abstract) || listen(abstract_listener, 2) != 0) {
    return failure("unix abstract listen");
  }
  short_owner_fds_.push_back(abstract_listener);

  const std::string dgram_path = dir + "/" + spaced_socket_name;
  const int dgram = keep(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!bind_unix(dgram, dgram_path)) return failure("unix dgram bind");
  const int dgram_client = keep(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!connect_unix(dgram_client, dgram_path)) return failure("unix dgram connect");

  if (keep(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0) return failure("seqpacket");
  return "";
}

std::string FidelityScenario::start_owners() {
  short_owner_ = start_owner(short_owner_name, short_owner_fds_);
  long_owner_ = start_owner(long_owner_path, long_owner_fds_);
  if (short_owner_ < 0 || long_owner_ < 0) return failure("fork");
  // The owners hold these sockets now; ours would make us their first owner instead.
  for (const std::vector<int>* given : {&short_owner_fds_, &long_owner_fds_}) {
    for (const int fd : *given) {
      close(fd);
      fds_.erase(std::remove(fds_.begin(), fds_.end(), fd), fds_.end());
    }
  }
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

std::string command_output(const std::string& command, int& status) {
  std::string output;
  status = -1;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, got);
  const int wait_status = pclose(pipe);
  status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
  return output;
}

}  // namespace netsnap::fidelity_test
