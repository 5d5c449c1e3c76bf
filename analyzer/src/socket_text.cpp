#include "socket_text.h"

#include <arpa/inet.h>

#include <charconv>

namespace netsnap {

bool is_ipv4_mapped(const Endpoint& endpoint) {
  const auto& a = endpoint.address;
  for (size_t i = 0; i < 10; ++i) {
    if (a[i] != 0) return false;
  }
  return a[10] == 0xff && a[11] == 0xff;
}

bool is_unspecified_address(const Endpoint& endpoint, uint8_t family) {
  const size_t length = family == family_inet ? 4 : 16;
  for (size_t i = 0; i < length; ++i) {
    if (endpoint.address[i] != 0) return false;
  }
  return true;
}

void append_numeric_address(std::string& out, const Endpoint& endpoint, uint8_t family) {
  char text[INET6_ADDRSTRLEN];
  const uint8_t* bytes = endpoint.address.data();
  int text_family = AF_INET6;
  if (family == family_inet) {
    text_family = AF_INET;
  } else if (is_ipv4_mapped(endpoint)) {
    text_family = AF_INET;
    bytes += 12;
  }
  if (inet_ntop(text_family, bytes, text, sizeof text) == nullptr) {
    out.append("?");  // cannot happen with these buffer sizes; never print garbage
    return;
  }
  out.append(text);
}

std::string_view tcp_state_name(uint8_t state) {
  switch (state) {
    case tcp_state::established: return "ESTABLISHED";
    case tcp_state::syn_sent: return "SYN_SENT";
    case tcp_state::syn_recv: return "SYN_RECV";
    case tcp_state::fin_wait1: return "FIN_WAIT1";
    case tcp_state::fin_wait2: return "FIN_WAIT2";
    case tcp_state::time_wait: return "TIME_WAIT";
    case tcp_state::close: return "CLOSE";
    case tcp_state::close_wait: return "CLOSE_WAIT";
    case tcp_state::last_ack: return "LAST_ACK";
    case tcp_state::listen: return "LISTEN";
    case tcp_state::closing: return "CLOSING";
    case tcp_state::new_syn_recv: return "SYN_RECV";
    default: return "UNKNOWN";
  }
}

std::string_view udp_state_name(uint8_t state) {
  if (state == tcp_state::established) return "ESTABLISHED";
  if (state == tcp_state::close) return "";
  return "UNKNOWN";
}

std::string_view unix_type_name(uint8_t unix_type) {
  switch (unix_type) {
    case 1: return "STREAM";
    case 2: return "DGRAM";
    case 3: return "RAW";
    case 4: return "RDM";
    case 5: return "SEQPACKET";
    default: return "UNKNOWN";
  }
}

std::string_view unix_state_name(uint8_t state, uint32_t unix_flags) {
  switch (state) {
    case 0: return "FREE";
    case unix_state::unconnected:
      return (unix_flags & unix_flag_accepting) != 0 ? "LISTENING" : "";
    case unix_state::connecting: return "CONNECTING";
    case unix_state::connected: return "CONNECTED";
    case unix_state::disconnecting: return "DISCONNECTING";
    default: return "UNKNOWN";
  }
}

bool is_unix_listener(const Socket& socket) {
  return socket.state == unix_state::unconnected && (socket.unix_flags & unix_flag_accepting) != 0;
}

void append_decimal(std::string& out, uint64_t value) {
  char text[24];
  const auto result = std::to_chars(text, text + sizeof text, value);
  out.append(text, result.ptr);
}

void append_decimal_signed(std::string& out, int64_t value) {
  char text[24];
  const auto result = std::to_chars(text, text + sizeof text, value);
  out.append(text, result.ptr);
}

void pad_from(std::string& out, size_t start, size_t width) {
  const size_t length = out.size() - start;
  if (length < width) out.append(width - length, ' ');
}

void append_left(std::string& out, std::string_view text, size_t width) {
  const size_t start = out.size();
  out.append(text);
  pad_from(out, start, width);
}

void append_right(std::string& out, uint64_t value, size_t width) {
  char text[24];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  const auto length = static_cast<size_t>(end - text);
  if (length < width) out.append(width - length, ' ');
  out.append(text, end);
}

void append_left_number(std::string& out, int64_t value, size_t width) {
  const size_t start = out.size();
  append_decimal_signed(out, value);
  pad_from(out, start, width);
}

}  // namespace netsnap
