// Steps that turn the raw output of several dumps and files into one snapshot's socket list:
// joining /proc/net/unix into unix_diag's answer, a deterministic order, and removing the
// duplicates a non-atomic dump can produce. Pure functions on vectors, tested without a kernel.
#pragma once

#include <cstddef>
#include <vector>

#include "netsnap/model.h"

namespace netsnap {

struct UnixMergeStats {
  size_t ref_counts_filled = 0;  // netlink sockets that got their RefCount from /proc
  size_t added = 0;              // /proc rows unix_diag did not report, appended
};

// unix_diag reports neither RefCount nor sockets without an inode (connections waiting in a
// listener's queue, orphans). Joins `proc_rows` (parsed /proc/net/unix) to the netlink UNIX
// sockets at sockets[unix_begin, unix_end) on inode: matches get their ref_count and St, rows with
// inode 0 or no match are moved to the end of `sockets`. Reorders that range by inode and
// leaves `proc_rows` moved-from; call sort_sockets() afterwards.
UnixMergeStats merge_proc_unix(std::vector<Socket>& sockets, size_t unix_begin, size_t unix_end,
                               std::vector<Socket>& proc_rows);

// The snapshot order: protocol, family, then identity (cookie, inode, addresses, ports, name),
// then the remaining fields as tie-breaks. Mutable fields (state, queues) come last so a
// socket changing state keeps its place between snapshots: the format stores deltas by
// position, and a stable order is what keeps them small.
bool socket_order_less(const Socket& a, const Socket& b);
void sort_sockets(std::vector<Socket>& sockets);

// In a sorted vector, removes later copies of a socket reported twice by a dump (same
// protocol, family and non-zero cookie: the socket moved in the kernel's tables mid-dump).
// Returns how many were removed.
size_t remove_duplicate_sockets(std::vector<Socket>& sockets);

}  // namespace netsnap
