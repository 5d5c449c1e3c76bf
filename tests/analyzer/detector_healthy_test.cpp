// The whole detector set over netsnap-synth-like healthy recordings (written and read back
// through the real format library): nothing above info. Plus the windows a report can be asked
// for that hold little or nothing: empty, one snapshot, no owners, no counters.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "analyzer/detector_test_host.h"
#include "detectors/run_detectors.h"
#include "netsnap/recording_reader.h"
#include "synth/synthetic_recording.h"

namespace netsnap::detector_test {
namespace {

using analysis::detectors::run_detectors;

class SynthRecording {
 public:
  SynthRecording(const std::string& name, const synth::SyntheticSpec& spec) {
    const auto dir = std::filesystem::temp_directory_path() / ("netsnap-detector-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    path_ = (dir / (name + ".netsnap")).string();
    if (auto ok = synth::write_synthetic_recording(path_, spec, WriterOptions{}); !ok)
      throw std::runtime_error(ok.error().message);
  }
  ~SynthRecording() { std::filesystem::remove(path_); }
  std::vector<Finding> run(DetectorReport& notes, const DetectorOptions& options = {}) {
    auto timeline = Timeline::open({path_}, ScanMode::fast);
    if (!timeline) throw std::runtime_error(timeline.error().message);
    return run_detectors(*timeline, 0, timeline->entries().size() - 1, options, notes);
  }

 private:
  std::string path_;
};

std::vector<Finding> above_info(const std::vector<Finding>& findings) {
  std::vector<Finding> out;
  for (const Finding& f : findings)
    if (f.severity != Severity::info) out.push_back(f);
  return out;
}

TEST(HealthyRecording, ABusyServerWithChurnIsQuiet) {
  synth::SyntheticSpec spec;
  spec.sockets = 3000;
  spec.snapshots = 180;
  spec.churn = 0.01;
  spec.queue_activity = 0.05;
  spec.timers = true;  // TIME_WAIT expires after 60 s and is replaced: a flat count
  SynthRecording recording("healthy-churn", spec);
  DetectorReport notes;
  const auto findings = recording.run(notes);
  EXPECT_TRUE(above_info(findings).empty()) << describe(findings);
  EXPECT_EQ(notes.snapshots, 180u);
  EXPECT_EQ(notes.full_recounts, 1u);
  EXPECT_TRUE(notes.not_judged.empty());  // owners, counters and settings are all there
}

TEST(HealthyRecording, SteadyPoolsGapsAndNamespacesAreQuiet) {
  synth::SyntheticSpec spec;
  spec.sockets = 2000;
  spec.snapshots = 120;
  spec.churn = 0.0;  // pooled connections that live the whole window
  spec.queue_activity = 0.08;
  spec.namespaces = 2;
  spec.gaps_after = {30, 30, 80};  // a 3 s step and a 2 s step
  spec.seed = 7;
  SynthRecording recording("healthy-pools", spec);
  DetectorReport notes;
  const auto findings = recording.run(notes);
  EXPECT_TRUE(above_info(findings).empty()) << describe(findings);
  EXPECT_EQ(notes.gaps, 2u);
}

TEST(HealthyRecording, WithoutOwnersItSaysWhatItCouldNotJudge) {
  synth::SyntheticSpec spec;
  spec.sockets = 1000;
  spec.snapshots = 40;
  spec.churn = 0.01;
  spec.owners = false;
  SynthRecording recording("healthy-no-owners", spec);
  DetectorReport notes;
  const auto findings = recording.run(notes);
  EXPECT_TRUE(above_info(findings).empty()) << describe(findings);
  EXPECT_TRUE(has_not_judged(notes, "close_wait_leak"));
}

TEST(Windows, EmptyAndOutOfRangeWindowsAreNotJudged) {
  TestHost host("window-empty");
  host.snap();
  DetectorReport notes;
  EXPECT_TRUE(host.run({}, &notes, 5, 9).empty());
  ASSERT_FALSE(notes.not_judged.empty());
  EXPECT_EQ(notes.not_judged[0].kind, "all");
  EXPECT_TRUE(host.run({}, &notes, 1, 0).empty());
  EXPECT_TRUE(has_not_judged(notes, "all"));
}

TEST(Windows, ASubWindowSeesOnlyItsSnapshots) {
  TestHost host("window-part");
  uint64_t cookie = 1;
  for (int i = 0; i < 60; ++i) {
    if (i >= 30)
      for (int k = 0; k < 50; ++k, ++cookie)
        host.sockets().push_back(tcp(tcp_state::time_wait, v4(10, 0, 1, 10, static_cast<uint16_t>(33000 + cookie)),
                                     v4(10, 0, 0, 5, 443), cookie));
    host.snap();
  }
  DetectorReport notes;
  EXPECT_TRUE(of_kind(host.run({}, &notes, 0, 29), "time_wait_buildup").empty());
  EXPECT_EQ(notes.snapshots, 30u);
  EXPECT_EQ(of_kind(host.run({}, &notes, 30, 59), "time_wait_buildup").size(), 1u);
}

TEST(Windows, NoCountersAreNamed) {
  TestHost host("window-no-counters");
  for (int i = 0; i < 10; ++i) host.snap();
  DetectorReport notes;
  host.run({}, &notes);
  for (const char* kind : {"accept_queue_overflow", "syn_queue_overflow", "tw_bucket_overflow"})
    EXPECT_TRUE(has_not_judged(notes, kind)) << kind;
}

}  // namespace
}  // namespace netsnap::detector_test
