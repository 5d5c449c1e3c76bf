// The recorder's loop: a snapshot on every tick of the grid, written before the next begins,
// until the count or duration is reached or a stop signal arrives.
#pragma once

#include <cstdint>

#include "recording_output.h"
#include "signal_watcher.h"
#include "snapshot_sampler.h"

namespace netsnap {

struct LoopLimits {
  int64_t interval_ns = 1'000'000'000;
  uint64_t count = 0;       // 0: no limit
  int64_t duration_ns = 0;  // 0: no limit
};

struct LoopReport {
  uint64_t snapshots = 0;
  uint64_t write_failures = 0;  // snapshots lost to a failed write (disk full)
  uint64_t skipped_ticks = 0;
  int64_t capture_ns_total = 0;
};

// Runs until done; write failures are reported on stderr once per kind and retried on the
// next tick (the file stays intact), and the next snapshot that is stored carries a capture
// error saying how many were lost since when. Retention runs at start, after every file
// change and every minute. Returns an Error only when the output cannot be reopened.
Result<LoopReport> run_sampling_loop(SnapshotSampler& sampler, RecordingOutput& output,
                                     SignalWatcher& signals, const LoopLimits& limits);

}  // namespace netsnap
