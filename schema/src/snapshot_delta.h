// Delta records: a snapshot stored as its changes against the snapshot before it (see
// SnapshotDelta in netsnap.capnp), and the changes between two snapshots that analysis uses.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "netsnap.capnp.h"
#include "netsnap/model.h"
#include "netsnap/recording_reader.h"
#include "netsnap/socket_summary.h"
#include "socket_fields.h"
#include "socket_matching.h"
#include "varint.h"

namespace netsnap {

// Per field, the changed sockets (indices into the changed list) whose mask has it, ascending:
// the order a delta's values come in. Walking these costs one step per value, where testing
// every changed socket's mask for every field present cost one per socket per field.
using ChangedByField = std::array<std::vector<uint32_t>, FIELD_COUNT>;

class DeltaEncoder {
 public:
  // Writes `current` as changes against `previous` into `out`, and turns `previous` in place
  // into the snapshot as a reader will rebuild it (current's content, sockets in the delta's
  // order). In place, not into a copy: at 100,000 sockets a second socket array is 25 MB of
  // the recorder's memory and a 25 MB copy per snapshot.
  void encode(Snapshot& previous, const Snapshot& current, wire::SnapshotDelta::Builder out);
  // False for files of format 1, whose readers take a delta's process table as the whole one.
  void give_processes_against_previous(bool on) { processes_against_previous_ = on; }

 private:
  bool processes_against_previous_ = true;
  std::string process_origins_;
  std::vector<const Process*> listed_processes_;
  SocketMatcher matcher_;
  std::vector<int32_t> previous_of_;
  std::vector<uint8_t> survives_;
  std::vector<const Socket*> added_;
  std::vector<uint32_t> changed_index_;
  std::vector<uint64_t> changed_mask_;
  std::vector<int32_t> current_of_;
  std::vector<Namespace> namespaces_;  // previous's, moved into current's order
  std::string removed_, changed_, counter_deltas_, columns_;
  std::array<std::string, FIELD_COUNT> field_columns_;  // a changed field's values, per field
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
    std::vector<int32_t> previous_of;   // namespaces: the previous position of each, or -1
    std::vector<uint32_t> namespaces_gone;
    ChangedByField by_field;
  };

 private:
  Scratch scratch_;
};

// The summary replay's decoder (summary_delta_decode.cpp): the same checks as DeltaDecoder, in
// the same order with the same reasons, but only summaries are kept.
class SummaryDeltaDecoder {
 public:
  // Turns `summary` (the previous snapshot on entry) into the next one in place and fills
  // `changes`. False (with `why`) when the delta does not fit or is malformed.
  bool apply(SummarySnapshot& summary, wire::SnapshotDelta::Reader in, size_t raw_bytes,
             SummaryChanges& changes, std::string& why);

 private:
  std::vector<uint32_t> closed_, changed_at_;
  std::vector<uint64_t> changed_mask_;
  std::vector<int32_t> previous_of_;
  std::vector<uint32_t> namespaces_gone_;
  ChangedByField by_field_;
};

// How the decoders fail: `why` set, false returned.
inline bool fail(std::string& why, const char* what) {
  why = what;
  return false;
}
inline bool fail(std::string& why, const std::string& what) {
  why = what;
  return false;
}

// The parts of decoding a delta both decoders share (delta_shared_decode.cpp), each failing
// with `why` in the order DeltaDecoder::apply meets them.
// seq, times, source and errors.
void read_delta_times(Snapshot& snapshot, wire::SnapshotDelta::Reader in);
// previous_of[n]: the position in `previous` of the delta's namespace n (by inode), or -1;
// `gone`: the positions of previous namespaces the delta does not list.
void match_namespaces(const std::vector<Namespace>& previous,
                      capnp::List<wire::NamespaceDelta>::Reader namespaces,
                      std::vector<int32_t>& previous_of, std::vector<uint32_t>& gone);
// The removed positions (ascending) of a namespace of `n` sockets.
bool read_removed_list(wire::NamespaceDelta::Reader in, size_t n, std::vector<uint32_t>& closed,
                       std::string& why);
// The changed positions and their field masks, from the start of NamespaceDelta.changed;
// leaves `changed` at the values.
bool read_changed_lists(VarintReader& changed, size_t n, const std::vector<uint32_t>& closed,
                        std::vector<uint32_t>& changed_at, std::vector<uint64_t>& changed_mask,
                        std::string& why);
// The changed values into `sockets` (Socket or SocketSummary), by the lists above; `by_field`
// is working memory.
template <class Record>
bool apply_changed_values(VarintReader& changed, std::vector<Record>& sockets,
                          const std::vector<uint32_t>& changed_at,
                          const std::vector<uint64_t>& changed_mask, ChangedByField& by_field,
                          std::string& why);
// Processes, counters, settings and users.
bool read_delta_rest(Snapshot& snapshot, wire::SnapshotDelta::Reader in, std::string& why);

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
