// Runs of one socket's queues (Recv-Q and Send-Q) that stay above zero without going down:
// the evidence of recv_queue_backlog and send_queue_backlog. A run starts when a queue becomes
// nonzero, holds or grows while the value does not decrease, and ends when it decreases (the
// application read, or the peer acknowledged: a new run may start at the lower value), drops
// to zero, or the socket closes. A socket is tracked from its first nonzero queue until it
// closes (on large hosts, until both queues are back at zero: see tracked_), both queues in
// one entry (one lookup per event), and only queue events cost anything: an unchanged queue
// keeps its run going for free. A run held
// for queue_min_snapshots snapshots "qualifies" and is credited to its group.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "detectors/detector_options.h"
#include "detectors/finding.h"
#include "detectors/flat_map.h"
#include "detectors/keyed_counts.h"
#include "detectors/snapshot_feed.h"

namespace netsnap::analysis::detectors {

enum class QueueSide : uint8_t { recv = 0, send = 1 };

// Owner plus either the local service port (this host serves the connection) or the remote
// address and port (this host is the client: its local port is in ip_local_port_range).
struct QueueGroupKey {
  uint64_t netns = 0;
  int32_t pid = 0;
  bool by_remote = false;
  IpKey remote_ip;
  uint16_t port = 0;  // local port (by_remote false) or remote port
  bool operator==(const QueueGroupKey&) const = default;
  uint64_t hash() const {
    return remote_ip.hash(hash_mix(hash_mix(netns, static_cast<uint64_t>(pid)), (uint64_t{port} << 1) | by_remote));
  }
};

// One qualifying run, kept as evidence.
struct QueueRunSample {
  IpKey local_ip, remote_ip;
  uint16_t local_port = 0, remote_port = 0;
  uint64_t start = 0, end = 0;  // ordinals of its first and last snapshot
  double duration_s = 0;
  uint32_t peak = 0;
  uint8_t timer = 0;            // the socket's timer at its last change (1 retransmit, 4 probe)
  uint8_t retransmits = 0;      // the highest seen during the run
};

struct QueueGroup {
  std::string program;
  uint64_t runs = 0;                     // qualifying runs
  uint64_t sockets = 0;                  // sockets with a qualifying run
  double longest_s = 0;
  uint64_t longest_snapshots = 0;
  uint32_t peak = 0;                     // the highest queue of a qualifying run
  uint64_t peak_ordinal = 0;
  uint64_t first = 0, last = 0;          // first start and last end of qualifying runs
  std::vector<QueueRunSample> top;       // longest runs, at most top_n
  uint64_t probe_timer = 0, retransmit_timer = 0, no_timer = 0;  // qualifying runs by timer
};

class QueueRuns {
 public:
  using Groups = KeyedCounts<QueueGroupKey, QueueGroup>;  // value: bytes queued by the group
  explicit QueueRuns(const DetectorOptions& options) : options_(options) {}

  void reset(const FeedContext& context);
  void added(const FeedContext& context, uint64_t netns, const Socket& socket);
  void removed(const FeedContext& context, uint64_t netns, const Socket& socket);
  void changed(const FeedContext& context, uint64_t netns, const Socket& before, const Socket& after);
  void end_snapshot(const FeedContext& context);
  // Ends the runs still open after the window's last snapshot (once).
  void finish(const BucketClock& clock);

  const Groups& groups(QueueSide side) const { return groups_[static_cast<size_t>(side)]; }

  // Sockets whose queues are back at zero stay tracked while the tracker holds at most this
  // many (~3 MB, within the CPU's last-level cache): letting them go costs an erase and a
  // re-insert per run, more than it saves on a small table (10,000 sockets: +12% for report).
  static constexpr size_t idle_kept = 1 << 14;

 private:
  struct Run {
    Groups::Handle group;   // of the socket's owner when the run started; kept between runs
    int32_t group_pid = -1;  // the owner that group was for (-1: no group looked up yet)
    bool active = false;
    bool counted = false;   // this socket already counts in group.sockets
    uint64_t start = 0, peak_ordinal = 0;
    uint32_t last = 0, peak = 0;
    uint8_t timer = 0, retransmits = 0;
  };
  struct Tracked {  // a socket that has had a nonzero queue, until it closes
    std::array<Run, 2> runs;
    IpKey local_ip, remote_ip;
    uint16_t local_port = 0, remote_port = 0;
  };
  static uint32_t queue(const Socket& socket, QueueSide side);
  static bool eligible(const Socket& socket);
  QueueGroupKey group_of(const FeedContext& context, uint64_t netns, const Socket& socket) const;
  void start(const FeedContext& context, uint64_t netns, const Socket& socket, Tracked& tracked, QueueSide side);
  void end(const BucketClock& clock, Tracked& tracked, QueueSide side, uint64_t end_ordinal);
  void update(const FeedContext& context, uint64_t netns, const Socket& socket, Tracked& tracked,
              QueueSide side, uint32_t now);
  Tracked& track(uint64_t netns, const Socket& socket);
  void drop_if_idle(const SocketIdentity& id, Tracked& tracked);

  // What a socket keeps between its runs when it already counts in a group's `sockets`: its
  // group and owner per side (a socket that does not count needs nothing: its next run looks
  // its group up again and would start uncounted anyway).
  struct Counted {
    std::array<Groups::Handle, 2> group;
    std::array<int32_t, 2> group_pid{-1, -1};
    std::array<bool, 2> counted{false, false};
  };

  const DetectorOptions& options_;
  std::array<Groups, 2> groups_;
  // Sockets with a run going on, and idle ones up to idle_kept. Beyond, a socket leaves it
  // when both of its queues are back at zero (into counted_ if it counts somewhere): only a
  // few percent of the sockets hold a queue at once, and a table of every socket that ever
  // held one outgrew the CPU caches at 100,000 sockets, which made each queue change cost
  // more as the host grew (report: -14% CPU at 100,000 sockets).
  FlatMap<SocketIdentity, Tracked, KeyHash<SocketIdentity>> tracked_;
  FlatMap<SocketIdentity, Counted, KeyHash<SocketIdentity>> counted_;
  bool finished_ = false;
};

// Findings for one side's groups with qualifying runs. The parts that do not depend on the
// side are built here: severity (the longest run against queue_warn_s / queue_critical_s),
// subject, timing, series (the group's queued bytes), facts and the longest runs as evidence;
// `word` adds the wording. Info findings beyond max_info_findings_per_kind (the highest peaks
// are kept) are counted in the report, not built: a busy host has thousands of short holds.
struct FinishContext;
void emit_queue_findings(const FinishContext& context, std::string_view kind, const QueueRuns::Groups& groups,
                         const std::function<void(Finding&, const QueueGroupKey&, const QueueGroup&)>& word);

}  // namespace netsnap::analysis::detectors
