// libFuzzer target: the /proc/net table parsers (recorder/src/proc_net_parser.h) on any bytes.
// The first byte picks the table (tcp/udp/raw over IPv4 or IPv6, or unix); the rest is the
// file's contents, as the recorder would read it.
#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "proc_net_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t table = data[0] % 7;
  std::string_view contents(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<netsnap::Socket> sockets;
  if (table == 6) {
    netsnap::parse_proc_net_unix(contents, sockets);
    return 0;
  }
  static constexpr netsnap::Protocol kProtocols[] = {netsnap::Protocol::tcp, netsnap::Protocol::udp,
                                                     netsnap::Protocol::raw};
  const uint8_t family = table % 2 == 0 ? AF_INET : AF_INET6;
  // Odd tick rates too: the timer conversion divides by it.
  const uint32_t ticks_per_second = (data[0] & 0x80) ? 1 : 100;
  netsnap::parse_proc_net_inet(contents, family, kProtocols[table / 2], ticks_per_second, sockets);
  return 0;
}
