#include "detectors/bucketed_series.h"

#include <algorithm>

namespace netsnap::analysis::detectors {

BucketClock::BucketClock(size_t first_entry, size_t last_entry, uint32_t points)
    : first_entry_(first_entry),
      entries_(last_entry >= first_entry ? last_entry - first_entry + 1 : 0) {
  const size_t buckets = std::min<size_t>(entries_, std::max<uint32_t>(points, 1));
  bucket_wall_ns_.assign(buckets, 0);
  sampled_.assign(buckets, 0);
}

Moment BucketClock::advance(size_t entry_index, int64_t wall_ns) {
  Moment m;
  m.ordinal = wall_by_ordinal_.size();
  m.wall_ns = wall_ns;
  const size_t offset = entry_index >= first_entry_ ? entry_index - first_entry_ : 0;
  const size_t buckets = bucket_wall_ns_.size();
  // Equal shares of the window's entries; the last entry lands in the last bucket.
  m.bucket = buckets == 0 ? 0
                          : static_cast<uint32_t>(std::min(buckets - 1, offset * buckets / entries_));
  m.bucket_start = m.ordinal == 0 || last_.bucket != m.bucket;
  if (m.bucket < buckets) bucket_wall_ns_[m.bucket] = wall_ns, sampled_[m.bucket] = 1;
  wall_by_ordinal_.push_back(wall_ns);
  last_ = m;
  return m;
}

void StepSeries::record(const Moment& at, int64_t value) {
  if (!points_.empty() && points_.back().bucket == at.bucket) {
    points_.back().last = value;
    points_.back().max = std::max(points_.back().max, value);
    return;
  }
  // The value carried in from an earlier bucket was also this bucket's value until now,
  // unless the change happens on the bucket's very first snapshot.
  const int64_t carried = points_.empty() ? 0 : points_.back().last;
  points_.push_back({at.bucket, value, at.bucket_start ? value : std::max(carried, value)});
}

ExpandedSeries StepSeries::expand(const BucketClock& clock) const {
  ExpandedSeries out;
  const int64_t start = clock.start_ns();
  size_t next = 0;
  int64_t value = 0;
  for (uint32_t b = 0; b < clock.buckets(); ++b) {
    int64_t high = value;  // a bucket without a change holds the carried value throughout
    if (next < points_.size() && points_[next].bucket == b) {
      value = points_[next].last;
      high = points_[next].max;
      ++next;
    }
    if (!clock.bucket_sampled(b)) continue;  // no snapshot replayed there
    out.wall_ns.push_back(clock.bucket_wall_ns(b));
    out.t_s.push_back(static_cast<double>(clock.bucket_wall_ns(b) - start) / 1e9);
    out.last.push_back(static_cast<double>(value));
    out.max.push_back(static_cast<double>(high));
  }
  return out;
}

}  // namespace netsnap::analysis::detectors
