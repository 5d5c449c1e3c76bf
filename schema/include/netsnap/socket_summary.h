// A replay that keeps, of every socket, only what says what kind it is and how much it has
// queued: all that counting sockets by state or by protocol needs (`timeline --by state|proto`).
//
// Why: replaying a day of 10,000 sockets whole spends most of its time moving ~250-byte Socket
// structs through the cache (a delta's changed and closed sockets are copied, its fields
// written one by one). A SocketSummary is 12 bytes, so a namespace of 10,000 sockets is 120 KB
// and stays in cache; the delta's other fields (addresses, owners, timers, tcp_info) are still
// read and checked exactly as the whole-socket decoder checks them, so both replays accept the
// same records and report the same damage, but their values are never stored.
//
// Key snapshots are decoded whole (every key_interval snapshots) and then summarized.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "netsnap/model.h"
#include "netsnap/recording_reader.h"

namespace netsnap {

struct SocketSummary {
  uint8_t family = 0;
  Protocol protocol = Protocol::unknown;
  uint8_t state = 0;
  bool has_tcp_info = false;  // decoding needs it: tcp_info columns hold only such sockets
  uint32_t recv_q = 0, send_q = 0;
  bool operator==(const SocketSummary&) const = default;
};

inline SocketSummary summarize(const Socket& socket) {
  return {socket.family,       socket.protocol, socket.state,
          socket.has_tcp_info, socket.recv_q,   socket.send_q};
}

struct SummarySnapshot {
  // Everything but the sockets: each namespace's `sockets` is empty.
  Snapshot snapshot;
  // Per namespace of `snapshot`, its sockets in stored order.
  std::vector<std::vector<SocketSummary>> sockets;
};

// What a step changed, as summaries: subtracting every `gone` and adding every `came` turns any
// count over the previous snapshot's summaries into the same count over the current one's.
struct SummaryChanges {
  bool has_previous = false;  // false: count current() from scratch (first step, key, damage)
  std::vector<SocketSummary>
      gone;  // closed sockets, old values of changed ones, vanished namespaces'
  std::vector<SocketSummary> came;  // opened sockets, new values of changed ones
};

// Replays like Cursor (same snapshots, same damage skipped and reported), as summaries.
class SummaryCursor {
 public:
  // Moves to the next snapshot; false at the end.
  bool next();
  const SummarySnapshot& current() const { return current_; }
  const SummaryChanges& changes() const { return changes_; }
  size_t entry_index() const { return position_; }  // index into Timeline::entries()

 private:
  friend class Timeline;
  SummaryCursor(Timeline* timeline, size_t start);
  bool load(size_t index);
  Timeline* timeline_;
  size_t position_;
  size_t next_;
  bool started_ = false;
  SummarySnapshot current_;
  SummaryChanges changes_;
};

// A whole snapshot as summaries (moves everything but the sockets into the result).
SummarySnapshot summarize(Snapshot&& snapshot);

}  // namespace netsnap
