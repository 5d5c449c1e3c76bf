// Text for socket fields, spelled the way the classic tools (netstat, /proc) spell them. Shared
// by every renderer so that one state name or address form can never differ between views.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "netsnap/model.h"

namespace netsnap {

inline constexpr uint8_t family_inet = 2;    // AF_INET
inline constexpr uint8_t family_inet6 = 10;  // AF_INET6
inline constexpr uint8_t family_unix = 1;    // AF_UNIX

// ::ffff:a.b.c.d, an IPv4 peer of a dual-stack IPv6 socket.
bool is_ipv4_mapped(const Endpoint& endpoint);

// The address is all zeros (0.0.0.0 or ::) for its family.
bool is_unspecified_address(const Endpoint& endpoint, uint8_t family);

// Appends the address in numeric form: dotted quad for IPv4, inet_ntop's RFC 5952 text for
// IPv6, and a v4-mapped IPv6 address as its dotted IPv4 part (net-tools' fix_v4_address). The
// scope id is not shown (/proc does not have it, so neither does netstat).
void append_numeric_address(std::string& out, const Endpoint& endpoint, uint8_t family);

// The TCP state as netstat names it ("ESTABLISHED", "SYN_RECV", ...); a request socket
// (TCP_NEW_SYN_RECV, which /proc reports as SYN_RECV) is "SYN_RECV". Unknown: "UNKNOWN".
std::string_view tcp_state_name(uint8_t state);

// A UDP (or UDP-Lite) socket's State column: "ESTABLISHED" when connected, blank when not
// (TCP_CLOSE), "UNKNOWN" otherwise.
std::string_view udp_state_name(uint8_t state);

// UNIX socket type ("STREAM", "DGRAM", "RAW", "RDM", "SEQPACKET", else "UNKNOWN").
std::string_view unix_type_name(uint8_t unix_type);

// UNIX socket state as netstat words it: an unconnected socket with the accepting flag is
// "LISTENING", an unconnected one without it is blank; then "CONNECTING", "CONNECTED",
// "DISCONNECTING"; 0 is "FREE"; anything else "UNKNOWN".
std::string_view unix_state_name(uint8_t state, uint32_t unix_flags);

// A listening UNIX socket: unconnected and accepting (netstat's -l test for UNIX rows).
bool is_unix_listener(const Socket& socket);

// Appends `value` in decimal.
void append_decimal(std::string& out, uint64_t value);
void append_decimal_signed(std::string& out, int64_t value);

// printf-style columns, appended to a reused string without temporaries. Widths count bytes,
// as printf does.
// "%-*s" for text appended since `start`: pads with spaces up to `width`.
void pad_from(std::string& out, size_t start, size_t width);
// "%-*s"
void append_left(std::string& out, std::string_view text, size_t width);
// "%*lu"
void append_right(std::string& out, uint64_t value, size_t width);
// "%-*ld"
void append_left_number(std::string& out, int64_t value, size_t width);

}  // namespace netsnap
