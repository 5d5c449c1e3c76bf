// Small tools for opening sockets in known states inside the owner (namespace_sockets.cpp):
// a SocketBuilder that opens them (without FD_CLOEXEC, so they survive the owner's exec) and
// records what a recording must say about each, and probes that wait for the kernel to
// settle (loopback delivers asynchronously). Failures throw std::runtime_error.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "namespace_sockets.h"

namespace netsnap::live {

inline constexpr uid_t kOtherUser = 65534;  // "nobody": a second user in the recording

[[noreturn]] void fail_errno(const std::string& what);  // throws, with strerror(errno)
void pause_ms(long ms);

template <class Ready>
bool settle(Ready ready, int attempts = 300) {
  for (int i = 0; i < attempts; ++i) {
    if (ready()) return true;
    pause_ms(10);
  }
  return false;
}

Endpoint endpoint_of(const sockaddr_storage& address);
Endpoint local_of(int fd);
Endpoint remote_of(int fd);  // {} when not connected (and in SYN_SENT)
int ioctl_int(int fd, unsigned long request);
uint8_t tcp_state_of(int fd);
uint32_t accept_queue_of(int fd);  // a listener's, from tcp_info
// Whether /proc/net/tcp (this namespace) lists local:remote ports in `state`.
bool proc_tcp_has(uint16_t local_port, uint16_t remote_port, uint8_t state);
uint64_t inode_of(int fd);
// The St column of /proc/net/unix (this namespace) for `inode`.
uint8_t proc_unix_state(uint64_t inode);
// A tun device nobody reads, 10.99.0.1/24: a SYN to 10.99.0.2 is never answered and never
// leaves the namespace. False (with a note) where /dev/net/tun is missing.
bool add_silent_route(NamespaceSockets& out);

// fsuid decides the uid a new socket is charged to; the process stays root otherwise.
class OtherUser {
 public:
  OtherUser() { ::setfsuid(kOtherUser); }
  ~OtherUser() { ::setfsuid(0); }
};

// Opens sockets for the scenario and records what a recording must say about each.
class SocketBuilder {
 public:
  explicit SocketBuilder(NamespaceSockets& out) : out_(out) {}

  int socket(int family, int type, int protocol = 0) {
    const int fd = ::socket(family, type, protocol);  // no CLOEXEC: the owner keeps them
    if (fd < 0) fail_errno("socket");
    out_.keep_fds.push_back(fd);
    return fd;
  }

  // Records what the recording must show for the socket `fd` as it is now.
  ExpectedSocket& expect(const std::string& role, int fd, Protocol protocol, uint8_t state) {
    ExpectedSocket& e = out_.expected.emplace_back();
    e.role = role;
    Socket& s = e.fields;
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) fail_errno("getsockname");
    s.family = static_cast<uint8_t>(address.ss_family);
    s.protocol = protocol;
    s.state = state;
    if (s.family != AF_UNIX) {
      s.local = endpoint_of(address);
      s.remote = remote_of(fd);
    }
    struct stat info {};
    if (::fstat(fd, &info) != 0) fail_errno("fstat");
    s.inode = info.st_ino;
    s.uid = info.st_uid;  // the creator's fsuid, which the kernel reports as the socket's uid
    uint64_t cookie = 0;
    socklen_t cookie_length = sizeof cookie;
    if (::getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &cookie_length) != 0) fail_errno("SO_COOKIE");
    s.cookie = cookie;
    return e;
  }

  // A socket without a descriptor (TIME_WAIT, request and not-yet-accepted sockets).
  ExpectedSocket& expect_unheld(const std::string& role, uint8_t family, Protocol protocol,
                                uint8_t state, const Endpoint& local, const Endpoint& remote) {
    ExpectedSocket& e = out_.expected.emplace_back();
    e.role = role;
    e.owned = false;
    e.fields.family = family;
    e.fields.protocol = protocol;
    e.fields.state = state;
    e.fields.local = local;
    e.fields.remote = remote;
    return e;
  }

  int tcp_listener(int family, const char* address, int backlog, bool v6only = true,
                   int receive_buffer = 0, int defer_accept = 0) {
    const int fd = socket(family, SOCK_STREAM);
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (family == AF_INET6) {
      const int only = v6only ? 1 : 0;
      if (::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &only, sizeof only) != 0) fail_errno("IPV6_V6ONLY");
    }
    if (receive_buffer &&
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer) != 0) {
      fail_errno("SO_RCVBUF");
    }
    if (defer_accept &&
        ::setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_accept, sizeof defer_accept) != 0) {
      fail_errno("TCP_DEFER_ACCEPT");
    }
    bind_inet(fd, family, address, 0);
    if (::listen(fd, backlog) != 0) fail_errno("listen");
    return fd;
  }

  void bind_inet(int fd, int family, const char* address, uint16_t port) {
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (family == AF_INET) {
      auto& in = reinterpret_cast<sockaddr_in&>(storage);
      in.sin_family = AF_INET;
      in.sin_port = htons(port);
      if (::inet_pton(AF_INET, address, &in.sin_addr) != 1) fail_errno("inet_pton");
      length = sizeof in;
    } else {
      auto& in6 = reinterpret_cast<sockaddr_in6&>(storage);
      in6.sin6_family = AF_INET6;
      in6.sin6_port = htons(port);
      if (::inet_pton(AF_INET6, address, &in6.sin6_addr) != 1) fail_errno("inet_pton");
      length = sizeof in6;
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) fail_errno("bind");
  }

  // connect() to `address`:`port`; nonblocking ones may still be in progress.
  int tcp_connect(int family, const char* address, uint16_t port, bool nonblocking = false,
                  int send_buffer = 0) {
    const int fd = socket(family, SOCK_STREAM | (nonblocking ? SOCK_NONBLOCK : 0));
    if (send_buffer &&
        ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof send_buffer) != 0) {
      fail_errno("SO_SNDBUF");
    }
    connect_inet(fd, family, address, port, nonblocking);
    ++out_.tcp_active_opens;
    return fd;
  }

  void connect_inet(int fd, int family, const char* address, uint16_t port, bool nonblocking) {
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (family == AF_INET) {
      auto& in = reinterpret_cast<sockaddr_in&>(storage);
      in.sin_family = AF_INET;
      in.sin_port = htons(port);
      ::inet_pton(AF_INET, address, &in.sin_addr);
      length = sizeof in;
    } else {
      auto& in6 = reinterpret_cast<sockaddr_in6&>(storage);
      in6.sin6_family = AF_INET6;
      in6.sin6_port = htons(port);
      ::inet_pton(AF_INET6, address, &in6.sin6_addr);
      length = sizeof in6;
    }
    if (::connect(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0 &&
        !(nonblocking && errno == EINPROGRESS)) {
      fail_errno(std::string("connect to ") + address);
    }
  }

  int accept(int listener) {
    const int fd = ::accept(listener, nullptr, nullptr);
    if (fd < 0) fail_errno("accept");
    out_.keep_fds.push_back(fd);
    return fd;
  }

  void forget(int fd) {  // closed on purpose (TIME_WAIT)
    std::erase(out_.keep_fds, fd);
    ::close(fd);
  }

  int unix_socket(int type, const std::string& name, bool listen_too, int backlog = 5) {
    const int fd = socket(AF_UNIX, type);
    bind_unix(fd, name);
    if (listen_too && ::listen(fd, backlog) != 0) fail_errno("listen unix");
    return fd;
  }

  void bind_unix(int fd, const std::string& name) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name.data(), name.size());
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) fail_errno("bind " + name);
  }

  int unix_connect(int type, const std::string& name) {
    const int fd = socket(AF_UNIX, type);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name.data(), name.size());
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) fail_errno("connect " + name);
    return fd;
  }

  ExpectedSocket& expect_unix(const std::string& role, int fd, const std::string& name,
                              uint8_t state, bool listening = false) {
    ExpectedSocket& e = expect(role, fd, Protocol::unix_, state);
    int type = 0;
    socklen_t length = sizeof type;
    if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0) fail_errno("SO_TYPE");
    e.fields.unix_type = static_cast<uint8_t>(type);
    e.fields.unix_path = name;
    e.fields.unix_flags = listening ? unix_flag_accepting : 0;
    return e;
  }

  NamespaceSockets& out() { return out_; }

 private:
  NamespaceSockets& out_;
};

}  // namespace netsnap::live
