// tw_bucket_overflow: the host's TIME_WAIT sockets against net.ipv4.tcp_max_tw_buckets. Past
// the limit the kernel closes sockets without TIME_WAIT (risking stray old segments landing in
// new connections) and counts TcpExt TCPTimeWaitOverflow.
// Rule: TIME_WAIT >= tw_buckets_warn_ratio of the limit for level_min_snapshots (warning);
// any increase of TCPTimeWaitOverflow (critical). The count is sockstat.TCP's tw, else the
// recorded TIME_WAIT sockets.
#pragma once

#include <cstdint>

#include "detectors/finding_builder.h"
#include "detectors/level_episodes.h"

namespace netsnap::analysis::detectors {

class TwBucketOverflow {
 public:
  explicit TwBucketOverflow(const DetectorOptions& options) : options_(options) {}

  // Once per snapshot, after the sockets' events: `time_wait_sockets` is the recorded count
  // (the fallback when the counters have no sockstat).
  void end_snapshot(const FeedContext& context, int64_t time_wait_sockets);
  void finish(const FinishContext& context);

 private:
  LevelRule rule() const;

  const DetectorOptions& options_;
  bool started_ = false;
  int64_t gauge_ = 0;
  std::optional<int64_t> limit_;
  bool gauge_from_sockets_ = false;
  StepSeries gauge_series_;
  LevelEpisodes episodes_;
  int64_t peak_ = 0;
  uint64_t peak_ordinal_ = 0;
  // TCPTimeWaitOverflow increases.
  int64_t overflows_ = 0, max_overflow_delta_ = 0;
  uint64_t first_overflow_ = 0, last_overflow_ = 0, max_overflow_ordinal_ = 0;
  uint64_t overflow_intervals_ = 0;
};

}  // namespace netsnap::analysis::detectors
