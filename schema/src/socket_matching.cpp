#include "socket_matching.h"

#include <bit>
#include <cstring>

namespace netsnap {
namespace {

uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h;
}

uint64_t hash_bytes(const void* data, size_t n) {
  // FNV-1a: identity bytes are short (addresses, UNIX names).
  uint64_t h = 1469598103934665603ull;
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

uint64_t endpoint_hash(const Endpoint& e) {
  uint64_t a, b;
  std::memcpy(&a, e.address.data(), 8);
  std::memcpy(&b, e.address.data() + 8, 8);
  return mix(mix(mix(a, b), e.port), e.scope_id);
}

}  // namespace

bool same_identity(const Socket& a, const Socket& b) {
  return a.cookie == b.cookie && a.inode == b.inode && a.family == b.family &&
         a.protocol == b.protocol && a.local == b.local && a.remote == b.remote &&
         a.unix_type == b.unix_type && a.raw_protocol == b.raw_protocol &&
         a.unix_path == b.unix_path;
}

uint64_t identity_hash(const Socket& s) {
  uint64_t h = mix(s.cookie, s.inode);
  h = mix(h, uint64_t(s.family) << 16 | uint64_t(s.protocol) << 8 | s.unix_type);
  h = mix(h, endpoint_hash(s.local));
  h = mix(h, endpoint_hash(s.remote));
  h = mix(h, s.raw_protocol);
  if (!s.unix_path.empty()) h = mix(h, hash_bytes(s.unix_path.data(), s.unix_path.size()));
  return h;
}

void SocketMatcher::match(const std::vector<Socket>& previous, const std::vector<Socket>& current,
                          std::vector<int32_t>& previous_of) {
  taken_.assign(previous.size(), 0);
  previous_of.assign(current.size(), -1);
  // A recorder's captures list the sockets in the kernel's order, which hardly changes between
  // snapshots: the socket after the last one matched is tried first, and the hash table is
  // only built for the first socket found elsewhere (a quiet snapshot never builds it).
  bool built = false;
  size_t next = 0;
  for (size_t c = 0; c < current.size(); ++c) {
    if (next < previous.size() && !taken_[next] && same_identity(previous[next], current[c])) {
      taken_[next] = 1;
      previous_of[c] = static_cast<int32_t>(next++);
      continue;
    }
    if (!built) {
      build(previous);
      built = true;
    }
    const size_t b = identity_hash(current[c]) & (bucket_head_.size() - 1);
    for (uint32_t p = bucket_head_[b]; p != 0; p = chain_next_[p - 1]) {
      if (!taken_[p - 1] && same_identity(previous[p - 1], current[c])) {
        taken_[p - 1] = 1;
        previous_of[c] = static_cast<int32_t>(p - 1);
        next = p;
        break;
      }
    }
  }
}

void SocketMatcher::build(const std::vector<Socket>& previous) {
  const size_t buckets = std::bit_ceil(previous.size() * 2 + 1);
  bucket_head_.assign(buckets, 0);
  chain_next_.assign(previous.size(), 0);
  // Insert in reverse so each chain lists equal sockets in their original order.
  for (size_t i = previous.size(); i-- > 0;) {
    const size_t b = identity_hash(previous[i]) & (buckets - 1);
    chain_next_[i] = bucket_head_[b];
    bucket_head_[b] = static_cast<uint32_t>(i + 1);
  }
}

}  // namespace netsnap
