#include "proc_net_parser.h"

#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>

namespace netsnap {
namespace {

// Hands out the space-separated fields of one line as views into it: no allocation.
class FieldReader {
 public:
  explicit FieldReader(std::string_view line) : rest_(line) {}

  std::string_view next() {
    const size_t start = rest_.find_first_not_of(' ');
    if (start == std::string_view::npos) {
      rest_ = {};
      return {};
    }
    rest_.remove_prefix(start);
    const std::string_view field = rest_.substr(0, rest_.find(' '));
    rest_.remove_prefix(field.size());
    return field;
  }

  // Whatever follows the last field handed out, separators included.
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

// Calls visit(line) for every line. A final newline ends the last line rather than starting
// an empty one; an empty line between two newlines is passed on (a unix path may end in one).
template <class Visit>
void for_each_line(std::string_view contents, Visit&& visit) {
  size_t position = 0;
  while (position < contents.size()) {
    const size_t newline = contents.find('\n', position);
    const size_t end = newline == std::string_view::npos ? contents.size() : newline;
    visit(contents.substr(position, end - position));
    position = end + 1;
  }
}

// The whole field must be a number in range: "12x", "-1" (unsigned) and "" are rejected.
template <class T>
bool parse_number(std::string_view text, int base, T& value) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  return error == std::errc() && end == text.data() + text.size();
}

bool split_at_colon(std::string_view text, std::string_view& first, std::string_view& second) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  first = text.substr(0, colon);
  second = text.substr(colon + 1);
  return true;
}

// "sl" or "Num" style slot field: a number followed by a colon.
bool is_slot_field(std::string_view field, int base) {
  if (field.size() < 2 || field.back() != ':') return false;
  uint64_t slot = 0;
  return parse_number(field.substr(0, field.size() - 1), base, slot);
}

bool parse_address(std::string_view hex, uint8_t family, std::array<uint8_t, 16>& address) {
  const size_t words = family == AF_INET ? 1 : 4;
  if (hex.size() != words * 8) return false;
  for (size_t i = 0; i < words; ++i) {
    uint32_t word = 0;
    if (!parse_number(hex.substr(i * 8, 8), 16, word)) return false;
    // The kernel prints each 32-bit word as the integer it loads from memory, i.e. in host
    // byte order; storing that integer back natively restores the network-order bytes.
    std::memcpy(address.data() + i * 4, &word, sizeof word);
  }
  return true;
}

bool parse_endpoint(std::string_view text, uint8_t family, Endpoint& endpoint) {
  std::string_view address, port;
  return split_at_colon(text, address, port) && parse_address(address, family, endpoint.address) &&
         parse_number(port, 16, endpoint.port);
}

template <class T>
T clamp_to(uint64_t value) {
  return static_cast<T>(std::min<uint64_t>(value, std::numeric_limits<T>::max()));
}

uint32_t ticks_to_ms(uint64_t ticks, uint32_t ticks_per_second) {
  if (ticks_per_second == 0) ticks_per_second = 100;  // USER_HZ on every Linux architecture
  const uint64_t whole_seconds = ticks / ticks_per_second;
  const uint64_t rest_ms = ticks % ticks_per_second * 1000 / ticks_per_second;
  if (whole_seconds > std::numeric_limits<uint32_t>::max() / 1000) {
    return std::numeric_limits<uint32_t>::max();
  }
  return clamp_to<uint32_t>(whole_seconds * 1000 + rest_ms);
}

// "sl local rem st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ..."
bool parse_inet_row(std::string_view line, uint8_t family, Protocol protocol,
                    uint32_t ticks_per_second, Socket& socket) {
  FieldReader fields(line);
  if (!is_slot_field(fields.next(), 10)) return false;
  if (!parse_endpoint(fields.next(), family, socket.local)) return false;
  if (!parse_endpoint(fields.next(), family, socket.remote)) return false;

  uint32_t state = 0, tx_queue = 0, rx_queue = 0, timer = 0, retransmits = 0, uid = 0;
  uint64_t when = 0, inode = 0;
  int64_t probes = 0;
  std::string_view first, second;
  if (!parse_number(fields.next(), 16, state) || state > 0xff) return false;
  if (!split_at_colon(fields.next(), first, second) || !parse_number(first, 16, tx_queue) ||
      !parse_number(second, 16, rx_queue)) {
    return false;
  }
  if (!split_at_colon(fields.next(), first, second) || !parse_number(first, 16, timer) ||
      timer > 0xff || !parse_number(second, 16, when)) {
    return false;
  }
  if (!parse_number(fields.next(), 16, retransmits)) return false;
  if (!parse_number(fields.next(), 10, uid)) return false;
  if (!parse_number(fields.next(), 10, probes) || probes < 0) return false;
  if (!parse_number(fields.next(), 10, inode)) return false;

  socket.family = family;
  socket.protocol = protocol;
  socket.state = static_cast<uint8_t>(state);
  socket.send_q = tx_queue;
  socket.recv_q = rx_queue;
  socket.timer = static_cast<uint8_t>(timer);
  socket.timer_expires_ms = timer == 0 ? 0 : ticks_to_ms(when, ticks_per_second);
  socket.retransmits = clamp_to<uint8_t>(retransmits);
  socket.uid = uid;
  socket.probes = clamp_to<uint8_t>(static_cast<uint64_t>(probes));
  socket.inode = inode;
  // A raw socket's "port" is the IP protocol it was opened for (inet_num).
  if (protocol == Protocol::raw) socket.raw_protocol = socket.local.port;
  return true;
}

// "Num RefCount Protocol Flags Type St Inode [Path]", all hex except the inode.
bool parse_unix_row(std::string_view line, Socket& socket) {
  FieldReader fields(line);
  uint32_t ref_count = 0, protocol = 0, flags = 0, type = 0, state = 0;
  uint64_t inode = 0;
  if (!is_slot_field(fields.next(), 16)) return false;
  if (!parse_number(fields.next(), 16, ref_count)) return false;
  if (!parse_number(fields.next(), 16, protocol)) return false;
  if (!parse_number(fields.next(), 16, flags)) return false;
  if (!parse_number(fields.next(), 16, type) || type > 0xff) return false;
  if (!parse_number(fields.next(), 16, state) || state > 0xff) return false;
  if (!parse_number(fields.next(), 10, inode)) return false;

  socket.family = AF_UNIX;
  socket.protocol = Protocol::unix_;
  socket.ref_count = ref_count;
  socket.unix_flags = flags;
  socket.unix_type = static_cast<uint8_t>(type);
  socket.state = static_cast<uint8_t>(state);
  socket.inode = inode;
  // The kernel writes one space, then the name byte for byte: everything after that space
  // is the name, spaces included.
  const std::string_view rest = fields.rest();
  if (!rest.empty()) {
    if (rest.front() != ' ') return false;
    std::string name(rest.substr(1));
    // Abstract names begin with NUL, which /proc prints as '@'. (NULs inside an abstract name
    // are printed as '@' too and cannot be told from a real '@'; netlink has the true bytes.)
    if (!name.empty() && name.front() == '@') name[0] = '\0';
    socket.unix_path = name;
  }
  return true;
}

bool is_header(std::string_view line, std::string_view first_title) {
  return FieldReader(line).next() == first_title;
}

}  // namespace

ProcNetParseStats parse_proc_net_inet(std::string_view contents, uint8_t family, Protocol protocol,
                                      uint32_t ticks_per_second, std::vector<Socket>& out) {
  ProcNetParseStats stats;
  if (family != AF_INET && family != AF_INET6) {
    // Nothing can parse without a known address width; treat every row as malformed.
    for_each_line(contents, [&](std::string_view line) {
      if (!line.empty() && !is_header(line, "sl")) ++stats.malformed;
    });
    return stats;
  }
  for_each_line(contents, [&](std::string_view line) {
    if (line.find_first_not_of(' ') == std::string_view::npos || is_header(line, "sl")) return;
    Socket& socket = out.emplace_back();
    if (parse_inet_row(line, family, protocol, ticks_per_second, socket)) {
      ++stats.sockets;
    } else {
      out.pop_back();
      ++stats.malformed;
    }
  });
  return stats;
}

ProcNetParseStats parse_proc_net_unix(std::string_view contents, std::vector<Socket>& out) {
  ProcNetParseStats stats;
  // Index in `out` of the row parsed from the previous line when it has a name: a line that
  // does not parse right after it is the rest of a name that contained a newline.
  constexpr size_t none = std::numeric_limits<size_t>::max();
  size_t previous_named = none;
  for_each_line(contents, [&](std::string_view line) {
    if (is_header(line, "Num")) {
      previous_named = none;
      return;
    }
    Socket& socket = out.emplace_back();
    if (parse_unix_row(line, socket)) {
      ++stats.sockets;
      previous_named = socket.unix_path.empty() ? none : out.size() - 1;
      return;
    }
    out.pop_back();
    if (previous_named != none) {
      UnixPath& path = out[previous_named].unix_path;
      path = path.str().append(1, '\n').append(line);
    } else if (!line.empty()) {
      ++stats.malformed;
    }
  });
  return stats;
}

size_t parse_sockstat_socket_estimate(std::string_view sockstat) {
  // "sockets: used 312" and "TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1": the number after a
  // given word of a given line.
  const auto value_after = [&](std::string_view line_start, std::string_view word) -> size_t {
    for (size_t at = 0; at < sockstat.size();) {
      size_t end = sockstat.find('\n', at);
      if (end == std::string_view::npos) end = sockstat.size();
      const std::string_view line = sockstat.substr(at, end - at);
      at = end + 1;
      if (line.substr(0, line_start.size()) != line_start) continue;
      const size_t found = line.find(word);
      if (found == std::string_view::npos) return 0;
      size_t value = 0;
      for (size_t i = found + word.size(); i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i)
        if (value < (size_t{1} << 40)) value = value * 10 + static_cast<size_t>(line[i] - '0');
      return value;
    }
    return 0;
  };
  const size_t used = value_after("sockets:", " used ");
  const size_t time_wait = value_after("TCP:", " tw ");
  // A damaged file must not make the recorder reserve gigabytes up front: beyond 4 million
  // sockets (1 GB of array) the array grows as it fills, as it does without an estimate.
  constexpr size_t most = 4'000'000;
  return used + time_wait > most ? 0 : used + time_wait;
}

}  // namespace netsnap
