// Pure parsers for NETLINK_SOCK_DIAG dump replies: bytes in, netsnap::Socket values out.
// No I/O here (see sock_diag_client.h), so every branch can be tested on hand-built buffers.
//
// The input is untrusted: every length (nlmsghdr, attribute, fixed struct) is checked against
// the bytes actually present, fields are copied out with memcpy (recv buffers carry no
// alignment promise), and a malformed part is skipped and counted, never read past.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "netsnap/model.h"

namespace netsnap {

// What one recv() buffer of a dump contained. A dump spans many buffers: the caller keeps
// reading until `finished`, summing the counts.
struct SockDiagBatch {
  size_t sockets = 0;        // sockets appended to the output vector
  size_t malformed = 0;      // messages or attributes skipped because a length was wrong
  size_t stale = 0;          // messages of another sequence number (an older dump), skipped
  bool truncated = false;    // a message header claimed more bytes than the buffer holds
  bool finished = false;     // NLMSG_DONE or NLMSG_ERROR arrived: the dump is over
  bool interrupted = false;  // NLM_F_DUMP_INTR: the tables changed while the kernel dumped
  int error = 0;             // errno from NLMSG_ERROR or a failed NLMSG_DONE, 0 if none
};

// Outcome of parsing one message payload (the bytes after the nlmsghdr).
enum class SockDiagMessageStatus : uint8_t {
  ok,                 // socket filled, every attribute well formed
  bad_attribute,      // socket filled from the fixed part, an attribute was malformed
  too_short,          // payload smaller than the fixed struct: nothing filled
  unexpected_family,  // not the address family this message type carries: nothing filled
};

// Fills `socket` (expected default-constructed) from an inet_diag_msg payload plus its
// attributes. `protocol` is the one the dump asked for: inet_diag_msg does not carry it.
SockDiagMessageStatus parse_inet_diag_message(std::span<const uint8_t> payload, Protocol protocol,
                                              Socket& socket);

// Fills `socket` (expected default-constructed) from a unix_diag_msg payload plus its
// attributes.
SockDiagMessageStatus parse_unix_diag_message(std::span<const uint8_t> payload, Socket& socket);

// Parses a buffer of netlink messages as one recv() returned them and appends one Socket per
// SOCK_DIAG_BY_FAMILY message to `out` (a vector reused across snapshots). `protocol` selects
// the message layout: Protocol::unix_ for unix_diag, any other for inet_diag. When
// `expected_seq` is set, messages of another sequence number are skipped as stale. Parsing
// stops at NLMSG_DONE/NLMSG_ERROR or at a header whose length cannot be trusted.
SockDiagBatch parse_sock_diag_batch(std::span<const uint8_t> bytes, Protocol protocol,
                                    std::optional<uint32_t> expected_seq, std::vector<Socket>& out);

// The UNIX socket state /proc/net/unix prints (SS_*) for a socket unix_diag reports with the
// given sk_state. unix_diag only dumps sockets that have an inode, i.e. a live struct socket,
// for which the kernel prints "connected" when established and "unconnected" otherwise.
uint8_t unix_state_from_sk_state(uint8_t sk_state);

}  // namespace netsnap
