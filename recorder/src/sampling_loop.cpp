#include "sampling_loop.h"

#include <algorithm>
#include <cstdint>
#include <iostream>

#include "tick_schedule.h"

namespace netsnap {

namespace {

// Says each problem once until it goes away (a full disk fails every tick).
class ProblemReporter {
 public:
  void say(const std::string& message) {
    if (message == last_) return;
    std::cerr << "netsnap-record: " << message << "\n";
    last_ = message;
  }
  void clear() { last_.clear(); }

 private:
  std::string last_;
};

// Snapshots that could not be written, told in the next one that is (so the gap in the
// timeline is explained in the recording itself, not only on stderr).
struct LostSnapshots {
  uint64_t count = 0;
  std::string why;

  CaptureError as_capture_error() const {
    return {"recorder", std::to_string(count) + " snapshot" + (count == 1 ? "" : "s") +
                            " before this one could not be written (" + why + ")"};
  }
};

}  // namespace

Result<LoopReport> run_sampling_loop(SnapshotSampler& sampler, RecordingOutput& output,
                                     SignalWatcher& signals, const LoopLimits& limits) {
  LoopReport report;
  const int64_t start = monotonic_ns();
  // --duration ends the run at start + duration, not at the first tick after it: with
  // "-c 60 --duration 90s" the recorder stops at 90 s, not at 120 s.
  const int64_t end = limits.duration_ns > 0 ? start + limits.duration_ns : INT64_MAX;
  constexpr int64_t kRetentionEvery = 60'000'000'000;
  TickSchedule ticks(start, limits.interval_ns);
  int64_t deadline = ticks.first();
  int64_t retention_due = start;
  ProblemReporter problems;
  LostSnapshots lost;
  std::string current_file;
  Snapshot snapshot;
  for (;;) {
    signals.sleep_until(std::min(deadline, end));
    if (signals.stop_requested()) break;
    if (signals.take_reopen_request()) {
      if (Status st = output.reopen(); !st) return st.error();
    }
    if (deadline >= end) {  // no tick left inside the duration: wait for its end, then stop
      if (monotonic_ns() >= end) break;
      continue;             // woken early by SIGHUP
    }
    if (monotonic_ns() < deadline) continue;  // woken early by SIGHUP

    sampler.sample(snapshot);
    report.capture_ns_total += snapshot.capture_ns;
    if (lost.count) snapshot.errors.push_back(lost.as_capture_error());
    if (Status st = output.write(snapshot); !st) {
      ++report.write_failures;
      ++lost.count;
      lost.why = st.error().message;
      problems.say(st.error().message);
    } else {
      ++report.snapshots;
      if (lost.count) std::cerr << "netsnap-record: writing again; " << lost.count
                                << " snapshot(s) were lost\n";
      lost = {};
      problems.clear();
    }
    for (const auto& notice : output.take_notices()) problems.say(notice);
    const int64_t now = monotonic_ns();
    if (output.current_path() != current_file || now >= retention_due) {
      current_file = output.current_path();
      retention_due = now + kRetentionEvery;
      if (Status st = output.enforce_retention(snapshot.wall_ns); !st) problems.say(st.error().message);
    }
    if (limits.count > 0 && report.snapshots + report.write_failures >= limits.count) break;
    // A capture that ran past the end of --duration: the ticks after the end were never due,
    // so they are not counted as skipped.
    if (monotonic_ns() >= end) break;
    deadline = ticks.next_after(monotonic_ns());
  }
  report.skipped_ticks = ticks.skipped();
  return report;
}

}  // namespace netsnap
