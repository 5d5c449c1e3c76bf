// The changeable numeric fields of a socket, numbered as SocketField in netsnap.capnp: the
// delta records name changed fields by these numbers and the socket columns store them in
// this order.
#pragma once

#include <cstdint>

#include "netsnap/model.h"
#include "netsnap/socket_summary.h"

namespace netsnap {

inline constexpr int OWNERS_FIELD = 11;    // a list, encoded apart
inline constexpr int TCP_INFO_PRESENT = 12;
inline constexpr int FIRST_TCP_INFO_FIELD = 13;
inline constexpr int PEER_INODE_FIELD = 10;
inline constexpr int FIELD_COUNT = 26;

// Counters only grow: a delta stores their difference. Every other field is a level (queues,
// timers, rtt...) that often returns to a common value, so a delta stores the new value.
inline bool is_counter_field(int f) { return f == 18 || f == 23 || f == 24; }

// `gated`: a socket without tcp_info reads its tcp_info fields as zero.
uint64_t get_field(const Socket& s, int f, bool gated = true);
void set_field(Socket& s, int f, uint64_t v);
// The same for the fields a summary has (state, queues, tcp_info presence); others are ignored.
// Inline: the summary replay calls it for every value of every delta.
inline void set_field(SocketSummary& s, int f, uint64_t v) {
  switch (f) {
    case 0: s.state = static_cast<uint8_t>(v); break;
    case 1: s.recv_q = static_cast<uint32_t>(v); break;
    case 2: s.send_q = static_cast<uint32_t>(v); break;
    case TCP_INFO_PRESENT: s.has_tcp_info = v != 0; break;
  }
}

// The fields (bit f for field f, OWNERS_FIELD included) whose get_field values differ: the
// mask a delta stores. The same as comparing get_field(a, f) with get_field(b, f) for every f
// (a test holds it to that), without a switch per field: the recorder computes it for every
// socket of every snapshot, and with tcp_info nearly every socket changes every time.
uint64_t changed_fields(const Socket& a, const Socket& b);

}  // namespace netsnap
