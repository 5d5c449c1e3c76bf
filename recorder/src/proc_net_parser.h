// Pure parsers for the /proc/net socket tables (what netstat reads). They take a file's
// contents, never a path, so tests feed string literals and callers choose how to read.
//
// Rows that do not parse are skipped and counted, never fatal: the caller reports the count.
// Only the fixed leading columns are read; the kernel appends columns over time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "netsnap/model.h"

namespace netsnap {

struct ProcNetParseStats {
  size_t sockets = 0;    // sockets appended to the output vector
  size_t malformed = 0;  // lines skipped because they did not parse (headers do not count)
};

// /proc/net/{tcp,tcp6,udp,udp6,raw,raw6}. `family` (AF_INET/AF_INET6) says which width of
// address the rows must carry; `protocol` is what the file lists (tcp, udp, udplite, raw).
// Timer expiry is printed in clock ticks: `ticks_per_second` (sysconf(_SC_CLK_TCK)) converts
// it to milliseconds. Appends to `out`, a vector reused across snapshots.
ProcNetParseStats parse_proc_net_inet(std::string_view contents, uint8_t family, Protocol protocol,
                                      uint32_t ticks_per_second, std::vector<Socket>& out);

// /proc/net/unix: "Num RefCount Protocol Flags Type St Inode [Path]". The path is the rest of
// the line after one space (it may contain spaces); a leading '@' marks an abstract name and
// becomes the NUL byte the kernel really has. A path containing a newline continues on the
// next line: such a continuation is joined back rather than counted as malformed.
ProcNetParseStats parse_proc_net_unix(std::string_view contents, std::vector<Socket>& out);

// How many sockets a capture of this namespace will find, from /proc/net/sockstat: every
// socket ("sockets: used") plus TCP's TIME_WAIT ones (not full sockets, not in "used").
// 0 when the text has neither line. Sizes the capture's array once, before the first dump,
// so that it never holds the grown array and the old one together (1.8x at 100,000 sockets).
size_t parse_sockstat_socket_estimate(std::string_view sockstat);

}  // namespace netsnap
