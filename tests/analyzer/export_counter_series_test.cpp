// The compact buffer OpenMetrics counter export replays series by series: every value comes
// back exactly (extremes, negatives, resets), in time order, per series; series that come and
// go (a kernel change between files) have samples only where recorded; the cost per unchanged
// sample is one byte.
#include "export_counter_series.h"

#include <gtest/gtest.h>

#include <limits>

#include "synth/synthetic_recording.h"

namespace netsnap::analysis {
namespace {

using Samples = std::vector<std::pair<int64_t, int64_t>>;

Samples samples_of(const CounterSeriesBuffer& buffer, size_t id) {
  Samples samples;
  buffer.for_each_sample(id, [&](int64_t t, int64_t v) { samples.emplace_back(t, v); });
  return samples;
}

Snapshot snapshot_at(int64_t wall_ns, std::vector<CounterTable> counters) {
  Snapshot snapshot;
  snapshot.wall_ns = wall_ns;
  snapshot.counters = std::move(counters);
  return snapshot;
}

TEST(CounterSeriesBuffer, ExtremesNegativesAndResetsComeBackExactly) {
  constexpr int64_t max = std::numeric_limits<int64_t>::max();
  constexpr int64_t min = std::numeric_limits<int64_t>::min();
  const std::vector<int64_t> values = {max, 0, -1, min, 5, 5, 4, max, min, 0};
  CounterSeriesBuffer buffer;
  Samples want;
  for (size_t i = 0; i < values.size(); ++i) {
    const int64_t t = 1000 + static_cast<int64_t>(i);
    buffer.add(snapshot_at(t, {{"fs.file-nr", {"max"}, {values[i]}}}));
    want.emplace_back(t, values[i]);
  }
  ASSERT_EQ(buffer.names().size(), 1u);
  EXPECT_EQ(buffer.names()[0].table, "fs.file-nr");
  EXPECT_EQ(buffer.names()[0].counter, "max");
  EXPECT_EQ(samples_of(buffer, 0), want);
}

TEST(CounterSeriesBuffer, SeriesThatComeAndGoKeepTheirOwnTimes) {
  CounterSeriesBuffer buffer;
  buffer.add(snapshot_at(1, {{"Tcp", {"A", "B"}, {1, 2}}}));
  buffer.add(snapshot_at(2, {{"Tcp", {"A"}, {3}}}));  // B missing here
  // Another kernel: tables in another order and a new name at B's old position.
  buffer.add(snapshot_at(3, {{"Udp", {"X"}, {9}}, {"Tcp", {"B", "A"}, {7, 8}}}));
  ASSERT_EQ(buffer.names().size(), 3u);
  EXPECT_EQ(samples_of(buffer, 0), (Samples{{1, 1}, {2, 3}, {3, 8}}));
  EXPECT_EQ(samples_of(buffer, 1), (Samples{{1, 2}, {3, 7}}));
  EXPECT_EQ(samples_of(buffer, 2), (Samples{{3, 9}}));
}

TEST(CounterSeriesBuffer, MatchesEverySyntheticCounterAndCostsLittle) {
  synth::SyntheticSpec spec;
  spec.sockets = 300;
  spec.churn = 0.05;
  synth::SyntheticHost host(spec);
  CounterSeriesBuffer buffer;
  std::vector<Snapshot> kept;
  size_t samples = 0;
  for (int i = 0; i < 200; ++i) {
    const Snapshot& snapshot = host.next();
    buffer.add(snapshot);
    kept.push_back(snapshot_at(snapshot.wall_ns, snapshot.counters));
    for (const CounterTable& table : snapshot.counters) samples += table.values.size();
  }
  ASSERT_GT(buffer.names().size(), 100u);
  for (size_t id = 0; id < buffer.names().size(); ++id) {
    const Samples got = samples_of(buffer, id);
    ASSERT_EQ(got.size(), kept.size()) << buffer.names()[id].counter;
    for (size_t i = 0; i < kept.size(); ++i) {
      int64_t want = 0;
      for (const CounterTable& table : kept[i].counters)
        for (size_t v = 0; v < table.names.size(); ++v)
          if (table.name == buffer.names()[id].table &&
              table.names[v] == buffer.names()[id].counter)
            want = table.values[v];
      ASSERT_EQ(got[i], std::make_pair(kept[i].wall_ns, want)) << buffer.names()[id].counter;
    }
  }
  // Most counters stand still from one snapshot to the next: well under 2 bytes per sample
  // (raw values would take 8).
  EXPECT_LT(buffer.sample_bytes(), samples * 2);
}

TEST(KernelGauges, LevelsAreGaugesAndCountsAreCounters) {
  EXPECT_TRUE(is_kernel_gauge("sockstat.TCP", "tw"));
  EXPECT_TRUE(is_kernel_gauge("sockstat6.UDP6", "inuse"));
  EXPECT_TRUE(is_kernel_gauge("fs.file-nr", "allocated"));
  EXPECT_TRUE(is_kernel_gauge("Tcp", "CurrEstab"));
  EXPECT_TRUE(is_kernel_gauge("Tcp", "MaxConn"));
  EXPECT_TRUE(is_kernel_gauge("Ip", "DefaultTTL"));
  EXPECT_FALSE(is_kernel_gauge("Tcp", "ActiveOpens"));
  EXPECT_FALSE(is_kernel_gauge("TcpExt", "ListenOverflows"));
  EXPECT_FALSE(is_kernel_gauge("TcpExt", "TW"));  // TIME_WAITs ended, a count
  EXPECT_FALSE(is_kernel_gauge("Ip", "InReceives"));
}

}  // namespace
}  // namespace netsnap::analysis
