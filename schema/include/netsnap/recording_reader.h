// Reads one or several recordings as one timeline in time order. Opening lists the snapshots
// from the time index (or rebuilds the list from frame headers when the index is missing or
// damaged, or when a full check is asked for) without decoding any snapshot; a Cursor then
// replays them, keeping the previous and current snapshot and the changes between them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "netsnap/model.h"
#include "netsnap/result.h"

namespace netsnap {

struct SnapshotEntry {
  uint32_t file = 0;    // index into Timeline::files()
  uint64_t offset = 0;  // of the frame in that file
  uint64_t seq = 0;
  int64_t wall_ns = 0;
  bool is_key = false;
  uint32_t sockets = 0;  // from the time index; 0 when not known without decoding
};

struct DamagedRegion {
  std::string file;
  uint64_t offset = 0;
  uint64_t length = 0;          // bytes skipped
  uint64_t snapshots_lost = 0;  // damaged, or unreadable because their base was damaged
  std::string reason;
};

struct RecordingFileInfo {
  std::string path;
  uint64_t size = 0;
  uint32_t format_version = 0;
  FileHeader header;  // the first header record of the file
  uint64_t snapshots = 0;
  uint64_t sockets_stored = 0;  // summed over key snapshots' lists; filled by full scans only
};

enum class ScanMode {
  fast,  // trust the time index; damage is found (and reported) when records are read
  full,  // read and check every frame (verify, info)
};

// Changes between the previous and the current snapshot of a Cursor, per namespace of the
// current snapshot. Indices refer to Namespace::sockets of the previous / current snapshot.
struct NamespaceChanges {
  uint64_t inode = 0;
  bool is_new = false;                // namespace absent from the previous snapshot
  std::vector<uint32_t> closed;       // previous indices gone
  std::vector<uint32_t> opened;       // current indices new
  std::vector<std::pair<uint32_t, uint32_t>> changed;  // (previous, current) with new values
  // The values that are gone from the current snapshot, so that a consumer never needs the
  // whole previous snapshot: closed_sockets[i] was previous socket closed[i], and
  // changed_before[i] is the old value of changed[i].
  std::vector<Socket> closed_sockets;
  std::vector<Socket> changed_before;
};
struct SnapshotChanges {
  bool has_previous = false;  // false for the first snapshot and after a gap in the chain
  std::vector<NamespaceChanges> namespaces;
  std::vector<uint64_t> namespaces_gone;  // inodes of previous namespaces no longer present
};

class Timeline;
class SummaryCursor;  // socket_summary.h

enum class CursorMode {
  with_previous,  // previous() holds the whole previous snapshot (a copy per step)
  changes_only,   // previous() stays empty: consumers use changes() (fast replay of long spans)
};

class Cursor {
 public:
  // Moves to the next snapshot; false at the end. Unreadable snapshots are skipped (they are
  // reported through Timeline::damage()).
  bool next();
  const Snapshot& current() const { return current_; }
  // The whole previous snapshot; valid with CursorMode::with_previous when has_previous.
  const Snapshot& previous() const { return previous_; }
  const SnapshotChanges& changes() const { return changes_; }
  // Exchanges changes() with `other` (O(1)): a consumer that keeps a step's changes beyond
  // next() takes them instead of copying, and hands back an earlier set whose memory the next
  // step reuses. changes() is left holding `other`'s old contents until next().
  void swap_changes(SnapshotChanges& other) { std::swap(changes_, other); }
  size_t entry_index() const { return position_; }  // index into Timeline::entries()

 private:
  friend class Timeline;
  Cursor(Timeline* timeline, size_t start, CursorMode mode);
  bool load(size_t index);
  Timeline* timeline_;
  size_t position_;
  size_t next_;
  bool started_ = false;
  CursorMode mode_;
  Snapshot current_, previous_;
  SnapshotChanges changes_;
};

class Timeline {
 public:
  // Each path is a recording file or a directory of them (*.netsnap). Fails with one line
  // naming the path when a file is missing, is not a recording, or is of a newer format.
  static Result<Timeline> open(const std::vector<std::string>& paths, ScanMode mode);

  Timeline(Timeline&&) noexcept;
  Timeline& operator=(Timeline&&) noexcept;
  ~Timeline();

  const std::vector<RecordingFileInfo>& files() const;
  const FileHeader& header() const;  // of the earliest file
  const std::vector<SnapshotEntry>& entries() const;  // in time order
  std::vector<DamagedRegion> damage() const;
  // Adds the damage that another Timeline over the same files met (one that replayed part of
  // a window on another thread), leaving out regions already known.
  void merge_damage(const Timeline& other);

  // The last entry at or before wall_ns; nullopt when wall_ns is before the first.
  std::optional<size_t> index_at_or_before(int64_t wall_ns) const;
  // Decodes one snapshot whole (reads from the key snapshot before it).
  Result<Snapshot> snapshot_at(size_t entry_index);
  // Replays from entries()[start] on; the first next() yields that entry.
  Cursor cursor(size_t start = 0, CursorMode mode = CursorMode::with_previous);
  // The same replay keeping only each socket's summary (socket_summary.h).
  SummaryCursor summary_cursor(size_t start = 0);

 private:
  friend class Cursor;
  friend class SummaryCursor;
  struct State;
  explicit Timeline(std::unique_ptr<State> state);
  std::unique_ptr<State> s_;
};

}  // namespace netsnap
