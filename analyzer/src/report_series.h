// Series as the report draws them: (time, value) points, reduced to a bounded number of points
// before any renderer sees them. A 24-hour recording at 1 s has 86,400 snapshots; a chart is
// a few hundred pixels wide and a JSON consumer wants an overview, so every series is cut to
// at most a few hundred points here, keeping each bucket's lowest and highest value (in time
// order) so that a spike or a dip never vanishes by averaging.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "detectors/finding.h"

namespace netsnap::analysis {

// The detectors' point type (a finding's series), so their series need no conversion.
using SeriesPoint = detectors::SeriesPoint;

// The default bound for charts and JSON series.
inline constexpr size_t report_series_max_points = 500;

// At most `max_points` points (at least 2 when the input has 2): the input unchanged when it
// is short enough, else for each of max_points / 2 equal-count buckets its minimum and maximum
// point in time order (one point when they coincide). Keeps the first and last point's times
// within the first and last bucket.
std::vector<SeriesPoint> downsample_min_max(std::span<const SeriesPoint> points, size_t max_points);

// The values only, for sparklines (which take integers: fractional values are rounded).
std::vector<int64_t> series_values(std::span<const SeriesPoint> points);

// The bucket length for a state timeline over [first_ns, last_ns] with at most `max_rows`
// rows: 0 when `snapshots` <= max_rows (one row per snapshot), else the smallest of 1s, 2s, 5s,
// 10s, 15s, 30s, 1m, 2m, 5m, 10m, 15m, 30m, 1h, 2h, 3h, 6h, 12h, 1d, 2d, ... that keeps
// the number of aligned buckets within max_rows (round lengths read better on an axis).
int64_t timeline_bucket_ns(int64_t first_ns, int64_t last_ns, uint64_t snapshots, size_t max_rows);

}  // namespace netsnap::analysis
