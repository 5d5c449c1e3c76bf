// Steps that turn the raw output of several dumps and files into one snapshot's socket list:
// joining /proc/net/unix into unix_diag's answer and removing the duplicates a non-atomic dump
// can produce. The list keeps the order the kernel reported (netstat's and ss's order): no
// step moves a socket that stays, because moving 100,000 sockets of ~220 bytes per snapshot
// cost more than parsing them, and nothing downstream needs an order (the format matches
// sockets by identity, the analyzer groups rows as netstat does). Tested without a kernel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "netsnap/model.h"

namespace netsnap {

struct UnixMergeStats {
  size_t ref_counts_filled = 0;  // netlink sockets that got their RefCount from /proc
  size_t added = 0;              // /proc rows unix_diag did not report, appended
};

// unix_diag reports neither RefCount nor sockets without an inode (connections waiting in a
// listener's queue, orphans). Joins `proc_rows` (parsed /proc/net/unix) to the netlink UNIX
// sockets at sockets[unix_begin, unix_end) on inode: matches get their ref_count and St, rows
// with inode 0 or no match are moved to the end of `sockets`. Leaves `proc_rows` moved-from.
// `by_inode` is scratch space, reused between calls.
UnixMergeStats merge_proc_unix(std::vector<Socket>& sockets, size_t unix_begin, size_t unix_end,
                               std::vector<Socket>& proc_rows,
                               std::vector<std::pair<uint64_t, uint32_t>>& by_inode);

// Removes later copies of a socket reported twice by a dump (same protocol, family and
// non-zero cookie: the socket moved in the kernel's tables mid-dump), keeping the order of the
// rest. Sockets without a cookie (/proc) are never merged: two connections waiting in one
// listener's queue look identical there and are both real. Returns how many were removed.
// Its hash table lives for one call, not between snapshots: it is 2 MB at 100,000 sockets,
// and the recorder's peak memory comes later, while the writer encodes (allocating it again
// costs page faults, a fraction of a millisecond).
size_t remove_duplicate_sockets(std::vector<Socket>& sockets);

}  // namespace netsnap
