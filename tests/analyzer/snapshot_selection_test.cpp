// --at, --index, --from/--to, --all and their errors, on the committed table-sample fixture
// (six snapshots, 13:00:00 to 13:00:50 CET, 2026-03-01), and the fallback to the latest
// readable snapshot in a damaged copy.
#include "snapshot_selection.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "analyzer/table_sample_recording.h"

namespace netsnap::analysis {
namespace {

class SnapshotSelection : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Timeline::open({table_sample::fixture_path()}, ScanMode::fast);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    timeline_.emplace(std::move(opened.value()));
  }
  Result<SnapshotRange> resolve(const SnapshotSelectorArgs& args,
                                DefaultSelection fallback = DefaultSelection::last_snapshot) {
    const RecordingTimeZone zone(timeline_->header(), false);
    return resolve_selection(*timeline_, zone, args, fallback);
  }
  static SnapshotSelectorArgs at(std::string time) {
    SnapshotSelectorArgs args;
    args.at = std::move(time);
    return args;
  }
  static SnapshotSelectorArgs range(std::optional<std::string> from,
                                    std::optional<std::string> to) {
    SnapshotSelectorArgs args;
    args.from = std::move(from);
    args.to = std::move(to);
    return args;
  }
  std::optional<Timeline> timeline_;
};

// Found by time_argument_fuzzer: durations past 68 years overflowed int when printed.
TEST(DurationFormat, PrintsDurationsBeyondAnIntOfSeconds) {
  auto duration = parse_duration("3549484860");  // bare seconds: 112 years
  ASSERT_TRUE(duration.ok());
  EXPECT_EQ(format_duration(*duration), "985968h01m00s");
}

// Found by time_argument_fuzzer: a year far from 1970 overflowed the nanoseconds (UB).
TEST(TimeArgument, AYearOutside64BitNanosecondsIsAClearError) {
  const RecordingTimeZone zone{FileHeader{}, true};
  for (const char* text : {"1013-03-29 03:00:00+02:00", "2263-01-01T00:00:00Z"}) {
    auto parsed = zone.parse(text, 0, 1'000'000'000);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_NE(parsed.error().message.find("the year must be between 1678 and 2261"), std::string::npos)
        << parsed.error().message;
  }
  EXPECT_TRUE(zone.parse("2261-12-31T00:00:00Z", 0, 1'000'000'000).ok());
}

// Found by time_argument_fuzzer in CI: an 11-digit epoch beyond 2262 (llround out of range
// gave INT64_MIN, and formatting that overflowed), and durations beyond 64-bit nanoseconds.
TEST(TimeArgument, EpochsAndDurationsBeyond64BitNanosecondsAreClearErrors) {
  const RecordingTimeZone zone{FileHeader{}, true};
  auto epoch = zone.parse("17774742430", 0, 1'000'000'000);
  ASSERT_FALSE(epoch.ok());
  EXPECT_NE(epoch.error().message.find("beyond the year 2261"), std::string::npos);
  EXPECT_TRUE(zone.parse("9223372035", 0, 1'000'000'000).ok());  // 2262-04-11
  for (const char* text : {"99999999999999999999s", "300000d", "9223372037", "200000d200000d"}) {
    auto duration = parse_duration(text);
    ASSERT_FALSE(duration.ok()) << text;
    EXPECT_NE(duration.error().message.find("longer than 292 years"), std::string::npos) << text;
  }
  // 106,000 days fit a duration, but not added to a first snapshot in 2001.
  auto far = zone.parse("+106000d", 1'000'000'000'000'000'000, 1'000'000'001'000'000'000);
  ASSERT_FALSE(far.ok());
  EXPECT_NE(far.error().message.find("beyond the years 1678-2261"), std::string::npos);
  // Any stored time formats, even the extremes (a recording is untrusted input).
  EXPECT_FALSE(zone.format(INT64_MIN).empty());
  EXPECT_FALSE(zone.format_iso(INT64_MAX).empty());
}

TEST_F(SnapshotSelection, DefaultsToTheLastOrToEverySnapshot) {
  const auto last = resolve({});
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->first, 5u);
  EXPECT_FALSE(last->is_sequence);
  const auto every = resolve({}, DefaultSelection::every_snapshot);
  EXPECT_EQ(every->first, 0u);
  EXPECT_EQ(every->last, 5u);
  EXPECT_TRUE(every->is_sequence);
}

TEST_F(SnapshotSelection, AtTakesTheLastSnapshotAtOrBeforeInEveryGrammar) {
  for (const char* time :
       {"13:00:25", "13:00:20", "2026-03-01T12:00:29Z", "2026-03-01T13:00:20.5+01:00", "+25s",
        "-30s", "1772366425", "1772366420.000"}) {
    const auto resolved = resolve(at(time));
    ASSERT_TRUE(resolved.ok()) << time << ": " << resolved.error().message;
    EXPECT_EQ(resolved->first, 2u) << time;
  }
}

TEST_F(SnapshotSelection, ATimeOutsideTheRecordingSaysWhatItCovers) {
  for (const char* time : {"12:59:59", "+51s", "2026-03-02T00:00:00Z"}) {
    const auto resolved = resolve(at(time));
    ASSERT_FALSE(resolved.ok()) << time;
    EXPECT_NE(resolved.error().message.find(
                  "is outside the recording: the recording covers 2026-03-01 13:00:00 CET to "
                  "2026-03-01 13:00:50 CET (6 snapshots)"),
              std::string::npos)
        << resolved.error().message;
  }
  EXPECT_NE(resolve(at("noon")).error().message.find("--at: time 'noon': expected RFC 3339"),
            std::string::npos);
}

TEST_F(SnapshotSelection, IndexCountsFromEitherEnd) {
  SnapshotSelectorArgs args;
  args.index = -1;
  EXPECT_EQ(resolve(args)->first, 5u);
  args.index = -6;
  EXPECT_EQ(resolve(args)->first, 0u);
  args.index = 2;
  EXPECT_EQ(resolve(args)->first, 2u);
  args.index = 6;
  EXPECT_EQ(
      resolve(args).error().message,
      "--index 6 is outside the recording, which holds 6 snapshots (0..5, or -6..-1 from the end)");
  args.index = -7;
  EXPECT_FALSE(resolve(args).ok());
}

TEST_F(SnapshotSelection, FromToKeepsTheSnapshotsBetweenEitherEndOptional) {
  const auto both = resolve(range("13:00:05", "13:00:30"));
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->first, 1u);
  EXPECT_EQ(both->last, 3u);
  EXPECT_TRUE(both->is_sequence);
  EXPECT_EQ(resolve(range("+40s", std::nullopt))->first, 4u);
  EXPECT_EQ(resolve(range(std::nullopt, "13:00:10"))->last, 1u);
  // Starting before the recording is fine: the range is what the recording has of it.
  EXPECT_EQ(resolve(range("12:00", "13:00:00"))->last, 0u);
  EXPECT_NE(resolve(range("13:00:01", "13:00:09")).error().message.find("no snapshot between"),
            std::string::npos);
  EXPECT_NE(resolve(range("13:00:30", "13:00:10")).error().message.find("is later than --to"),
            std::string::npos);
  EXPECT_NE(resolve(range("13:05", std::nullopt)).error().message.find("--from '13:05'"),
            std::string::npos);
}

TEST_F(SnapshotSelection, ConflictingSelectorsAreRefused) {
  SnapshotSelectorArgs args = at("13:00");
  args.all = true;
  EXPECT_EQ(
      check_selectors(args).error().message,
      "conflicting selectors --at and --all: choose one of --at, --index, --all, --from/--to");
  args = range("13:00", std::nullopt);
  args.index = 1;
  EXPECT_FALSE(check_selectors(args).ok());
  EXPECT_FALSE(resolve(args).ok());
  EXPECT_TRUE(check_selectors(range("13:00", "13:01")).ok());
}

TEST(ReadLatestReadable, ADamagedSnapshotFallsBackToTheOneBefore) {
  std::ifstream in(table_sample::fixture_path(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto intact = Timeline::open({table_sample::fixture_path()}, ScanMode::fast);
  ASSERT_TRUE(intact.ok());
  // Corrupt the payload of snapshot 4 (a delta after key 3): 4 and 5 become unreadable.
  const uint64_t offset = intact->entries()[4].offset;
  bytes[offset + 40] = static_cast<char>(bytes[offset + 40] ^ 0x5a);
  const std::string path = ::testing::TempDir() + "damaged-table-sample.netsnap";
  std::ofstream(path, std::ios::binary) << bytes;

  auto damaged = Timeline::open({path}, ScanMode::fast);
  ASSERT_TRUE(damaged.ok());
  size_t used = 0;
  const auto snapshot = read_latest_readable(*damaged, 5, used);
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().message;
  EXPECT_EQ(used, 3u);
  EXPECT_EQ(snapshot->wall_ns, table_sample::first_wall_ns + 3 * table_sample::interval_ns);
  EXPECT_FALSE(damaged->damage().empty());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace netsnap::analysis
