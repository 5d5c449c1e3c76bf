#include "record_read_ahead.h"

namespace netsnap {

RecordReadAhead::RecordReadAhead(const std::vector<FileBytes>& files,
                                 const std::vector<SnapshotEntry>& entries)
    : files_(files), entries_(entries), slots_(depth) {
  reader_ = std::thread([this] { run(); });
}

RecordReadAhead::~RecordReadAhead() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_reader_.notify_all();
  reader_.join();
}

void RecordReadAhead::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    // The slot of entry first_ + depth would be the caller's: stop one short of it.
    if (!stopping_ && !(ready_end_ < entries_.size() && ready_end_ < first_ + depth)) {
      reader_idle_ = true;
      wake_reader_.wait(lock, [&] {
        return stopping_ || (ready_end_ < entries_.size() && ready_end_ < first_ + depth);
      });
      reader_idle_ = false;
    }
    if (stopping_) return;
    const size_t i = ready_end_;
    const uint64_t generation = generation_;
    Slot& slot = slots_[i % depth];
    lock.unlock();
    const SnapshotEntry& e = entries_[i];
    slot.words = read_record(files_[e.file], e.offset, slot.decoder, slot.header, slot.scratch);
    lock.lock();
    if (generation != generation_) continue;  // restarted meanwhile: the slot is refilled
    ready_end_ = i + 1;
    if (caller_waiting_) wake_caller_.notify_one();
  }
}

Result<kj::ArrayPtr<const capnp::word>> RecordReadAhead::record(size_t i, FrameHeader& header) {
  std::unique_lock lock(mutex_);
  if (i < first_ || i > ready_end_) {
    // Not the next in line: restart there. The reader may be filling a slot for the old
    // generation; it drops that when it sees the new one, and fills slots again from i.
    ++generation_;
    ready_end_ = i;
  }
  // Entries before i are done with: their slots may be reused.
  first_ = i;
  const size_t free_slots = first_ + depth - ready_end_;
  if (reader_idle_ && (free_slots >= wake_batch || ready_end_ <= i)) wake_reader_.notify_one();
  if (ready_end_ <= i) {
    caller_waiting_ = true;
    wake_caller_.wait(lock, [&] { return ready_end_ > i; });
    caller_waiting_ = false;
  }
  Slot& slot = slots_[i % depth];
  header = slot.header;
  return slot.words;
}

}  // namespace netsnap
