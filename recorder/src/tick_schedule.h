// Snapshot times on a fixed grid: start + k x interval on CLOCK_MONOTONIC, never drifting. A
// tick that passes while a capture runs long is skipped (not made up), so the gap shows in the
// recording as a missing interval.
#pragma once

#include <cstdint>

namespace netsnap {

class TickSchedule {
 public:
  TickSchedule(int64_t start_mono_ns, int64_t interval_ns)
      : start_(start_mono_ns), interval_(interval_ns) {}

  // The first grid time strictly after `now` that is not before the next unused tick; counts
  // the ticks skipped on the way.
  int64_t next_after(int64_t now_mono_ns) {
    int64_t k = next_index_;
    if (start_ + k * interval_ <= now_mono_ns) {
      int64_t due = (now_mono_ns - start_) / interval_ + 1;
      skipped_ += static_cast<uint64_t>(due - k);
      k = due;
    }
    next_index_ = k + 1;
    return start_ + k * interval_;
  }
  // Tick 0 is the start itself: the first snapshot is taken at once.
  int64_t first() {
    next_index_ = 1;
    return start_;
  }
  uint64_t skipped() const { return skipped_; }
  int64_t interval_ns() const { return interval_; }

 private:
  int64_t start_;
  int64_t interval_;
  int64_t next_index_ = 0;
  uint64_t skipped_ = 0;
};

}  // namespace netsnap
