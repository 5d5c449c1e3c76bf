// Small RAII and socket-opening helpers for tests that open real sockets (the private
// network namespace test). Failures return an invalid Fd: the caller checks and reports.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

namespace netsnap::test {

// Owns a descriptor for the life of the child's checks.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

inline uint64_t inode_of(const Fd& fd) {
  struct stat info {};
  return ::fstat(fd.get(), &info) == 0 ? info.st_ino : 0;
}

inline uint64_t cookie_of(const Fd& fd) {
  uint64_t cookie = 0;
  socklen_t length = sizeof cookie;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_COOKIE, &cookie, &length);
  return cookie;
}

inline uint16_t port_of(const Fd& fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
  return address.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6&>(address).sin6_port)
                                       : ntohs(reinterpret_cast<sockaddr_in&>(address).sin_port);
}

inline int ioctl_count(const Fd& fd, unsigned long request) {
  int count = -1;
  ::ioctl(fd.get(), request, &count);
  return count;
}

// Loopback delivers asynchronously (softirq, delayed ACKs): wait for the state under test so
// both sources see the same, settled kernel state.
template <class Ready>
bool wait_until(Ready ready) {
  for (int attempt = 0; attempt < 300; ++attempt) {
    if (ready()) return true;
    ::usleep(10'000);
  }
  return false;
}

inline sockaddr_in loopback_v4(uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

inline Fd tcp_listener_v4(int backlog) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_in address = loopback_v4(0);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd.get(), backlog) != 0) {
    return Fd();
  }
  return fd;
}

inline Fd tcp_connect_v4(uint16_t port) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_in address = loopback_v4(port);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return Fd();
  }
  return fd;
}

inline Fd unix_listener(const std::string& name, int backlog) {
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, name.data(), name.size());
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), length) != 0 ||
      ::listen(fd.get(), backlog) != 0) {
    return Fd();
  }
  return fd;
}

inline Fd unix_connect(const std::string& path) {
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.data(), path.size());
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), length) != 0) return Fd();
  return fd;
}

}  // namespace netsnap::test
