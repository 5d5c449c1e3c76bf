// Reads and decompresses the records a sequential replay will ask for next, on a thread of its
// own, while the caller decodes the current one. Reading a record (two preads), checking its
// CRC and inflating it is about a quarter of a replay step's cost, and none of it depends on
// the snapshots before; moving it off the replay's path lets a day-long report use the
// second core without any change to how snapshots are rebuilt.
//
// The caller asks for entries in order; asking for any other entry (a seek, a skip over
// damage) restarts the read-ahead there. Errors are the same values read_record returns, for
// the same records: read-ahead changes when work happens, never what a replay sees.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

#include "file_scan.h"
#include "netsnap/recording_reader.h"
#include "record_codec.h"

namespace netsnap {

class RecordReadAhead {
 public:
  // Both vectors must outlive this object and stay unchanged.
  RecordReadAhead(const std::vector<FileBytes>& files, const std::vector<SnapshotEntry>& entries);
  ~RecordReadAhead();
  RecordReadAhead(const RecordReadAhead&) = delete;
  RecordReadAhead& operator=(const RecordReadAhead&) = delete;

  // The decoded record of entries[i] (as read_record gives it), valid until the next call.
  Result<kj::ArrayPtr<const capnp::word>> record(size_t i, FrameHeader& header);

 private:
  // Records held ready at most: enough to ride out a slow step, small enough (a few hundred
  // KiB of inflated deltas) not to matter.
  static constexpr size_t depth = 16;
  // The reader, once idle, waits until this many slots are free before it is woken again, so
  // that it works in batches instead of paying a thread handoff per record.
  static constexpr size_t wake_batch = depth / 2;
  struct Slot {
    RecordDecoder decoder;
    std::vector<uint8_t> scratch;
    FrameHeader header;
    Result<kj::ArrayPtr<const capnp::word>> words = Error{"not read"};
  };
  void run();

  const std::vector<FileBytes>& files_;
  const std::vector<SnapshotEntry>& entries_;
  std::vector<Slot> slots_;
  std::mutex mutex_;
  std::condition_variable wake_reader_, wake_caller_;
  // Guarded by mutex_. Entries [first_, ready_end_) are ready in slots (entry % depth); the
  // reader works on ready_end_ next, as long as it stays within first_ + depth (first_'s slot
  // is the one the caller holds).
  size_t first_ = 0, ready_end_ = 0;
  uint64_t generation_ = 0;  // bumped by a restart: work of an older generation is dropped
  bool stopping_ = false;
  bool reader_idle_ = false, caller_waiting_ = false;
  std::thread reader_;
};

}  // namespace netsnap
