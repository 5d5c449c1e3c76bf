// The reader's caps on counts taken from a recording, beyond the byte bounds of frame.h: a
// recording is untrusted input, and a count is checked against these before anything is
// reserved for it. Each is far above what a real host records (a busy host has 10^5 sockets
// and 10^4 processes) and far below what would exhaust memory. Other lists (counters, command
// line arguments, users) are bounded by Cap'n Proto's traversal limit (record_codec.h): a
// reader never visits more than twice a message's words. README.md "Limits" lists them all.
#pragma once

#include <cstdint>
#include <string>

namespace netsnap {

inline constexpr uint64_t MAX_NAMESPACES = 1u << 16;              // 65,536 per snapshot
inline constexpr uint64_t MAX_SOCKETS_PER_NAMESPACE = 1u << 24;   // 16,777,216
inline constexpr uint64_t MAX_OWNERS_PER_SOCKET = 1u << 16;       // 65,536 pids
inline constexpr uint64_t MAX_PROCESSES = 1u << 22;               // 4,194,304
inline constexpr uint64_t MAX_NAME_BYTES = 4096;                  // an address or UNIX name

// 3000000000 -> "3,000,000,000": limits are read by people.
inline std::string with_thousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// "3,000,000,000 sockets exceeds the limit of 16,777,216"
inline std::string over_limit(uint64_t count, const char* what, uint64_t limit) {
  return with_thousands(count) + " " + what + " exceeds the limit of " + with_thousands(limit);
}

}  // namespace netsnap
