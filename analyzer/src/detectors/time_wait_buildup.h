// time_wait_buildup: a TIME_WAIT count that keeps rising, per destination this host connects
// to (local IP, remote IP, remote port: one port space) and for the host. A flat count is not
// a problem (it is the close rate times 60 s); a rise means connections are closed faster than
// before, and towards one destination it eats that destination's ephemeral ports.
// Rule: Mann-Kendall rising (p < trend_alpha), Theil-Sen slope > 0 and a net rise of at least
// time_wait_min_rise sockets, over at least trend_min_points points.
#pragma once

#include <cstdint>

#include "detectors/finding_builder.h"
#include "detectors/keyed_counts.h"
#include "detectors/trend_statistics.h"

namespace netsnap::analysis::detectors {

class TimeWaitBuildup {
 public:
  explicit TimeWaitBuildup(const DetectorOptions& options) : options_(options) {}

  void reset();
  void added(const FeedContext& context, uint64_t netns, const Socket& socket);
  void removed(const FeedContext& context, uint64_t netns, const Socket& socket);
  void end_snapshot(const FeedContext& context);
  void finish(const FinishContext& context);

  int64_t total() const { return total_; }  // live TIME_WAIT sockets, all namespaces

 private:
  void count(const FeedContext& context, uint64_t netns, const Socket& socket, int64_t delta);
  Finding flow_finding(const FinishContext& context, const FlowKey& key,
                       const KeyedCounts<FlowKey>::Slot& slot, const ExpandedSeries& series,
                       const TrendAssessment& trend) const;

  const DetectorOptions& options_;
  KeyedCounts<FlowKey> by_flow_;
  int64_t total_ = 0;
  bool totals_dirty_ = true;
  StepSeries total_series_;
  int64_t total_peak_ = 0;
  uint64_t total_peak_ordinal_ = 0;
};

}  // namespace netsnap::analysis::detectors
