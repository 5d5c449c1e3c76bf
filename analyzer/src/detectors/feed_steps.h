// The detectors' replay on two cores: a thread of its own runs the changes-only Cursor
// (decoding deltas is half of a report's cost) and hands each step over as a FeedStep, a copy
// of just what the detectors read: the TCP sockets that closed, changed (old and new value)
// and opened, the snapshot's counters, processes and settings, and every TCP socket when the
// step will need a full recount. The caller's thread runs the detectors on step k while the
// reader decodes k+1 and beyond.
//
// Steps live in a ring and are reused: copying into a step's kept vectors allocates nothing
// in the steady state (sockets carry their owners inline, see netsnap/owner_list.h).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "namespace_selection.h"
#include "netsnap/recording_reader.h"

namespace netsnap::analysis::detectors {

struct FeedNamespace {
  uint64_t inode = 0;
  std::string name;
  // IPv4/IPv6 TCP sockets only, copied from the snapshot: after[k] is the new value of the
  // socket whose old value is changes.namespaces[n].changed_before[changed_index[k]] (only
  // changes of the fields the detectors read), opened the new sockets.
  std::vector<Socket> after, opened;
  std::vector<uint32_t> changed_index;
  std::vector<Socket> all;        // every TCP socket, when the step carries them (with_all)
};

struct FeedStep {
  size_t entry_index = 0;         // into Timeline::entries()
  bool has_previous = false;      // the changes are against the snapshot before
  bool namespaces_gone = false;   // a namespace of the previous snapshot vanished
  bool with_all = false;          // `all` is filled (see FeedStepReader)
  Snapshot meta;                  // the snapshot without its namespaces
  // The cursor's changes, taken whole (Cursor::swap_changes): closed sockets and old values
  // of every kind; consumers pick the TCP ones.
  SnapshotChanges changes;
  std::vector<FeedNamespace> namespaces;  // the snapshot's, in its order
  size_t namespace_count = 0;     // namespaces[0, namespace_count) are this step's
};

class FeedStepReader {
 public:
  // Replays entries [first_entry, last_entry] of `timeline` (which must outlive this reader
  // and not be used by anyone else meanwhile). Steps carry every TCP socket (with_all) when
  // there is no previous snapshot, a namespace vanished, a setting changed, or the file
  // changed (its header's settings apply): the cases where the feed may recount.
  // Only the namespaces `namespaces` selects (which must outlive this reader) are replayed.
  FeedStepReader(Timeline& timeline, size_t first_entry, size_t last_entry,
                 const NamespaceSelection& namespaces);
  ~FeedStepReader();
  FeedStepReader(const FeedStepReader&) = delete;
  FeedStepReader& operator=(const FeedStepReader&) = delete;

  // The next step, or null after the last. Valid until the next call.
  const FeedStep* next();

 private:
  static constexpr size_t ring_size = 8;
  static constexpr size_t wake_batch = ring_size / 4;  // hand over in batches, not per step
  void run(Timeline& timeline, size_t first_entry, size_t last_entry);
  void fill(FeedStep& step, NamespaceCursor& cursor, bool file_changed) const;

  const NamespaceSelection& namespaces_;
  std::vector<FeedStep> ring_;
  std::mutex mutex_;
  std::condition_variable wake_reader_, wake_caller_;
  // Guarded by mutex_: steps [taken_, filled_) are ready; the reader fills `filled_` next
  // while filled_ < taken_ + ring_size - 1 (the caller holds taken_ - 1).
  uint64_t taken_ = 0, filled_ = 0;
  bool done_ = false, stopping_ = false, reader_idle_ = false, caller_waiting_ = false;
  std::thread reader_;
};

}  // namespace netsnap::analysis::detectors
