// ephemeral_port_pressure: how much of net.ipv4.ip_local_port_range one destination uses.
// Each (local IP, remote IP, remote port) has the whole range to itself, so new connections to
// it fail with EADDRNOTAVAIL once every local port is held by a connection or a TIME_WAIT
// socket towards it. A socket counts when its local port is inside the range (this host is the
// client) and it is not listening.
// Rule: used >= port_warn_ratio of the range (warning) or >= port_critical_ratio (critical),
// held for level_min_snapshots, with hysteresis. Reports the used ports, the capacity, churn
// (connections opened per second towards it) and a time to exhaustion from the recent trend.
#pragma once

#include <cstdint>

#include "detectors/finding_builder.h"
#include "detectors/keyed_counts.h"
#include "detectors/level_episodes.h"

namespace netsnap::analysis::detectors {

class EphemeralPortPressure {
 public:
  explicit EphemeralPortPressure(const DetectorOptions& options) : options_(options) {}

  void reset();
  void added(const FeedContext& context, uint64_t netns, const Socket& socket);
  void removed(const FeedContext& context, uint64_t netns, const Socket& socket);
  void end_snapshot(const FeedContext& context);
  void finish(const FinishContext& context);

 private:
  struct PortUse {
    LevelEpisodes episodes;
    uint64_t opened = 0;         // sockets that appeared (not counted by a recount)
    int64_t time_wait = 0;       // of the used ports, how many TIME_WAIT now
    int64_t time_wait_at_peak = 0;
  };
  using Counts = KeyedCounts<FlowKey, PortUse>;
  void count(const FeedContext& context, uint64_t netns, const Socket& socket, int64_t delta);
  LevelRule rule() const;
  Finding make_finding(const FinishContext& context, const FlowKey& key, const Counts::Slot& slot) const;

  const DetectorOptions& options_;
  Counts by_flow_;
  uint32_t capacity_ = 0;
  bool recounting_ = false;
};

}  // namespace netsnap::analysis::detectors
