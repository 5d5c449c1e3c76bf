#include "service_names.h"

#include <charconv>

#include "text_escape.h"

namespace netsnap {
namespace {

// netstat copies a name into a 64-byte buffer (lib/inet.c get_sname): longer names are cut.
constexpr size_t max_name_length = 63;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// Splits `contents` into lines and calls `on_fields` with each line's fields, the comment
// ('#' to the end of the line) removed. At most `Max` fields are collected per line.
template <size_t Max, class OnFields>
void for_each_line_fields(std::string_view contents, OnFields on_fields) {
  size_t line_start = 0;
  while (line_start < contents.size()) {
    size_t line_end = contents.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = contents.size();
    std::string_view line = contents.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    line = line.substr(0, line.find('#'));

    std::string_view fields[Max];
    size_t count = 0;
    size_t i = 0;
    while (count < Max) {
      while (i < line.size() && is_space(line[i])) ++i;
      if (i == line.size()) break;
      const size_t start = i;
      while (i < line.size() && !is_space(line[i])) ++i;
      fields[count++] = line.substr(start, i - start);
    }
    on_fields(fields, count);
  }
}

// A decimal number that fits a port: digits only, like the entries every real file holds.
bool parse_port(std::string_view text, uint16_t& port) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value > 0xffff) return false;
  port = static_cast<uint16_t>(value);
  return true;
}

}  // namespace

ServiceNames ServiceNames::parse(std::string_view services_file, std::string_view protocols_file) {
  ServiceNames names;
  names.parse_services(services_file);
  names.parse_protocols(protocols_file);
  return names;
}

std::string_view ServiceNames::find(ServiceProtocol protocol, uint16_t port) const {
  const auto it = names_.find(key(protocol, port));
  return it == names_.end() ? std::string_view() : std::string_view(it->second);
}

void ServiceNames::add(ServiceProtocol protocol, uint16_t port, std::string_view name) {
  std::string text;
  append_escaped(text, name.substr(0, max_name_length));
  names_.insert_or_assign(key(protocol, port), std::move(text));  // the last entry wins
}

// Lines like "ssh  22/tcp  # SSH Remote Login Protocol"; aliases are ignored (netstat shows
// the official name only).
void ServiceNames::parse_services(std::string_view contents) {
  for_each_line_fields<2>(contents, [&](const std::string_view* fields, size_t count) {
    if (count < 2) return;
    const std::string_view port_and_protocol = fields[1];
    const size_t slash = port_and_protocol.find('/');
    if (slash == std::string_view::npos) return;
    uint16_t port = 0;
    if (!parse_port(port_and_protocol.substr(0, slash), port)) return;
    const std::string_view protocol = port_and_protocol.substr(slash + 1);
    if (protocol == "tcp") {
      add(ServiceProtocol::tcp, port, fields[0]);
    } else if (protocol == "udp") {
      add(ServiceProtocol::udp, port, fields[0]);
    } else if (protocol == "raw") {
      add(ServiceProtocol::raw, port, fields[0]);
    }  // sctp, ddp, dccp: netstat drops them too
  });
}

// Lines like "icmp  1  ICMP  # internet control message protocol".
void ServiceNames::parse_protocols(std::string_view contents) {
  for_each_line_fields<2>(contents, [&](const std::string_view* fields, size_t count) {
    if (count < 2) return;
    uint16_t number = 0;
    if (!parse_port(fields[1], number)) return;
    add(ServiceProtocol::raw, number, fields[0]);
  });
}

}  // namespace netsnap
