// Appends snapshots to a recording file: the first snapshot of every writer run and every
// key_interval-th after it is stored whole (a key snapshot), the others as changes against
// the snapshot before. Every write() reaches the OS before it returns; a failed write (disk
// full) is rolled back so the file never ends in a torn frame written by us.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "netsnap/model.h"
#include "netsnap/result.h"

namespace netsnap {

struct WriterOptions {
  // Deltas are written every snapshot: small ones (a quiet host) get a strong level, which
  // costs little at their size; large ones (a busy host) the fast one.
  int zstd_level = 3;
  int small_record_zstd_level = 12;
  uint32_t small_record_bytes = 128 << 10;
  int key_zstd_level = 9;       // key snapshots: rare and large, worth compressing harder
  // A key snapshot every this many snapshots: the bound on what one damaged record can take
  // down, and on how many deltas a seek applies. 600 keeps a steady 10,000-socket host under
  // 0.2 bytes per socket per snapshot (keys are ~13 bytes per socket).
  uint32_t key_interval = 600;
  uint32_t index_every = 128;   // a time-index record every this many snapshots
  bool fsync_each = false;     // fdatasync after every snapshot (write(2) always happens)
  // create(): the first snapshot gets this + 1 (a rotated file continues the numbering).
  uint64_t start_after_seq = 0;
};

class RecordingWriter {
 public:
  // A new recording at `path` (mode 0640, never through a symlink), replacing any file there.
  static Result<RecordingWriter> create(const std::string& path, const FileHeader& header,
                                        const WriterOptions& options);
  // Continues the timeline of the recording at `path` (sequence numbers go on). Refuses a file
  // that is not a recording, has a newer format, or was recorded on another host. A torn last
  // record (unreadable: a crash mid-write) is cut off first.
  static Result<RecordingWriter> append(const std::string& path, const FileHeader& header,
                                        const WriterOptions& options);

  RecordingWriter(RecordingWriter&&) noexcept;
  RecordingWriter& operator=(RecordingWriter&&) noexcept;
  ~RecordingWriter();

  // Stores the snapshot; its seq is assigned here (the snapshot's own seq is ignored).
  Status write(const Snapshot& snapshot);
  // Stores a snapshot copied from another recording (netsnap-analyze slice) under its own seq,
  // which must be greater than last_seq(). Stored as a key when `key` (the original stored it
  // as a key: a reader then rebuilds its sockets in the original's order), when it does not
  // follow the last one (seq skipped, e.g. over damage: readers apply a delta only to the
  // snapshot numbered one before it), or when key_interval says so.
  Status write_copy(const Snapshot& snapshot, bool key);
  // Reopens the output path (after logrotate moved the file away): continues it if it is
  // still a recording of this host, starts a new one with the same header when the path is
  // gone or empty, and fails (never overwriting it) when something else is there now.
  Status reopen();
  // Writes the final time index and closes the file.
  Status close();

  // The header settings/users may change between runs; settings_changed in snapshots carry it.
  uint64_t bytes_written() const;     // by this writer, since it was opened
  uint64_t snapshots_written() const; // by this writer
  uint64_t last_seq() const;
  const std::string& path() const;

 private:
  struct State;
  explicit RecordingWriter(std::unique_ptr<State> state);
  Status write_as(const Snapshot& snapshot, uint64_t seq, bool force_key);
  std::unique_ptr<State> s_;
};

}  // namespace netsnap
