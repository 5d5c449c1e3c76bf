// libFuzzer target: the NETLINK_SOCK_DIAG reply parser (recorder/src/sock_diag_parser.h) on any
// bytes. The first byte picks the message layout (inet_diag for TCP/UDP/RAW, or unix_diag) and
// whether a sequence number is expected; the rest is one recv() buffer.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "sock_diag_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr netsnap::Protocol kProtocols[] = {netsnap::Protocol::tcp, netsnap::Protocol::udp,
                                                     netsnap::Protocol::raw,
                                                     netsnap::Protocol::unix_};
  const netsnap::Protocol protocol = kProtocols[data[0] % 4];
  const std::optional<uint32_t> expected_seq =
      (data[0] & 0x80) ? std::optional<uint32_t>(1) : std::nullopt;
  std::span<const uint8_t> buffer(data + 1, size - 1);
  std::vector<netsnap::Socket> sockets;
  netsnap::parse_sock_diag_batch(buffer, protocol, expected_seq, sockets);
  // The single-message parsers also take a bare payload (no nlmsghdr) directly.
  netsnap::Socket socket;
  if (protocol == netsnap::Protocol::unix_)
    netsnap::parse_unix_diag_message(buffer, socket);
  else
    netsnap::parse_inet_diag_message(buffer, protocol, socket);
  return 0;
}
