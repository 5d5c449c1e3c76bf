#include "sampling_loop.h"

#include <iostream>

#include "tick_schedule.h"

namespace netsnap {

Result<LoopReport> run_sampling_loop(SnapshotSampler& sampler, RecordingWriter& writer,
                                     SignalWatcher& signals, const LoopLimits& limits) {
  LoopReport report;
  const int64_t start = monotonic_ns();
  TickSchedule ticks(start, limits.interval_ns);
  int64_t deadline = ticks.first();
  std::string last_error;
  Snapshot snapshot;
  while (!signals.stop_requested()) {
    signals.sleep_until(deadline);
    if (signals.stop_requested()) break;
    if (signals.take_reopen_request()) {
      if (Status st = writer.reopen(); !st) return st.error();
    }
    if (monotonic_ns() < deadline) continue;  // woken early by SIGHUP
    if (limits.duration_ns > 0 && deadline - start >= limits.duration_ns) break;

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
