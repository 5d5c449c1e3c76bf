#include "sampling_loop.h"

#include <algorithm>
#include <cstdint>
#include <iostream>

#include "tick_schedule.h"

namespace netsnap {

Result<LoopReport> run_sampling_loop(SnapshotSampler& sampler, RecordingWriter& writer,
                                     SignalWatcher& signals, const LoopLimits& limits) {
  LoopReport report;
  const int64_t start = monotonic_ns();
  // --duration ends the run at start + duration, not at the first tick after it: with
  // "-c 60 --duration 90s" the recorder stops at 90 s, not at 120 s.
  const int64_t end = limits.duration_ns > 0 ? start + limits.duration_ns : INT64_MAX;
  TickSchedule ticks(start, limits.interval_ns);
  int64_t deadline = ticks.first();
  std::string last_error;
  Snapshot snapshot;
  for (;;) {
    signals.sleep_until(std::min(deadline, end));
    if (signals.stop_requested()) break;
    if (signals.take_reopen_request()) {
      if (Status st = writer.reopen(); !st) return st.error();
    }
    if (deadline >= end) {  // no tick left inside the duration: wait for its end, then stop
      if (monotonic_ns() >= end) break;
      continue;             // woken early by SIGHUP
    }
    if (monotonic_ns() < deadline) continue;  // woken early by SIGHUP

    sampler.sample(snapshot);
    report.capture_ns_total += snapshot.capture_ns;
    if (Status st = writer.write(snapshot); !st) {
      ++report.write_failures;
      if (st.error().message != last_error) std::cerr << "netsnap-record: " << st.error().message << "\n";
      last_error = st.error().message;
    } else {
      ++report.snapshots;
      last_error.clear();
    }
    if (limits.count > 0 && report.snapshots + report.write_failures >= limits.count) break;
    deadline = ticks.next_after(monotonic_ns());
  }
  report.skipped_ticks = ticks.skipped();
  return report;
}

}  // namespace netsnap
