// accept_queue_overflow: a listener whose accept queue (Recv-Q of a LISTEN socket; its backlog
// is the Send-Q) fills up because the application does not accept() fast enough. Once full
// (Recv-Q > backlog) the kernel drops new connections' SYNs or final ACKs and counts TcpExt
// ListenOverflows and ListenDrops. Those counters are host-wide: an interval's increase is
// attributed to the listeners that were full at either end of the interval (split evenly),
// and to the host when none was seen full (the queue filled and drained between snapshots).
// Rule: Recv-Q >= accept_warn_ratio x backlog for level_min_snapshots (warning); Recv-Q >
// backlog for level_min_snapshots, or attributed ListenOverflows above overflow_rate_critical/s
// over overflow_rate_window_s (critical). A full queue for fewer snapshots, attributed
// overflows, or CLOSE_WAIT connections that gave up unaccepted are reported as info.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "detectors/finding_builder.h"
#include "detectors/keyed_counts.h"
#include "detectors/level_episodes.h"

namespace netsnap::analysis::detectors {

// Counter increases attributed to one subject, with their highest rate over a sliding window.
struct AttributedCounter {
  double total = 0;
  uint64_t intervals = 0;                // intervals with an increase
  uint64_t first = 0, last = 0;          // ordinals
  double max_rate = 0;                   // per second, over the window
  uint64_t max_rate_ordinal = 0;
  std::deque<std::pair<int64_t, double>> window;  // (wall_ns, amount)
  double window_sum = 0;
  void add(double amount, uint64_t ordinal, int64_t wall_ns, double window_s);
};

class AcceptQueueOverflow {
 public:
  explicit AcceptQueueOverflow(const DetectorOptions& options) : options_(options) {}

  void reset(const FeedContext& context);
  void added(const FeedContext& context, uint64_t netns, const Socket& socket);
  void removed(const FeedContext& context, uint64_t netns, const Socket& socket);
  void changed(const FeedContext& context, uint64_t netns, const Socket& before, const Socket& after);
  void end_snapshot(const FeedContext& context);
  // `unaccepted`: CLOSE_WAIT connections waiting in accept queues, per port (close_wait_leak);
  // `syn_recv`: SYN_RECV sockets per port (syn_queue_overflow).
  void finish(const FinishContext& context, const KeyedCounts<PortKey>& unaccepted,
              const KeyedCounts<PortKey>& syn_recv);

  // A listener on this port (for other detectors' subjects): address, owner; null if none.
  struct ListenerInfo {
    ListenerKey key;
    int32_t pid = 0;
    std::string program;
  };
  std::optional<ListenerInfo> listener_on(const PortKey& port) const;

 private:
  struct Listener {
    bool open = false;
    bool backlog_known = true;  // /proc does not show a listener's backlog
    uint32_t recv_q = 0, backlog = 0;
    int32_t pid = 0;
    std::string program;
    LevelEpisodes episodes;
    StepSeries queue;
    uint32_t max_recv_q = 0;
    uint64_t max_ordinal = 0;
    bool full = false;
    uint64_t full_since = 0, full_snapshots = 0, first_full = 0, last_full = 0;
    AttributedCounter overflows, drops;
  };
  void set_queue(const FeedContext& context, const ListenerKey& key, Listener& listener,
                 uint32_t recv_q, uint32_t backlog);
  void close_full_run(Listener& listener, uint64_t end_ordinal);
  void attribute(const FeedContext& context, Counter counter, bool overflows);
  LevelRule rule(const Listener& listener) const;
  void emit(const FinishContext& context, const ListenerKey& key, const Listener& listener,
            int64_t unaccepted_peak, int64_t syn_recv_peak) const;
  void emit_host(const FinishContext& context) const;

  const DetectorOptions& options_;
  std::unordered_map<ListenerKey, Listener, KeyHash<ListenerKey>> listeners_;
  std::vector<ListenerKey> full_now_, full_before_;  // full at this / the previous snapshot
  AttributedCounter host_overflows_, host_drops_;     // when no listener was seen full
};

}  // namespace netsnap::analysis::detectors
