// Port -> service name, read the way net-tools' netstat reads it (lib/inet.c, read_services):
// every /etc/services entry for tcp, udp and raw, plus every /etc/protocols entry as a "raw"
// name (a raw socket's local "port" is its IP protocol number, so netstat shows `0.0.0.0:icmp`).
// When one port has several entries the LAST one in the file wins (netstat prepends each entry
// to a list and takes the first match), and /etc/protocols comes after /etc/services.
//
// The caller passes the files' contents (taken from the recorded host, or from the analyst's
// machine as a fallback), so that the names never depend on where the analyzer happens to run
// and tests can feed literals. Names are stored already escaped (text_escape.h): the contents
// are as untrusted as the recording.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace netsnap {

// Which of netstat's three name lists a lookup uses: TCP rows use tcp, UDP and UDP-Lite rows
// use udp, RAW rows use raw.
enum class ServiceProtocol : uint8_t { tcp, udp, raw };

class ServiceNames {
 public:
  // No names at all: every port prints as its number.
  ServiceNames() = default;

  // Parses /etc/services and (optionally) /etc/protocols contents. Lines that do not parse are
  // skipped, as getservent/getprotoent skip them.
  static ServiceNames parse(std::string_view services_file, std::string_view protocols_file = {});

  // The name for `port`, or an empty view when there is none.
  std::string_view find(ServiceProtocol protocol, uint16_t port) const;

  size_t size() const { return names_.size(); }

 private:
  static uint32_t key(ServiceProtocol protocol, uint16_t port) {
    return (static_cast<uint32_t>(protocol) << 16) | port;
  }
  void add(ServiceProtocol protocol, uint16_t port, std::string_view name);
  void parse_services(std::string_view contents);
  void parse_protocols(std::string_view contents);

  std::unordered_map<uint32_t, std::string> names_;
};

}  // namespace netsnap
