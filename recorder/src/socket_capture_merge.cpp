#include "socket_capture_merge.h"

#include <algorithm>
#include <bit>

namespace netsnap {
namespace {

bool same_socket(const Socket& a, const Socket& b) {
  return a.cookie == b.cookie && a.protocol == b.protocol && a.family == b.family;
}

uint64_t cookie_hash(const Socket& s) {
  // Cookies are a kernel counter: a multiplicative hash spreads consecutive ones.
  const uint64_t key = s.cookie ^ (uint64_t(s.family) << 56) ^ (uint64_t(s.protocol) << 48);
  return (key * 0x9E3779B97F4A7C15ULL) >> 32;
}

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

size_t DuplicateSocketRemover::remove(std::vector<Socket>& sockets) {
  const size_t size = std::bit_ceil(sockets.size() * 2 + 2);
  slots_.assign(size, 0);
  const size_t mask = size - 1;
  size_t removed = 0;
  size_t kept = 0;
  for (size_t i = 0; i < sockets.size(); ++i) {
    bool duplicate = false;
    if (sockets[i].cookie != 0) {
      for (size_t slot = cookie_hash(sockets[i]) & mask;; slot = (slot + 1) & mask) {
        if (slots_[slot] == 0) {
          slots_[slot] = static_cast<uint32_t>(kept + 1);  // where the socket will be
          break;
        }
        if (same_socket(sockets[slots_[slot] - 1], sockets[i])) {
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
