// Series that cost what changed. The window's snapshots are cut into at most
// DetectorOptions::series_points buckets (BucketClock); a key's value is a step function that
// is recorded only when it changes (StepSeries), keeping per bucket its last and its highest
// value. A key that never changes costs one point for the whole window, and nothing per
// snapshot; expanding it to one value per bucket happens once, at the end, and only for the
// keys a detector wants to test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace netsnap::analysis::detectors {

// Where the replay stands: the snapshot being applied.
struct Moment {
  uint64_t ordinal = 0;       // 0-based count of snapshots replayed in the window
  int64_t wall_ns = 0;
  uint32_t bucket = 0;
  bool bucket_start = false;  // the first replayed snapshot of its bucket
};

class BucketClock {
 public:
  // The window is entries [first_entry, last_entry] of the timeline.
  BucketClock(size_t first_entry, size_t last_entry, uint32_t points);

  // The next replayed snapshot (entry indices ascending; skipped entries are fine).
  Moment advance(size_t entry_index, int64_t wall_ns);

  uint32_t buckets() const { return static_cast<uint32_t>(bucket_wall_ns_.size()); }
  // Whether a snapshot was replayed in the bucket (not when all its entries were damaged),
  // and the wall time of its last one.
  bool bucket_sampled(uint32_t bucket) const { return sampled_[bucket] != 0; }
  int64_t bucket_wall_ns(uint32_t bucket) const { return bucket_wall_ns_[bucket]; }
  uint64_t snapshots() const { return wall_by_ordinal_.size(); }
  int64_t wall_at(uint64_t ordinal) const { return wall_by_ordinal_[ordinal]; }
  int64_t start_ns() const { return wall_by_ordinal_.empty() ? 0 : wall_by_ordinal_.front(); }
  int64_t end_ns() const { return wall_by_ordinal_.empty() ? 0 : wall_by_ordinal_.back(); }
  const Moment& last() const { return last_; }

 private:
  size_t first_entry_, entries_;
  std::vector<int64_t> bucket_wall_ns_;
  std::vector<uint8_t> sampled_;
  std::vector<int64_t> wall_by_ordinal_;
  Moment last_;
};

// A step series expanded to one point per bucket that has a snapshot.
struct ExpandedSeries {
  std::vector<int64_t> wall_ns;
  std::vector<double> t_s;   // seconds since the window's first snapshot
  std::vector<double> last;  // value at the bucket's last snapshot (for trend tests)
  std::vector<double> max;   // highest value within the bucket (for peaks and charts)
  size_t size() const { return wall_ns.size(); }
};

class StepSeries {
 public:
  // The value from this snapshot on. Values before the first record are 0.
  void record(const Moment& at, int64_t value);
  ExpandedSeries expand(const BucketClock& clock) const;
  int64_t latest() const { return points_.empty() ? 0 : points_.back().last; }
  size_t stored_points() const { return points_.size(); }

 private:
  struct Point {
    uint32_t bucket;
    int64_t last, max;
  };
  std::vector<Point> points_;
};

}  // namespace netsnap::analysis::detectors
