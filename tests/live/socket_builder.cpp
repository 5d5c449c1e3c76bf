#include "socket_builder.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <time.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace netsnap::live {

[[noreturn]] void fail_errno(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

void pause_ms(long ms) {
  timespec pause{ms / 1000, (ms % 1000) * 1'000'000};
  nanosleep(&pause, nullptr);
}

Endpoint endpoint_of(const sockaddr_storage& address) {
  Endpoint endpoint;
  if (address.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(address);
    std::memcpy(endpoint.address.data(), &in.sin_addr, 4);
    endpoint.port = ntohs(in.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(address);
    std::memcpy(endpoint.address.data(), &in6.sin6_addr, 16);
    endpoint.port = ntohs(in6.sin6_port);
  }
  return endpoint;
}

Endpoint local_of(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) fail_errno("getsockname");
  return endpoint_of(address);
}

Endpoint remote_of(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return {};
  return endpoint_of(address);
}

int ioctl_int(int fd, unsigned long request) {
  int value = -1;
  if (::ioctl(fd, request, &value) != 0) fail_errno("ioctl");
  return value;
}

uint8_t tcp_state_of(int fd) {
  tcp_info info{};
  socklen_t length = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) fail_errno("TCP_INFO");
  return info.tcpi_state;
}

// A listener's accept queue length, as tcp_info reports it (tcpi_unacked for LISTEN).
uint32_t accept_queue_of(int fd) {
  tcp_info info{};
  socklen_t length = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) fail_errno("TCP_INFO");
  return info.tcpi_unacked;
}

// Whether /proc/net/tcp (this namespace) lists local:remote ports in `state`.
bool proc_tcp_has(uint16_t local_port, uint16_t remote_port, uint8_t state) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  char want_local[8], want_remote[8], want_state[4];
  std::snprintf(want_local, sizeof want_local, ":%04X", local_port);
  std::snprintf(want_remote, sizeof want_remote, ":%04X", remote_port);
  std::snprintf(want_state, sizeof want_state, "%02X", state);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, st;
    fields >> slot >> local >> remote >> st;
    if (local.ends_with(want_local) && remote.ends_with(want_remote) && st == want_state) {
      return true;
    }
  }
  return false;
}
uint64_t inode_of(int fd) {
  struct stat info {};
  return ::fstat(fd, &info) == 0 ? info.st_ino : 0;
}

// The St column of /proc/net/unix (this namespace) for `inode`.
uint8_t proc_unix_state(uint64_t inode) {
  std::ifstream in("/proc/net/unix");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string num, ref, protocol, flags, type, st;
    uint64_t found = 0;
    if (fields >> num >> ref >> protocol >> flags >> type >> st >> found && found == inode) {
      return static_cast<uint8_t>(std::stoul(st, nullptr, 16));
    }
  }
  throw std::runtime_error("inode " + std::to_string(inode) + " not in /proc/net/unix");
}

// A tun device that nobody reads, with 10.99.0.1/24: a SYN routed to 10.99.0.2 is queued on
// it and never answered, and never leaves the namespace.
bool add_silent_route(NamespaceSockets& out) {
  const int tun = ::open("/dev/net/tun", O_RDWR);
  if (tun < 0) {
    out.notes.push_back(std::string("/dev/net/tun: ") + std::strerror(errno) +
                        ": no SYN_SENT through a silent route");
    return false;
  }
  out.keep_fds.push_back(tun);  // the device lives as long as the owner holds this
  ifreq request{};
  std::strncpy(request.ifr_name, "nstun0", IFNAMSIZ - 1);
  request.ifr_flags = IFF_TUN | IFF_NO_PI;
  if (::ioctl(tun, TUNSETIFF, &request) != 0) {
    out.notes.push_back(std::string("TUNSETIFF: ") + std::strerror(errno));
    return false;
  }
  const int control = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  auto& address = reinterpret_cast<sockaddr_in&>(request.ifr_addr);
  address.sin_family = AF_INET;
  ::inet_pton(AF_INET, "10.99.0.1", &address.sin_addr);
  bool ok = ::ioctl(control, SIOCSIFADDR, &request) == 0;
  auto& mask = reinterpret_cast<sockaddr_in&>(request.ifr_netmask);
  mask.sin_family = AF_INET;
  ::inet_pton(AF_INET, "255.255.255.0", &mask.sin_addr);
  ok = ok && ::ioctl(control, SIOCSIFNETMASK, &request) == 0;
  ok = ok && ::ioctl(control, SIOCGIFFLAGS, &request) == 0;
  request.ifr_flags |= IFF_UP;
  ok = ok && ::ioctl(control, SIOCSIFFLAGS, &request) == 0;
  if (!ok) out.notes.push_back(std::string("configuring nstun0: ") + std::strerror(errno));
  ::close(control);
  return ok;
}
}  // namespace netsnap::live
