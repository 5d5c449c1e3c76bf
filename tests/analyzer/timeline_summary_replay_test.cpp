// `timeline --by state|proto` replays socket summaries (netsnap/socket_summary.h) instead of
// whole sockets. Its output must be byte for byte what the whole-socket replay gives, in every
// format, with --every, in windows that start between key snapshots, and through damage and
// gaps: the same rows, the same snapshots skipped, the same damage reported.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "netsnap/recording_reader.h"
#include "recording_time_zone.h"
#include "synth/synthetic_recording.h"
#include "timeline_command.h"

namespace netsnap::analysis {
namespace {

class DamagedSyntheticRecording {
 public:
  DamagedSyntheticRecording() {
    char name[] = "/tmp/netsnap-summary-replay-XXXXXX";
    const int fd = mkstemp(name);
    if (fd >= 0) close(fd);
    path_ = name;
    synth::SyntheticSpec spec;
    spec.sockets = 300;
    spec.snapshots = 240;
    spec.churn = 0.05;          // sockets opened and closed every step
    spec.queue_activity = 0.3;  // queues (the Recv-Q/Send-Q columns) change often
    spec.timers = true;         // TIME_WAIT counted down and replaced: state changes
    spec.tcp_info = true;       // tcp_info columns to skip in added and changed sockets
    spec.namespaces = 2;
    spec.gaps_after = {30, 31, 150};
    WriterOptions options;
    options.key_interval = 16;  // many keys: halves, rebuilds and recounts at keys
    written_ = synth::write_synthetic_recording(path_, spec, options).ok();
    if (!written_) return;
    // Flip a payload byte of a delta and of a key: each fails its CRC when read.
    auto listing = Timeline::open({path_}, ScanMode::fast);
    if (!listing) return;
    std::fstream file(path_, std::ios::in | std::ios::out | std::ios::binary);
    for (size_t index : {size_t{45}, size_t{96}}) {
      damaged_key_ = damaged_key_ || listing->entries().at(index).is_key;
      const auto at = static_cast<std::streamoff>(listing->entries().at(index).offset + 48);
      file.seekg(at);
      const char byte = static_cast<char>(file.get() ^ 0x5a);
      file.seekp(at);
      file.put(byte);
    }
  }
  ~DamagedSyntheticRecording() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }
  bool written() const { return written_; }
  bool damaged_key() const { return damaged_key_; }

 private:
  std::string path_;
  bool written_ = false, damaged_key_ = false;
};

struct TimelineRun {
  std::string output;
  std::vector<std::string> damage;  // "offset: reason"
  uint64_t snapshots = 0, full_recounts = 0;
};

TimelineRun run(const std::string& path, TimelineRequest request, bool whole_sockets) {
  TimelineRun result;
  auto timeline = Timeline::open({path}, ScanMode::fast);
  if (!timeline) {
    result.output = "open failed: " + timeline.error().message;
    return result;
  }
  request.whole_sockets = whole_sockets;
  const RecordingTimeZone zone(timeline->header(), request.utc);
  auto series = compute_timeline(*timeline, zone, request);
  if (!series) {
    result.output = "failed: " + series.error().message;
    return result;
  }
  result.snapshots = series->snapshots;
  result.full_recounts = series->full_recounts;
  std::ostringstream out;
  EXPECT_TRUE(run_timeline(*timeline, request, out).ok());
  result.output = out.str();
  for (const DamagedRegion& region : timeline->damage())
    result.damage.push_back(std::to_string(region.offset) + ": " + region.reason);
  return result;
}

TEST(TimelineSummaryReplay, EqualsWholeSocketReplayInEveryFormatThroughDamageAndGaps) {
  DamagedSyntheticRecording recording;
  ASSERT_TRUE(recording.written());
  EXPECT_TRUE(recording.damaged_key());  // 96 = 6 * 16: a key, so deltas after it are lost
  for (const TimelineGroupBy by : {TimelineGroupBy::state, TimelineGroupBy::proto}) {
    for (const OutputFormat format : {OutputFormat::text, OutputFormat::csv, OutputFormat::json}) {
      for (const bool every : {false, true}) {
        // Whole range, and a window starting and ending between keys (rebuilt from a key).
        for (const bool window : {false, true}) {
          TimelineRequest request;
          request.by = by;
          request.format = format;
          request.sparkline_width = format == OutputFormat::text ? 80 : 0;
          if (every) request.every_ns = 7'000'000'000;
          if (window) {
            request.selection.from = "+21s";
            request.selection.to = "+200s";
          }
          const std::string what = "by " + std::to_string(static_cast<int>(by)) + " format " +
                                   std::to_string(static_cast<int>(format)) +
                                   (every ? " every" : "") + (window ? " window" : "");
          const TimelineRun whole = run(recording.path(), request, true);
          const TimelineRun summaries = run(recording.path(), request, false);
          EXPECT_EQ(summaries.output, whole.output) << what;
          EXPECT_EQ(summaries.damage, whole.damage) << what;
          EXPECT_EQ(summaries.snapshots, whole.snapshots) << what;
          // Both replays met the damage, and the summaries really were the path taken: they
          // count from scratch at every key, the whole-socket replay matches sockets there.
          EXPECT_GE(whole.damage.size(), 2u) << what;
          EXPECT_GT(summaries.full_recounts, whole.full_recounts) << what;
          EXPECT_GT(whole.output.size(), 1000u) << what;
        }
      }
    }
  }
}

}  // namespace
}  // namespace netsnap::analysis
