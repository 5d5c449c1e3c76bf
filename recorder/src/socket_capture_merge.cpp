#include "socket_capture_merge.h"

#include <algorithm>
#include <iterator>
#include <tuple>

namespace netsnap {
namespace {

auto order_key(const Socket& s) {
  return std::tie(s.protocol, s.family, s.cookie, s.inode, s.local.address, s.local.port,
                  s.remote.address, s.remote.port, s.unix_path, s.local.scope_id, s.remote.scope_id,
                  s.unix_type, s.peer_inode, s.state, s.unix_flags, s.ref_count, s.recv_q, s.send_q,
                  s.uid, s.timer);
}

bool inode_less(const Socket& a, const Socket& b) { return a.inode < b.inode; }

}  // namespace

UnixMergeStats merge_proc_unix(std::vector<Socket>& sockets, size_t unix_begin, size_t unix_end,
                               std::vector<Socket>& proc_rows) {
  UnixMergeStats stats;
  unix_end = std::min(unix_end, sockets.size());
  unix_begin = std::min(unix_begin, unix_end);
  const auto offset = [](size_t index) { return static_cast<std::ptrdiff_t>(index); };
  std::sort(sockets.begin() + offset(unix_begin), sockets.begin() + offset(unix_end), inode_less);

  for (Socket& row : proc_rows) {
    if (row.inode != 0) {
      // Iterators are taken afresh: appending below may reallocate the vector.
      const auto first = sockets.begin() + offset(unix_begin);
      const auto last = sockets.begin() + offset(unix_end);
      const auto [match, match_end] = std::equal_range(first, last, row, inode_less);
      if (match != match_end) {
        // A socket a dump reported twice gets it on both copies, so deduplication may keep
        // either.
        // St is /proc's by definition (schema: "as /proc/net/unix prints it"); netlink only
        // has sk_state, which older kernels did not map to St the same way.
        for (auto it = match; it != match_end; ++it) {
          it->ref_count = row.ref_count;
          it->state = row.state;
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

bool socket_order_less(const Socket& a, const Socket& b) { return order_key(a) < order_key(b); }

void sort_sockets(std::vector<Socket>& sockets) {
  // Sorting 100,000 sockets of ~250 bytes moves megabytes around many times over: sort small
  // (protocol, family, cookie, index) entries instead, comparing whole sockets only on ties
  // (no cookie: /proc), then move each socket once into its place.
  struct Entry {
    uint32_t kind;  // protocol and family, as order_key ranks them
    uint32_t index;
    uint64_t cookie;
  };
  std::vector<Entry> entries(sockets.size());
  for (size_t i = 0; i < sockets.size(); ++i) {
    const Socket& s = sockets[i];
    entries[i] = {static_cast<uint32_t>(s.protocol) << 8 | s.family, static_cast<uint32_t>(i),
                  s.cookie};
  }
  std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.cookie != b.cookie) return a.cookie < b.cookie;
    return socket_order_less(sockets[a.index], sockets[b.index]);
  });
  // Apply the permutation in place, cycle by cycle: sockets[i] takes sockets[entries[i].index].
  std::vector<bool> placed(sockets.size(), false);
  for (size_t start = 0; start < sockets.size(); ++start) {
    if (placed[start] || entries[start].index == start) continue;
    Socket held = std::move(sockets[start]);
    size_t at = start;
    while (true) {
      placed[at] = true;
      const size_t from = entries[at].index;
      if (from == start) {
        sockets[at] = std::move(held);
        break;
      }
      sockets[at] = std::move(sockets[from]);
      at = from;
    }
  }
}

size_t remove_duplicate_sockets(std::vector<Socket>& sockets) {
  const auto same_socket = [](const Socket& a, const Socket& b) {
    return a.cookie != 0 && a.cookie == b.cookie && a.protocol == b.protocol &&
           a.family == b.family;
  };
  const auto new_end = std::unique(sockets.begin(), sockets.end(), same_socket);
  const auto removed = static_cast<size_t>(std::distance(new_end, sockets.end()));
  sockets.erase(new_end, sockets.end());
  return removed;
}

}  // namespace netsnap
