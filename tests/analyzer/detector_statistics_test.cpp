// The building blocks of the detectors on hand-made series: trend statistics, step series in
// buckets, level episodes with hysteresis, setting parsers.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "detectors/bucketed_series.h"
#include "detectors/detector_options.h"
#include "detectors/flat_map.h"
#include "detectors/level_episodes.h"
#include "detectors/socket_keys.h"
#include "detectors/trend_statistics.h"

namespace netsnap::analysis::detectors {
namespace {

std::vector<double> seconds(size_t n) {
  std::vector<double> t(n);
  for (size_t i = 0; i < n; ++i) t[i] = static_cast<double>(i);
  return t;
}

// A fixed pseudo-random noise in [-1, 1], so tests do not vary between runs.
double noise(size_t i) {
  const double x = std::sin(static_cast<double>(i) * 12.9898) * 43758.5453;
  return 2 * (x - std::floor(x)) - 1;
}

TEST(TrendStatistics, MannKendallSeesAMonotoneRiseAndNotAFlatLine) {
  std::vector<double> rising, flat(30, 7.0);
  for (int i = 0; i < 30; ++i) rising.push_back(i);
  EXPECT_LT(mann_kendall(rising).p_rising, 1e-6);
  EXPECT_DOUBLE_EQ(mann_kendall(flat).p_rising, 1.0);  // all ties: no evidence
  std::vector<double> falling(rising.rbegin(), rising.rend());
  EXPECT_GT(mann_kendall(falling).p_rising, 0.99);
}

TEST(TrendStatistics, TheilSenIgnoresOneOutlier) {
  std::vector<double> v;
  for (int i = 0; i < 20; ++i) v.push_back(2.0 * i);
  v[10] = 1000;  // a spike the least-squares line would chase
  EXPECT_NEAR(theil_sen_slope(seconds(20), v), 2.0, 1e-9);
  EXPECT_GT(*least_squares_slope(seconds(20), v, 0), 2.5);
}

TEST(TrendStatistics, NoisyFlatSeriesIsNotRisingButANoisyRiseIs) {
  std::vector<double> flat, rise;
  for (size_t i = 0; i < 60; ++i) {
    flat.push_back(500 + 40 * noise(i));
    rise.push_back(500 + 10.0 * static_cast<double>(i) + 40 * noise(i));
  }
  EXPECT_FALSE(assess_trend(seconds(60), flat, 10, 0.01, 100).rising);
  const TrendAssessment r = assess_trend(seconds(60), rise, 10, 0.01, 100);
  EXPECT_TRUE(r.rising);
  EXPECT_NEAR(r.slope, 10, 2);
}

TEST(TrendStatistics, TinyMonotoneRiseFailsTheMinimumRise) {
  std::vector<double> v;
  for (int i = 0; i < 30; ++i) v.push_back(3 + i / 10);  // 3, 3, ... 5: perfectly monotone
  const TrendAssessment r = assess_trend(seconds(30), v, 10, 0.01, 20);
  EXPECT_LT(r.p_value, 0.01);
  EXPECT_FALSE(r.rising);
}

TEST(TrendStatistics, TooFewPointsAreNotJudged) {
  const std::vector<double> v = {1, 50, 100, 150, 200};
  const TrendAssessment r = assess_trend(seconds(5), v, 10, 0.01, 1);
  EXPECT_FALSE(r.enough_points);
  EXPECT_FALSE(r.rising);
}

TEST(TrendStatistics, CusumOnsetFindsWhereAFlatSeriesStartsToRise) {
  std::vector<double> v;
  for (size_t i = 0; i < 40; ++i) v.push_back(i < 25 ? 100 + 3 * noise(i) : 100 + 20.0 * static_cast<double>(i - 24));
  const auto onset = cusum_onset(v);
  ASSERT_TRUE(onset);
  EXPECT_NEAR(static_cast<double>(*onset), 25, 2);
  EXPECT_FALSE(cusum_onset(std::vector<double>(20, 5.0)));
}

TEST(BucketedSeries, StepSeriesKeepsLastAndMaxPerBucket) {
  BucketClock clock(0, 99, 10);  // 100 snapshots in 10 buckets of 10
  StepSeries s;
  for (size_t i = 0; i < 100; ++i) {
    const Moment m = clock.advance(i, static_cast<int64_t>(i) * 1'000'000'000);
    if (i == 0) s.record(m, 5);
    if (i == 33) s.record(m, 50);  // a spike inside bucket 3...
    if (i == 34) s.record(m, 6);   // ...that drains at once
  }
  const ExpandedSeries e = s.expand(clock);
  ASSERT_EQ(e.size(), 10u);
  EXPECT_EQ(e.last[0], 5);
  EXPECT_EQ(e.max[3], 50);  // the spike stays visible in the chart
  EXPECT_EQ(e.last[3], 6);
  EXPECT_EQ(e.max[4], 6);   // carried value, no change in bucket 4
  EXPECT_EQ(e.t_s[9], 99);
  EXPECT_EQ(s.stored_points(), 2u);  // one point per bucket with a change, not per snapshot
}

TEST(BucketedSeries, ABucketWithoutSnapshotsIsLeftOut) {
  BucketClock clock(0, 9, 10);
  StepSeries s;
  for (size_t i : {0, 1, 2, 5, 6}) s.record(clock.advance(i, static_cast<int64_t>(i)), static_cast<int64_t>(i));
  EXPECT_EQ(s.expand(clock).size(), 5u);
}

TEST(LevelEpisodes, OneSnapshotAboveIsNotAnEpisode) {
  const LevelRule rule{0.5, 0.8, 0.9, 2};
  LevelEpisodes e;
  e.update(0, 0.1, rule);
  e.update(5, 0.95, rule);
  e.update(6, 0.1, rule);
  e.finish(20, rule);
  EXPECT_EQ(e.confirmed(), 0);
  EXPECT_EQ(e.touched(), 2);
}

TEST(LevelEpisodes, HoveringAtTheThresholdIsOneEpisode) {
  const LevelRule rule{0.5, 0.8, 0.9, 2};
  LevelEpisodes e;
  for (uint64_t i = 0; i < 20; ++i) e.update(i, i % 2 ? 0.51 : 0.49, rule);  // 0.49 > 0.45
  e.finish(19, rule);
  EXPECT_EQ(e.confirmed(), 1);
  EXPECT_EQ(e.episodes(), 1u);
  EXPECT_EQ(e.first_ordinal(), 1u);
  EXPECT_EQ(e.last_ordinal(), 19u);
}

TEST(LevelEpisodes, AnUnchangedValueKeepsItsLevelWithoutUpdates) {
  const LevelRule rule{0.5, 0.8, 0.9, 2};
  LevelEpisodes e;
  e.update(3, 0.85, rule);  // then nothing changes until the end
  e.finish(4, rule);
  EXPECT_EQ(e.confirmed(), 2);
  EXPECT_EQ(e.held_snapshots(2), 2u);
}

TEST(SocketKeys, PortRangeAndSettingsParse) {
  const auto range = parse_port_range("32768\t60999\n");
  ASSERT_TRUE(range);
  EXPECT_EQ(range->size(), 28232u);
  EXPECT_FALSE(parse_port_range("60999 32768"));
  EXPECT_FALSE(parse_port_range("garbage"));
  EXPECT_EQ(parse_integer_setting(" 262144\n"), 262144);
  EXPECT_FALSE(parse_integer_setting("12x"));
}

TEST(SocketKeys, MappedAddressesAreTheirIpv4Address) {
  Endpoint v4;
  v4.address[0] = 10, v4.address[3] = 7;
  Endpoint mapped;
  mapped.address[10] = mapped.address[11] = 0xff, mapped.address[12] = 10, mapped.address[15] = 7;
  EXPECT_EQ(ip_key(v4, 2), ip_key(mapped, 10));
  EXPECT_EQ(ip_text(ip_key(mapped, 10)), "10.0.0.7");
  EXPECT_EQ(network_prefix_text(ip_key(v4, 2)), "10.0.0.0/24");
}

struct BadHash {  // few distinct hashes: long probe runs that wrap around the table
  size_t operator()(uint64_t key) const { return key % 7 == 0 ? ~size_t{0} : key % 13; }
};

TEST(FlatMap, AgreesWithAnOrderedMapThroughInsertsAndErases) {
  FlatMap<uint64_t, int, BadHash> flat;
  std::map<uint64_t, int> reference;
  uint64_t x = 12345;
  for (int step = 0; step < 20000; ++step) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const uint64_t key = (x >> 33) % 300;
    if ((x >> 20) % 3 == 0) {
      EXPECT_EQ(flat.erase(key), reference.erase(key) == 1);
    } else {
      *flat.try_emplace(key).first = step;
      reference[key] = step;
    }
  }
  EXPECT_EQ(flat.size(), reference.size());
  for (const auto& [key, value] : reference) {
    const int* found = flat.find(key);
    ASSERT_TRUE(found) << key;
    EXPECT_EQ(*found, value);
  }
  size_t visited = 0;
  flat.for_each([&](uint64_t, int&) { ++visited; });
  EXPECT_EQ(visited, reference.size());
}

TEST(DetectorOptionSpecs, NamesAreUniqueAndReachTheirMembers) {
  std::set<std::string_view> names;
  DetectorOptions options;
  for (const DetectorOptionSpec& spec : detector_option_specs()) {
    EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
    EXPECT_FALSE(spec.help.empty()) << spec.name;
    std::visit([&](auto member) { options.*member = 7; }, spec.member);
  }
  EXPECT_EQ(options.time_wait_min_rise, 7);
  EXPECT_EQ(options.queue_min_snapshots, 7u);
  EXPECT_EQ(options.close_wait_max_closed_share, 7);
}

}  // namespace
}  // namespace netsnap::analysis::detectors
