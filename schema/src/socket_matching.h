// Which socket of one snapshot is which socket of the next. Identity is everything that cannot
// change while a socket lives (family, protocol, addresses, ports, inode, cookie, UNIX type and
// name); sockets equal in all of these (e.g. several not-yet-accepted UNIX connections) are
// paired in order.
#pragma once

#include <cstdint>
#include <vector>

#include "netsnap/model.h"

namespace netsnap {

bool same_identity(const Socket& a, const Socket& b);
uint64_t identity_hash(const Socket& s);

// For each socket of `current`, the index of the same socket in `previous`, or -1 when new.
// Reuses `previous_of` and `scratch` between calls (no allocation once they are large enough).
class SocketMatcher {
 public:
  void match(const std::vector<Socket>& previous, const std::vector<Socket>& current,
             std::vector<int32_t>& previous_of);

 private:
  void build(const std::vector<Socket>& previous);

  std::vector<uint32_t> bucket_head_;  // open hash table of previous indices + 1 (0 = empty)
  std::vector<uint32_t> chain_next_;   // next previous index + 1 with the same bucket
  std::vector<uint8_t> taken_;
};

}  // namespace netsnap
