// Delta records: a snapshot stored as its changes against the snapshot before it (see
// SnapshotDelta in netsnap.capnp), and the changes between two snapshots that analysis uses.
#pragma once

#include <string>
#include <vector>

#include "netsnap.capnp.h"
#include "netsnap/model.h"
#include "netsnap/recording_reader.h"
#include "socket_matching.h"

namespace netsnap {

class DeltaEncoder {
 public:
  // Writes `current` as changes against `previous` into `out`, and turns `previous` in place
  // into the snapshot as a reader will rebuild it (current's content, sockets in the delta's
  // order). In place, not into a copy: at 100,000 sockets a second socket array is 25 MB of
  // the recorder's memory and a 25 MB copy per snapshot.
  void encode(Snapshot& previous, const Snapshot& current, wire::SnapshotDelta::Builder out);

 private:
  SocketMatcher matcher_;
  std::vector<int32_t> previous_of_;
  std::vector<uint8_t> survives_;
  std::vector<const Socket*> added_;
  std::vector<uint32_t> changed_index_;
  std::vector<uint64_t> changed_mask_;
  std::vector<int32_t> current_of_;
  std::vector<Namespace> namespaces_;  // previous's, moved into current's order
  std::string removed_, changed_, counter_deltas_, columns_;
};

class DeltaDecoder {
 public:
  // Turns `snapshot` (the previous one on entry) into the next one in place and fills
  // `changes`. False (with `why`) when the delta does not fit or is malformed; `snapshot` is
  // then unusable.
  // `history`: fill the old values of closed and changed sockets into `changes`.
  bool apply(Snapshot& snapshot, wire::SnapshotDelta::Reader in, size_t raw_bytes,
             SnapshotChanges& changes, std::string& why, bool history = true);

  // Working memory reused from one delta to the next, so that a replay step allocates only for
  // what it must keep (new sockets' strings and owner lists), not for its bookkeeping.
  struct Scratch {
    std::vector<uint32_t> changed_at;   // previous positions of changed sockets
    std::vector<uint64_t> changed_mask;
    std::vector<uint32_t> tail_origin;  // see apply_namespace
    std::vector<uint32_t> tail_moved_to;
  };

 private:
  Scratch scratch_;
};

// The namespace of `snapshot` with this inode, or null.
const Namespace* find_namespace(const Snapshot& snapshot, uint64_t inode);

// The changes between two whole snapshots (after a key snapshot), by socket identity.
void compute_changes(const Snapshot& previous, const Snapshot& current, SnapshotChanges& changes,
                     SocketMatcher& matcher);

// Whether a list of `count` structs can honestly appear in a message of `raw_bytes`; guards
// allocations against hostile counts.
inline bool plausible_count(size_t count, size_t raw_bytes, size_t min_bytes_each) {
  return count <= raw_bytes / min_bytes_each;
}

}  // namespace netsnap
