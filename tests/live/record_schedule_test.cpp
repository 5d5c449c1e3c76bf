// When netsnap-record takes snapshots: on the grid start + k x interval (no drift, skipped
// ticks accounted for), exactly --count of them, and no longer than --duration. Tolerances
// are loose on purpose (shared, noisy machines): the assertions are about the grid, not about
// wake-up latency.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <regex>

#include "live_support.h"
#include "namespace_owner.h"

namespace netsnap::live {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// "netsnap-record: 10 snapshots, ... 0 ticks skipped" -> 0.
std::optional<uint64_t> skipped_ticks(const std::vector<std::string>& stderr_lines) {
  static const std::regex summary(R"(, (\d+) ticks skipped)");
  for (const std::string& line : stderr_lines) {
    std::smatch match;
    if (std::regex_search(line, match, summary)) return std::stoull(match[1]);
  }
  return std::nullopt;
}

class RecordSchedule : public ::testing::Test {
 protected:
  RunOptions options(std::vector<std::string> args, const NamespaceOwner& owner) {
    args.insert(args.begin(), {"--netns", owner.netns_path()});
    return {args, "", {}, false, dir_.path()};
  }
  TempDir dir_;
};

TEST_F(RecordSchedule, SnapshotsStayOnTheIntervalGridWithoutDrift) {
  NETSNAP_START_OWNER(owner, SocketScenario::minimal, dir_.path());
  const std::string file = dir_.file("grid.netsnap");
  constexpr int64_t interval = 200'000'000;
  ProcessRun run;
  const ExitStatus status = run_recorder(options({"-n", "10", "-c", "0.2", "-o", file}, owner), run);
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << run.stderr_text();
  const auto skipped = skipped_ticks(run.stderr_lines());
  ASSERT_TRUE(skipped) << "no summary line: " << run.stderr_text();

  const Recording recording = read_recording({file});
  ASSERT_TRUE(recording.ok) << recording.error;
  ASSERT_EQ(recording.snapshots.size(), 10u);
  const Snapshot& first = recording.snapshots.front();
  // Snapshot k is taken at its tick plus a wake-up latency: never early (beyond the first
  // snapshot's own latency, `early`), rarely late by much, and never by an amount that adds up
  // from one snapshot to the next. Latency bounds are loose (noisy machines); the grid
  // properties are exact: one snapshot per tick, ticks in order, and the last one on tick 9
  // plus the ticks the summary says were skipped.
  constexpr int64_t early = 30'000'000, late = 150'000'000;
  int64_t previous_tick = -1;
  std::vector<int64_t> lateness;
  for (const Snapshot& s : recording.snapshots) {
    SCOPED_TRACE("seq " + std::to_string(s.seq));
    const int64_t since_first = s.mono_ns - first.mono_ns;
    const int64_t tick = (since_first + early) / interval;
    const int64_t off_grid = since_first - tick * interval;
    EXPECT_LE(off_grid, late) << since_first << " ns after the first snapshot";
    EXPECT_GT(tick, previous_tick) << "two snapshots on one tick";
    previous_tick = tick;
    lateness.push_back(off_grid);
    // The wall clock advances with the monotonic one (both are taken at the capture start).
    EXPECT_LE(std::llabs((s.wall_ns - first.wall_ns) - since_first), 50'000'000);
    EXPECT_GT(s.capture_ns, 0);
  }
  EXPECT_EQ(previous_tick, 9 + static_cast<int64_t>(*skipped)) << "the schedule drifted";
  // A loop that sleeps one interval after each capture drifts by the capture time every
  // snapshot, so most of its snapshots are far off the grid; a grid loop is punctual most of
  // the time even on a busy machine.
  std::nth_element(lateness.begin(), lateness.begin() + 5, lateness.end());
  EXPECT_LE(lateness[5], 40'000'000) << "median distance from the grid";
  EXPECT_EQ(recording.snapshots.back().seq, 10u);
}

TEST_F(RecordSchedule, CountStopsAfterExactlyNSnapshots) {
  NETSNAP_START_OWNER(owner, SocketScenario::minimal, dir_.path());
  const std::string file = dir_.file("count.netsnap");
  ProcessRun run;
  const ExitStatus status =
      run_recorder(options({"-q", "--count", "3", "--interval", "0.1", "-o", file}, owner), run);
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << run.stderr_text();
  const Recording recording = read_recording({file});
  ASSERT_TRUE(recording.ok) << recording.error;
  ASSERT_EQ(recording.snapshots.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(recording.snapshots[i].seq, i + 1);
  EXPECT_LT(run.elapsed().count(), 10.0);
}

TEST_F(RecordSchedule, DurationStopsAfterTheGivenTime) {
  NETSNAP_START_OWNER(owner, SocketScenario::minimal, dir_.path());
  const std::string file = dir_.file("duration.netsnap");
  ProcessRun run;
  const ExitStatus status =
      run_recorder(options({"--duration", "1s", "-c", "0.2", "-o", file}, owner), run);
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << run.stderr_text();
  const auto skipped = skipped_ticks(run.stderr_lines());
  ASSERT_TRUE(skipped) << run.stderr_text();
  const Recording recording = read_recording({file});
  ASSERT_TRUE(recording.ok) << recording.error;
  // Ticks 0, 0.2, 0.4, 0.6 and 0.8 s lie inside one second; 1.0 s does not.
  EXPECT_EQ(recording.snapshots.size() + *skipped, 5u);
  EXPECT_GE(run.elapsed().count(), 0.95);
  EXPECT_LT(run.elapsed().count(), 6.0);
}

// The run ends when the duration does, not at the first tick after it.
TEST_F(RecordSchedule, DurationShorterThanTheIntervalDoesNotWaitForTheNextTick) {
  NETSNAP_START_OWNER(owner, SocketScenario::minimal, dir_.path());
  const std::string file = dir_.file("short.netsnap");
  ProcessRun run;
  const ExitStatus status =
      run_recorder(options({"-q", "--duration", "1s", "-c", "20", "-o", file}, owner), run);
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << run.stderr_text();
  EXPECT_GE(run.elapsed().count(), 0.95);
  EXPECT_LT(run.elapsed().count(), 8.0) << "waited for the tick at 20 s";
  const Recording recording = read_recording({file});
  ASSERT_TRUE(recording.ok) << recording.error;
  EXPECT_EQ(recording.snapshots.size(), 1u);
}

}  // namespace
}  // namespace netsnap::live
