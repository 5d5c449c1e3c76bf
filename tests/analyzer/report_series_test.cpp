// Downsampling for charts and JSON: bounded output, spikes and dips kept, time order kept.
#include "report_series.h"

#include <gtest/gtest.h>

#include <vector>

namespace netsnap::analysis {
namespace {

constexpr int64_t second = 1'000'000'000;

std::vector<SeriesPoint> flat_series(size_t n, double value) {
  std::vector<SeriesPoint> points;
  for (size_t i = 0; i < n; ++i) points.push_back({static_cast<int64_t>(i) * second, value});
  return points;
}

TEST(ReportSeries, ShortSeriesUnchanged) {
  const auto points = flat_series(10, 3);
  EXPECT_EQ(downsample_min_max(points, 500), points);
}

TEST(ReportSeries, LongSeriesBoundedWithSpikeAndDipKept) {
  auto points = flat_series(86'400, 100);
  points[40'000].value = 5000;
  points[70'000].value = 0;
  const auto reduced = downsample_min_max(points, 500);
  EXPECT_LE(reduced.size(), 500u);
  EXPECT_GE(reduced.size(), 250u);
  bool spike = false, dip = false;
  for (size_t i = 0; i < reduced.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(reduced[i - 1].wall_ns, reduced[i].wall_ns);
    }
    spike |= reduced[i] == SeriesPoint{40'000 * second, 5000};
    dip |= reduced[i] == SeriesPoint{70'000 * second, 0};
  }
  EXPECT_TRUE(spike);
  EXPECT_TRUE(dip);
}

TEST(ReportSeries, ValuesRoundForSparklines) {
  const std::vector<SeriesPoint> points = {{0, 1.4}, {1, 1.6}, {2, -2.5}};
  EXPECT_EQ(series_values(points), (std::vector<int64_t>{1, 2, -3}));
}

TEST(ReportSeries, TimelineBucketKeepsRowsBounded) {
  EXPECT_EQ(timeline_bucket_ns(0, 59 * second, 60, 500), 0);  // one row per snapshot
  const int64_t day = 86'400 * second;
  const int64_t bucket = timeline_bucket_ns(0, day, 86'400, 500);
  EXPECT_EQ(bucket, 300 * second);  // 288 five-minute rows (three minutes would be 480+2)
  EXPECT_LE(day / bucket + 2, 500);
  EXPECT_LE(365 * day / timeline_bucket_ns(0, 365 * day, 31'536'000, 500) + 2, 500);
}

}  // namespace
}  // namespace netsnap::analysis
