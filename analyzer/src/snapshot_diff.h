// What changed between two snapshots, which need not be neighbours: sockets opened, closed,
// and changed in state or queues. A socket is the same socket in both when its kernel cookie
// is equal, or, when either side has no cookie (a /proc capture), when namespace, family,
// protocol, both endpoints, inode and UNIX name are equal (several such twins, e.g. queued
// UNIX connections with inode 0, pair up in order).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "netsnap/model.h"

namespace netsnap::analysis {

// A socket of one of the two snapshots, with the inode of its network namespace.
struct SocketAt {
  const Socket* socket = nullptr;
  uint64_t netns = 0;
};

struct SnapshotDiff {
  std::vector<SocketAt> opened;  // in `to` only, in its stored order
  std::vector<SocketAt> closed;  // in `from` only, in its stored order
  // In both, with another state, Recv-Q or Send-Q: (from, to), in `to`'s order.
  std::vector<std::pair<SocketAt, SocketAt>> changed;
};

// Points into both snapshots: they must outlive the result. `same_boot`: both snapshots come
// from one boot of the host (equal boot ids), so that equal cookies mean the same socket; a
// reboot restarts the kernel's cookie counter, and then only the 4-tuple + inode count.
SnapshotDiff diff_snapshots(const Snapshot& from, const Snapshot& to, bool same_boot = true);

// State, Recv-Q or Send-Q differ: what `diff` reports as changed (timers and counters move all
// the time and are not a change worth a row).
bool differs_in_state_or_queues(const Socket& before, const Socket& after);

}  // namespace netsnap::analysis
