#include "sock_diag_client.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <span>
#include <string>
#include <system_error>
#include <utility>

#include "sock_diag_parser.h"

namespace netsnap {
namespace {

// The kernel sends dump datagrams of at most ~32 KiB; a larger buffer costs only address
// space (it is never zero-filled) and makes MSG_TRUNC impossible in practice.
constexpr size_t kReceiveBufferSize = 1 << 20;
// A dump of 100k sockets takes well under a second; a silent kernel must not hang capture.
constexpr time_t kReceiveTimeoutSeconds = 5;
// Every state /proc/net/tcp lists: 1..11 (TIME_WAIT, SYN_RECV included) and 12,
// TCP_NEW_SYN_RECV (request sockets). Bit 13, TCP_BOUND_INACTIVE (Linux 6.5+), would add
// sockets that are only bound, which neither /proc nor netstat show: left out so that both
// sources describe the same sockets.
constexpr uint32_t kInetStates = (1U << 13) - 1;
constexpr uint32_t kUnixStates = ~0U;

// strerrordesc_np: thread-safe and locale-free. (std::generic_category().message() did the same,
// but clang's -fsanitize=vptr cannot see libstdc++'s hidden category type and reports it.)
std::string describe_errno(int error) {
  const char* description = strerrordesc_np(error);
  return description ? description : "error " + std::to_string(error);
}

uint8_t ip_protocol_of(Protocol protocol) {
  switch (protocol) {
    case Protocol::udp: return IPPROTO_UDP;
    case Protocol::udplite: return IPPROTO_UDPLITE;
    // raw_diag answers to IPPROTO_RAW and then dumps raw sockets of every IP protocol (what
    // `ss -w` does); INET_DIAG_REQ_PROTOCOL is only for protocols above 255 (MPTCP).
    case Protocol::raw: return IPPROTO_RAW;
    default: return IPPROTO_TCP;
  }
}

}  // namespace

Result<SockDiagClient> SockDiagClient::open() {
  const int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return Error{"socket(NETLINK_SOCK_DIAG): " + describe_errno(errno)};
  const timeval timeout{kReceiveTimeoutSeconds, 0};
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0) {
    const int error = errno;
    ::close(fd);
    return Error{"setsockopt(SO_RCVTIMEO) on the sock_diag socket: " + describe_errno(error)};
  }
  return SockDiagClient(fd);
}

SockDiagClient::SockDiagClient(int fd)
    : fd_(fd), buffer_(std::make_unique_for_overwrite<uint8_t[]>(kReceiveBufferSize)) {}

SockDiagClient::SockDiagClient(SockDiagClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      next_seq_(other.next_seq_),
      buffer_(std::move(other.buffer_)) {}

SockDiagClient& SockDiagClient::operator=(SockDiagClient&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    next_seq_ = other.next_seq_;
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

SockDiagClient::~SockDiagClient() {
  if (fd_ >= 0) ::close(fd_);
}

Status SockDiagClient::send_request(const SockDiagRequest& request, uint32_t seq) {
  nlmsghdr header{};
  header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  header.nlmsg_seq = seq;

  struct {
    nlmsghdr header;
    inet_diag_req_v2 body;
  } inet_message{};
  struct {
    nlmsghdr header;
    unix_diag_req body;
  } unix_message{};
  struct {
    nlmsghdr header;
    inet_diag_req body;
  } both_families_message{};
  const void* bytes = nullptr;
  size_t length = 0;
  if (request.protocol == Protocol::unix_) {
    unix_message.header = header;
    unix_message.header.nlmsg_len = sizeof unix_message;
    unix_message.body.sdiag_family = AF_UNIX;
    unix_message.body.udiag_states = kUnixStates;
    // UID is ignored by kernels before 5.3; the rest exist since 3.3.
    unix_message.body.udiag_show =
        UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_VFS | UDIAG_SHOW_UID;
    bytes = &unix_message;
    length = sizeof unix_message;
  } else if (request.family == AF_UNSPEC && request.protocol == Protocol::tcp) {
    both_families_message.header = header;
    both_families_message.header.nlmsg_type = TCPDIAG_GETSOCK;
    both_families_message.header.nlmsg_len = sizeof both_families_message;
    both_families_message.body.idiag_family = AF_INET;  // the kernel dumps both regardless
    both_families_message.body.idiag_states = kInetStates;
    if (request.tcp_info) both_families_message.body.idiag_ext = 1 << (INET_DIAG_INFO - 1);
    bytes = &both_families_message;
    length = sizeof both_families_message;
  } else {
    inet_message.header = header;
    inet_message.header.nlmsg_len = sizeof inet_message;
    inet_message.body.sdiag_family = request.family;
    inet_message.body.sdiag_protocol = ip_protocol_of(request.protocol);
    inet_message.body.idiag_states = kInetStates;
    if (request.tcp_info && request.protocol == Protocol::tcp) {
      inet_message.body.idiag_ext = 1 << (INET_DIAG_INFO - 1);
    }
    bytes = &inet_message;
    length = sizeof inet_message;
  }

  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  for (;;) {
    const ssize_t sent =
        ::sendto(fd_, bytes, length, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel);
    if (sent >= 0) return ok_status();
    if (errno != EINTR) return Error{"send dump request: " + describe_errno(errno)};
  }
}

SockDiagClient::ReceiveFailure SockDiagClient::receive_dump(Protocol protocol, uint32_t seq,
                                                            std::vector<Socket>& out,
                                                            SockDiagDumpStats& stats) {
  for (;;) {
    iovec chunk{buffer_.get(), kReceiveBufferSize};
    msghdr message{};
    message.msg_iov = &chunk;
    message.msg_iovlen = 1;
    const ssize_t count = ::recvmsg(fd_, &message, 0);
    if (count < 0) {
      if (errno == EINTR) continue;
      return {errno, false};
    }
    if (count == 0) return {ECONNRESET, false};
    if (message.msg_flags & MSG_TRUNC) ++stats.malformed;  // the datagram's tail was lost

    const auto batch = parse_sock_diag_batch(
        std::span<const uint8_t>(buffer_.get(), static_cast<size_t>(count)), protocol, seq, out);
    stats.sockets += batch.sockets;
    stats.malformed += batch.malformed + (batch.truncated ? 1 : 0);
    stats.stale += batch.stale;
    if (batch.interrupted) stats.inconsistent = true;
    if (batch.finished) return {batch.error, batch.error != 0};
  }
}

void SockDiagClient::discard_rest_of_dump(uint32_t seq) {
  for (;;) {
    const ssize_t count = ::recv(fd_, buffer_.get(), kReceiveBufferSize, 0);
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) return;  // nothing left (receive timeout) or the socket failed
    const size_t length = static_cast<size_t>(count);
    size_t offset = 0;
    while (length - offset >= sizeof(nlmsghdr)) {
      nlmsghdr header;
      std::memcpy(&header, buffer_.get() + offset, sizeof header);
      if (header.nlmsg_len < sizeof header || header.nlmsg_len > length - offset) break;
      const bool last = header.nlmsg_type == NLMSG_DONE || header.nlmsg_type == NLMSG_ERROR;
      if (last && header.nlmsg_seq == seq) return;
      offset += std::min<size_t>(NLMSG_ALIGN(header.nlmsg_len), length - offset);
    }
  }
}

Result<SockDiagDumpStats> SockDiagClient::dump(const SockDiagRequest& request,
                                               std::vector<Socket>& out) {
  const size_t mark = out.size();
  const auto forget_partial = [&] {
    out.erase(out.begin() + static_cast<ptrdiff_t>(mark), out.end());
  };
  constexpr unsigned kMaxAttempts = 2;
  for (unsigned attempt = 1;; ++attempt) {
    SockDiagDumpStats stats;
    stats.attempts = attempt;
    const uint32_t seq = next_seq_++;
    if (Status sent = send_request(request, seq); !sent) return sent.error();
    const ReceiveFailure failure = receive_dump(request.protocol, seq, out, stats);
    // ENOBUFS on our socket means a message was dropped: the dump goes on, but with a hole.
    const bool lost_message = failure.error == ENOBUFS && !failure.from_kernel;
    const bool retryable = lost_message || (failure.error == 0 && stats.inconsistent);
    if (retryable && attempt < kMaxAttempts) {
      forget_partial();
      if (lost_message) discard_rest_of_dump(seq);
      continue;
    }
    if (failure.error == 0) return stats;  // possibly inconsistent twice: kept, flagged
    forget_partial();
    if (failure.from_kernel && failure.error == ENOENT) {
      stats.sockets = 0;
      stats.unsupported = true;
      return stats;
    }
    if (failure.from_kernel) {
      return Error{"the kernel refused the dump: " + describe_errno(failure.error)};
    }
    if (failure.error == EAGAIN || failure.error == EWOULDBLOCK) {
      return Error{"no reply within " + std::to_string(kReceiveTimeoutSeconds) + " s"};
    }
    discard_rest_of_dump(seq);
    return Error{"receive: " + describe_errno(failure.error)};
  }
}

}  // namespace netsnap
