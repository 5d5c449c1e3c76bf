#include "report_series.h"

#include <algorithm>
#include <cmath>

namespace netsnap::analysis {

std::vector<SeriesPoint> downsample_min_max(std::span<const SeriesPoint> points,
                                            size_t max_points) {
  if (points.size() <= max_points || max_points < 2) {
    return {points.begin(), points.end()};
  }
  const size_t buckets = max_points / 2;
  std::vector<SeriesPoint> out;
  out.reserve(buckets * 2);
  for (size_t b = 0; b < buckets; ++b) {
    // Bucket b covers [b * n / buckets, (b + 1) * n / buckets): every point in exactly one.
    const size_t begin = b * points.size() / buckets;
    const size_t end = (b + 1) * points.size() / buckets;
    if (begin == end) continue;
    size_t low = begin, high = begin;
    for (size_t i = begin + 1; i < end; ++i) {
      if (points[i].value < points[low].value) low = i;
      if (points[i].value > points[high].value) high = i;
    }
    const size_t first = std::min(low, high), second = std::max(low, high);
    out.push_back(points[first]);
    if (second != first) out.push_back(points[second]);
  }
  return out;
}

std::vector<int64_t> series_values(std::span<const SeriesPoint> points) {
  std::vector<int64_t> values;
  values.reserve(points.size());
  for (const SeriesPoint& p : points) {
    values.push_back(std::isfinite(p.value) ? static_cast<int64_t>(std::llround(p.value)) : 0);
  }
  return values;
}

int64_t timeline_bucket_ns(int64_t first_ns, int64_t last_ns, uint64_t snapshots, size_t max_rows) {
  if (snapshots <= max_rows || max_rows < 2 || last_ns <= first_ns) return 0;
  constexpr int64_t s = 1'000'000'000;
  static constexpr int64_t steps[] = {
      1 * s,   2 * s,   5 * s,    10 * s,   15 * s,   30 * s,    60 * s,    120 * s,   300 * s,
      600 * s, 900 * s, 1800 * s, 3600 * s, 7200 * s, 10800 * s, 21600 * s, 43200 * s, 86400 * s};
  // Aligned buckets over the span: at most span / step + 2 (a partial one at each end).
  const auto fits = [&](int64_t step) {
    return static_cast<uint64_t>((last_ns - first_ns) / step) + 2 <= max_rows;
  };
  for (const int64_t step : steps) {
    if (fits(step)) return step;
  }
  int64_t days = 2;
  while (!fits(days * 86400 * s)) days *= 2;
  return days * 86400 * s;
}

}  // namespace netsnap::analysis
