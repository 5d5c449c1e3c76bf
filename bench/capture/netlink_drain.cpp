// netlink_drain: the floor of the capture benchmark. The cheapest possible way to get every
// TCP socket of this network namespace out of the kernel: one NETLINK_SOCK_DIAG dump request
// per family (AF_INET, AF_INET6) for the states the recorder asks for, whose replies are
// drained into one reused buffer. Nothing is parsed beyond walking the nlmsghdrs (to count
// sockets and find the end of the dump), nothing is allocated per socket.
//
//   netlink_drain [--dumps N] [--tcp-info] [--one-pass]
//
// --dumps N repeats the whole dump N times in one process (steady-state cost per dump is the
// difference between N and 1, as for the recorder); --tcp-info also asks for INET_DIAG_INFO,
// which the recorder requests unless --no-tcp-info. --one-pass sends one legacy
// TCPDIAG_GETSOCK request instead of two: the kernel answers it with family AF_UNSPEC, i.e.
// both families in a single walk of its socket hash table (the new interface walks the whole
// table once per family). Prints "N sockets" (of the last dump) on
// stdout. Exit status: 0 ok, 1 the dump failed, 2 bad arguments.
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

namespace {

// Dump datagrams are at most 32 KiB (the kernel caps its dump skbs there).
constexpr size_t kBufferSize = 64 * 1024;
// The recorder's state mask: every state but TCP_BOUND_INACTIVE (13), so both count the
// same sockets.
constexpr uint32_t kStates = (1U << 13) - 1;

struct DrainOptions {
  unsigned long dumps = 1;
  bool tcp_info = false;
  bool one_pass = false;
};

struct DumpRequest {
  nlmsghdr header;
  inet_diag_req_v2 body;
};

// The legacy request (linux/inet_diag.h, struct inet_diag_req): no family to ask for.
struct LegacyDumpRequest {
  nlmsghdr header;
  inet_diag_req body;
};

std::optional<DrainOptions> parse_options(int argc, char** argv) {
  DrainOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (name == "--tcp-info")
      options.tcp_info = true;
    else if (name == "--one-pass")
      options.one_pass = true;
    else if (name == "--dumps" && i + 1 < argc)
      options.dumps = std::strtoul(argv[++i], nullptr, 10);
    else
      return std::nullopt;
  }
  if (options.dumps == 0) return std::nullopt;
  return options;
}

bool send_bytes(int fd, const void* request, size_t length) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  for (;;) {
    if (sendto(fd, request, length, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) >= 0)
      return true;
    if (errno != EINTR) return false;
  }
}

bool send_request(int fd, uint8_t family, bool tcp_info, uint32_t seq) {
  DumpRequest request{};
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = seq;
  request.body.sdiag_family = family;
  request.body.sdiag_protocol = IPPROTO_TCP;
  request.body.idiag_states = kStates;
  if (tcp_info) request.body.idiag_ext = 1 << (INET_DIAG_INFO - 1);
  return send_bytes(fd, &request, sizeof request);
}

bool send_legacy_request(int fd, bool tcp_info, uint32_t seq) {
  LegacyDumpRequest request{};
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = TCPDIAG_GETSOCK;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = seq;
  request.body.idiag_family = AF_INET;  // ignored by the kernel's dump: both families come
  request.body.idiag_states = kStates;
  if (tcp_info) request.body.idiag_ext = 1 << (INET_DIAG_INFO - 1);
  return send_bytes(fd, &request, sizeof request);
}

// Reads datagrams until NLMSG_DONE; returns the number of socket messages, or -1 (errno set,
// or ENOMSG for an NLMSG_ERROR from the kernel).
long drain_dump(int fd, uint8_t* buffer) {
  long sockets = 0;
  for (;;) {
    const ssize_t received = recv(fd, buffer, kBufferSize, 0);
    if (received < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    size_t length = static_cast<size_t>(received);
    for (auto* header = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(header, length);
         header = NLMSG_NEXT(header, length)) {
      if (header->nlmsg_type == NLMSG_DONE) return sockets;
      if (header->nlmsg_type == NLMSG_ERROR) {
        errno = ENOMSG;
        return -1;
      }
      ++sockets;
    }
  }
}

int run_drain(const DrainOptions& options) {
  const int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) {
    std::fprintf(stderr, "netlink_drain: socket(NETLINK_SOCK_DIAG): %s\n", std::strerror(errno));
    return 1;
  }
  const auto buffer = std::make_unique_for_overwrite<uint8_t[]>(kBufferSize);
  uint32_t seq = 1;
  long sockets = 0;
  for (unsigned long dump = 0; dump < options.dumps; ++dump) {
    sockets = 0;
    const uint8_t families[] = {AF_INET, AF_INET6};
    for (size_t i = 0; i < (options.one_pass ? 1 : 2); ++i) {
      const bool sent = options.one_pass ? send_legacy_request(fd, options.tcp_info, seq++)
                                         : send_request(fd, families[i], options.tcp_info, seq++);
      if (!sent) {
        std::fprintf(stderr, "netlink_drain: send: %s\n", std::strerror(errno));
        close(fd);
        return 1;
      }
      const long count = drain_dump(fd, buffer.get());
      if (count < 0) {
        std::fprintf(stderr, "netlink_drain: dump: %s\n", std::strerror(errno));
        close(fd);
        return 1;
      }
      sockets += count;
    }
  }
  close(fd);
  std::printf("%ld sockets\n", sockets);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = parse_options(argc, argv);
  if (!options) {
    std::fprintf(stderr, "usage: netlink_drain [--dumps N] [--tcp-info] [--one-pass]\n");
    return 2;
  }
  return run_drain(*options);
}
