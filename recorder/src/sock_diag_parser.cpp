#include "sock_diag_parser.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

namespace netsnap {
namespace {

// Copies a T out of possibly unaligned bytes; the caller has checked the size.
constexpr size_t kMessageHeaderLength = NLMSG_ALIGN(sizeof(nlmsghdr));
constexpr size_t kAttributeHeaderLength = NLA_ALIGN(sizeof(nlattr));

template <class T>
T load(const uint8_t* bytes) {
  T value;
  std::memcpy(&value, bytes, sizeof value);
  return value;
}

// Calls visit(type, payload) for every attribute in `bytes`. Returns false when an attribute
// header claims an impossible length; attributes before it have been visited, none after.
template <class Visit>
bool for_each_attribute(std::span<const uint8_t> bytes, Visit&& visit) {
  size_t offset = 0;
  while (bytes.size() - offset >= kAttributeHeaderLength) {
    const auto header = load<nlattr>(bytes.data() + offset);
    const size_t length = header.nla_len;
    if (length < kAttributeHeaderLength || length > bytes.size() - offset) return false;
    visit(static_cast<uint16_t>(header.nla_type & NLA_TYPE_MASK),
          bytes.subspan(offset + kAttributeHeaderLength, length - kAttributeHeaderLength));
    // The last attribute's padding may be missing; never step past the end.
    offset += std::min<size_t>(NLA_ALIGN(length), bytes.size() - offset);
  }
  // Fewer than a header's worth of trailing bytes is padding, not damage.
  return true;
}

// The attributes follow the fixed struct, padded to netlink alignment.
template <class Fixed>
std::span<const uint8_t> attributes_after(std::span<const uint8_t> payload) {
  return payload.subspan(std::min<size_t>(NLMSG_ALIGN(sizeof(Fixed)), payload.size()));
}

bool is_link_local_v6(const std::array<uint8_t, 16>& address) {
  const bool unicast = address[0] == 0xfe && (address[1] & 0xc0) == 0x80;    // fe80::/10
  const bool multicast = address[0] == 0xff && (address[1] & 0x0f) == 0x02;  // ffx2::/16
  return unicast || multicast;
}

void fill_endpoint(Endpoint& endpoint, uint8_t family, const __be32 (&words)[4], __be16 port,
                   uint32_t interface_index) {
  const size_t length = family == AF_INET ? 4 : 16;
  std::memcpy(endpoint.address.data(), words, length);
  endpoint.port = ntohs(port);
  // The kernel reports the bound interface for any socket; the model keeps it only where it
  // is part of the address (a link-local IPv6 address means nothing without its interface).
  if (family == AF_INET6 && is_link_local_v6(endpoint.address)) endpoint.scope_id = interface_index;
}

void fill_tcp_info(std::span<const uint8_t> payload, Socket& socket) {
  if (payload.empty()) return;
  // struct tcp_info grows with every kernel: an older kernel sends a prefix, a newer one a
  // longer struct. Copy what both know and leave the rest zero ("not recorded").
  tcp_info info{};
  std::memcpy(&info, payload.data(), std::min(payload.size(), sizeof info));
  TcpInfo& out = socket.tcp_info;
  out.rtt_us = info.tcpi_rtt;
  out.rttvar_us = info.tcpi_rttvar;
  out.snd_cwnd = info.tcpi_snd_cwnd;
  out.snd_ssthresh = info.tcpi_snd_ssthresh;
  out.retransmits = info.tcpi_retransmits;
  out.total_retrans = info.tcpi_total_retrans;
  out.lost = info.tcpi_lost;
  out.unacked = info.tcpi_unacked;
  out.last_data_recv_ms = info.tcpi_last_data_recv;
  out.last_data_sent_ms = info.tcpi_last_data_sent;
  out.bytes_acked = info.tcpi_bytes_acked;
  out.bytes_received = info.tcpi_bytes_received;
  out.probes = info.tcpi_probes;
  socket.has_tcp_info = true;
}

// idiag_retrans holds different counters depending on the timer (inet_sk_diag_fill): the
// retransmit count for the retransmit timer, icsk_probes_out for keepalive and zero-window
// probe timers. /proc/net/tcp prints both separately (retrnsmt, timeout); tcp_info, when
// present, has both too and is preferred so both sources fill the same fields.
void fill_timer_counters(const inet_diag_msg& message, Socket& socket) {
  socket.timer = message.idiag_timer;
  socket.timer_expires_ms = message.idiag_expires;
  if (message.idiag_timer == 2 || message.idiag_timer == 4) {
    socket.probes = message.idiag_retrans;
  } else {
    socket.retransmits = message.idiag_retrans;
  }
  if (socket.has_tcp_info) {
    socket.retransmits = static_cast<uint8_t>(socket.tcp_info.retransmits);
    socket.probes = static_cast<uint8_t>(socket.tcp_info.probes);
  }
}

uint64_t cookie_from_words(const uint32_t (&words)[2]) {
  // sock_diag_save_cookie stores the low half first.
  return static_cast<uint64_t>(words[1]) << 32 | words[0];
}

}  // namespace

uint8_t unix_state_from_sk_state(uint8_t sk_state) {
  return sk_state == tcp_state::established ? unix_state::connected : unix_state::unconnected;
}

SockDiagMessageStatus parse_inet_diag_message(std::span<const uint8_t> payload, Protocol protocol,
                                              Socket& socket) {
  if (payload.size() < sizeof(inet_diag_msg)) return SockDiagMessageStatus::too_short;
  const auto message = load<inet_diag_msg>(payload.data());
  if (message.idiag_family != AF_INET && message.idiag_family != AF_INET6) {
    return SockDiagMessageStatus::unexpected_family;
  }
  socket.family = message.idiag_family;
  socket.protocol = protocol;
  socket.state = message.idiag_state;
  fill_endpoint(socket.local, message.idiag_family, message.id.idiag_src, message.id.idiag_sport,
                message.id.idiag_if);
  fill_endpoint(socket.remote, message.idiag_family, message.id.idiag_dst, message.id.idiag_dport,
                message.id.idiag_if);
  socket.recv_q = message.idiag_rqueue;
  socket.send_q = message.idiag_wqueue;
  socket.uid = message.idiag_uid;
  socket.inode = message.idiag_inode;
  socket.cookie = cookie_from_words(message.id.idiag_cookie);
  // A raw socket's "port" is the IP protocol it was opened for (inet_num), as in /proc.
  if (protocol == Protocol::raw) socket.raw_protocol = socket.local.port;

  const bool attributes_ok = for_each_attribute(
      attributes_after<inet_diag_msg>(payload), [&](uint16_t type, std::span<const uint8_t> value) {
        if (type == INET_DIAG_INFO && protocol == Protocol::tcp) fill_tcp_info(value, socket);
      });
  fill_timer_counters(message, socket);
  return attributes_ok ? SockDiagMessageStatus::ok : SockDiagMessageStatus::bad_attribute;
}

SockDiagMessageStatus parse_unix_diag_message(std::span<const uint8_t> payload, Socket& socket) {
  if (payload.size() < sizeof(unix_diag_msg)) return SockDiagMessageStatus::too_short;
  const auto message = load<unix_diag_msg>(payload.data());
  if (message.udiag_family != AF_UNIX) return SockDiagMessageStatus::unexpected_family;
  socket.family = AF_UNIX;
  socket.protocol = Protocol::unix_;
  socket.unix_type = message.udiag_type;
  socket.state = unix_state_from_sk_state(message.udiag_state);
  socket.unix_flags = message.udiag_state == tcp_state::listen ? unix_flag_accepting : 0;
  socket.inode = message.udiag_ino;
  socket.cookie = cookie_from_words(message.udiag_cookie);

  bool fixed_sizes_ok = true;
  const bool attributes_ok = for_each_attribute(
      attributes_after<unix_diag_msg>(payload), [&](uint16_t type, std::span<const uint8_t> value) {
        switch (type) {
          case UNIX_DIAG_NAME: {
            // A path name arrives with its terminating NUL (the bound address length counts
            // it) and cannot contain another; an abstract name (leading NUL) is exact bytes.
            size_t length = value.size();
            if (length != 0 && value[0] != 0) {
              length =
                  static_cast<size_t>(std::find(value.begin(), value.end(), 0) - value.begin());
            }
            socket.unix_path.assign(
                std::string_view(reinterpret_cast<const char*>(value.data()), length));
            break;
          }
          case UNIX_DIAG_PEER:
            if (value.size() < sizeof(uint32_t)) {
              fixed_sizes_ok = false;
              break;
            }
            socket.peer_inode = load<uint32_t>(value.data());
            break;
          case UNIX_DIAG_RQLEN: {
            // Listeners: accept-queue length and backlog; others: queued bytes in and out.
            if (value.size() < sizeof(unix_diag_rqlen)) {
              fixed_sizes_ok = false;
              break;
            }
            const auto lengths = load<unix_diag_rqlen>(value.data());
            socket.recv_q = lengths.udiag_rqueue;
            socket.send_q = lengths.udiag_wqueue;
            break;
          }
          case UNIX_DIAG_UID:
            if (value.size() < sizeof(uint32_t)) {
              fixed_sizes_ok = false;
              break;
            }
            socket.uid = load<uint32_t>(value.data());
            break;
          case UNIX_DIAG_VFS:
            // Requested so a future model field can keep the bound file's inode/device; the
            // model has none yet, so only its size is checked.
            if (value.size() < sizeof(unix_diag_vfs)) fixed_sizes_ok = false;
            break;
          default: break;  // ICONS, MEMINFO, SHUTDOWN and newer attributes: not recorded
        }
      });
  return attributes_ok && fixed_sizes_ok ? SockDiagMessageStatus::ok
                                         : SockDiagMessageStatus::bad_attribute;
}

namespace {

// A negative status is -errno; INT_MIN has no positive counterpart (negating it is undefined,
// found by sock_diag_fuzzer) and is no errno: it is reported as a protocol error.
int errno_of_status(int status) {
  if (status >= 0) return 0;
  return status == std::numeric_limits<int>::min() ? EPROTO : -status;
}

}  // namespace

SockDiagBatch parse_sock_diag_batch(std::span<const uint8_t> bytes, Protocol protocol,
                                    std::optional<uint32_t> expected_seq,
                                    std::vector<Socket>& out) {
  SockDiagBatch batch;
  size_t offset = 0;
  while (offset < bytes.size()) {
    const size_t remaining = bytes.size() - offset;
    if (remaining < sizeof(nlmsghdr)) {
      batch.truncated = true;
      break;
    }
    const auto header = load<nlmsghdr>(bytes.data() + offset);
    // A length that is too small or runs past the buffer leaves no way to find the next
    // message: stop here rather than guess.
    if (header.nlmsg_len < kMessageHeaderLength || header.nlmsg_len > remaining) {
      batch.truncated = true;
      break;
    }
    const auto payload =
        bytes.subspan(offset + kMessageHeaderLength, header.nlmsg_len - kMessageHeaderLength);
    offset += std::min<size_t>(NLMSG_ALIGN(header.nlmsg_len), remaining);

    if (expected_seq && header.nlmsg_seq != *expected_seq) {
      ++batch.stale;
      continue;
    }
    if (header.nlmsg_flags & NLM_F_DUMP_INTR) batch.interrupted = true;

    if (header.nlmsg_type == NLMSG_DONE) {
      // Since Linux 4.x the payload is the dump's final status: negative means it failed.
      if (payload.size() >= sizeof(int)) {
        const int status = load<int>(payload.data());
        if (status < 0) batch.error = errno_of_status(status);
      }
      batch.finished = true;
      break;
    }
    if (header.nlmsg_type == NLMSG_ERROR) {
      if (payload.size() < sizeof(int)) {
        ++batch.malformed;
        batch.error = EPROTO;
      } else {
        const int status = load<int>(payload.data());
        batch.error = errno_of_status(status);  // 0 is an acknowledgement, not a failure
      }
      batch.finished = true;
      break;
    }
    // Replies carry the request's type: SOCK_DIAG_BY_FAMILY, or TCPDIAG_GETSOCK for the
    // both-families TCP request (the same inet_diag_msg). NLMSG_NOOP and the like are skipped.
    if (header.nlmsg_type != SOCK_DIAG_BY_FAMILY && header.nlmsg_type != TCPDIAG_GETSOCK) continue;

    // Grown by a quarter, not doubled: the capture's array keeps its capacity for the life of
    // the recorder, and doubling would leave up to half of it (13 MB at 100,000 sockets) unused.
    if (out.size() == out.capacity()) out.reserve(out.size() < 64 ? 64 : out.size() + out.size() / 4);
    Socket& socket = out.emplace_back();
    const auto status = protocol == Protocol::unix_
                            ? parse_unix_diag_message(payload, socket)
                            : parse_inet_diag_message(payload, protocol, socket);
    switch (status) {
      case SockDiagMessageStatus::ok: ++batch.sockets; break;
      case SockDiagMessageStatus::bad_attribute:
        // The fixed part was whole and is what the model needs most: keep the socket.
        ++batch.sockets;
        ++batch.malformed;
        break;
      case SockDiagMessageStatus::too_short:
      case SockDiagMessageStatus::unexpected_family:
        out.pop_back();
        ++batch.malformed;
        break;
    }
  }
  return batch;
}

}  // namespace netsnap
