#include "socket_capture_merge.h"

#include <algorithm>
#include <bit>

#include "netsnap/cache_prefetch.h"

namespace netsnap {
namespace {

constexpr size_t lookahead = 16;  // sockets ahead whose hash slot is prefetched

bool same_socket(const Socket& a, const Socket& b) {
  return a.cookie == b.cookie && a.protocol == b.protocol && a.family == b.family;
}

// Cookies are a kernel counter: a multiplicative hash spreads consecutive ones. Its high half
// picks the slot; its low half, a bijection of the key's low 32 bits, is kept in the slot as a
// tag, so that a probe past another socket's slot rarely has to read that socket (a random
// place in a 23 MB array at 100,000 sockets).
uint64_t cookie_hash(const Socket& s) {
  const uint64_t key = s.cookie ^ (uint64_t(s.family) << 56) ^ (uint64_t(s.protocol) << 48);
  return key * 0x9E3779B97F4A7C15ULL;
}
size_t slot_of(uint64_t hash, size_t mask) { return static_cast<size_t>(hash >> 32) & mask; }
uint64_t tag_of(uint64_t hash) { return hash << 32; }

}  // namespace

UnixMergeStats merge_proc_unix(std::vector<Socket>& sockets, size_t unix_begin, size_t unix_end,
                               std::vector<Socket>& proc_rows,
                               std::vector<std::pair<uint64_t, uint32_t>>& by_inode) {
  UnixMergeStats stats;
  unix_end = std::min(unix_end, sockets.size());
  unix_begin = std::min(unix_begin, unix_end);
  // An index sorted by inode, not the sockets themselves: they keep the dump's order.
  by_inode.clear();
  for (size_t i = unix_begin; i < unix_end; ++i)
    by_inode.emplace_back(sockets[i].inode, static_cast<uint32_t>(i));
  std::sort(by_inode.begin(), by_inode.end());

  for (Socket& row : proc_rows) {
    if (row.inode != 0) {
      const auto match = std::lower_bound(by_inode.begin(), by_inode.end(),
                                          std::pair<uint64_t, uint32_t>{row.inode, 0});
      if (match != by_inode.end() && match->first == row.inode) {
        // A socket a dump reported twice gets it on both copies, so deduplication may keep
        // either.
        // St is /proc's by definition (schema: "as /proc/net/unix prints it"); netlink only
        // has sk_state, which older kernels did not map to St the same way.
        for (auto it = match; it != by_inode.end() && it->first == row.inode; ++it) {
          Socket& socket = sockets[it->second];
          socket.ref_count = row.ref_count;
          socket.state = row.state;
        }
        ++stats.ref_counts_filled;
        continue;
      }
    }
    // Inode 0 (not yet accepted, orphaned), or created between the dump and the file read.
    sockets.push_back(std::move(row));
    ++stats.added;
  }
  return stats;
}

size_t remove_duplicate_sockets(std::vector<Socket>& sockets) {
  const size_t size = std::bit_ceil(sockets.size() * 2 + 2);
  // Open addressing: socket index + 1 in the low half, a tag of its hash in the high half;
  // 0 = empty.
  std::vector<uint64_t> slots(size, 0);
  const size_t mask = size - 1;
  size_t removed = 0;
  size_t kept = 0;
  for (size_t i = 0; i < sockets.size(); ++i) {
    // The table is larger than the caches at 100,000 sockets and each socket's slot is random:
    // start loading the slot of a socket some places ahead (sockets are read in order).
    if (i + lookahead < sockets.size() && sockets[i + lookahead].cookie != 0)
      prefetch_object(&slots[slot_of(cookie_hash(sockets[i + lookahead]), mask)],
                      sizeof(uint64_t));
    bool duplicate = false;
    if (sockets[i].cookie != 0) {
      const uint64_t hash = cookie_hash(sockets[i]);
      const uint64_t tag = tag_of(hash);
      for (size_t slot = slot_of(hash, mask);; slot = (slot + 1) & mask) {
        const uint64_t held = slots[slot];
        if (held == 0) {
          slots[slot] = tag | (kept + 1);  // where the socket will be
          break;
        }
        if ((held & ~uint64_t{UINT32_MAX}) == tag &&
            same_socket(sockets[(held & UINT32_MAX) - 1], sockets[i])) {
          duplicate = true;
          break;
        }
      }
    }
    if (duplicate) {
      ++removed;
      continue;
    }
    // Nothing moves until the first duplicate (a dump rarely has one).
    if (kept != i) sockets[kept] = std::move(sockets[i]);
    ++kept;
  }
  sockets.resize(kept);
  return removed;
}

}  // namespace netsnap
