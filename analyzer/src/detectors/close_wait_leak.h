// close_wait_leak: CLOSE_WAIT sockets piling up in a process. The peer closed; only the local
// application's close() ends CLOSE_WAIT, so a count that rises, or sockets that stay, mean the
// application forgot to close them: a file-descriptor leak that ends at RLIMIT_NOFILE.
// Grouped by owning process (pid, program); without an owner by (namespace, local port).
// A CLOSE_WAIT socket without an owner on a listening port is a connection the client gave up
// on while it sat unaccepted in the accept queue: it goes with the listener (unaccepted(), for
// accept_queue_overflow), never to a leak.
// Rule: a rising trend (Mann-Kendall + Theil-Sen, net rise >= close_wait_min_rise over at
// least trend_min_points points) of sockets that stay (at most close_wait_max_closed_share of
// those that appeared closed again), or >= close_wait_persist_sockets sockets each seen for
// >= close_wait_persist_s (first-seen is a lower bound of age). Critical when the owner's fds
// reach fd_critical_ratio of its soft limit or are projected to within fd_eta_critical_s.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "detectors/finding_builder.h"
#include "detectors/keyed_counts.h"
#include "detectors/trend_statistics.h"

namespace netsnap::analysis::detectors {

struct CloseWaitGroup {
  int32_t pid = 0;        // the owner; 0 when the socket has none
  uint64_t netns = 0;     // without an owner: the namespace and local port
  uint16_t local_port = 0;
  bool operator==(const CloseWaitGroup&) const = default;
  uint64_t hash() const { return hash_mix(hash_mix(static_cast<uint64_t>(pid), netns), local_port); }
};

class CloseWaitLeak {
 public:
  CloseWaitLeak(const DetectorOptions& options, const ListenerPorts& listeners)
      : options_(options), listeners_(listeners) {}

  void reset();
  void added(const FeedContext& context, uint64_t netns, const Socket& socket);
  void removed(const FeedContext& context, uint64_t netns, const Socket& socket);
  void changed(const FeedContext& context, uint64_t netns, const Socket& before, const Socket& after);
  void end_snapshot(const FeedContext& context);
  void finish(const FinishContext& context);

  // CLOSE_WAIT sockets waiting unaccepted, per listening port.
  const KeyedCounts<PortKey>& unaccepted() const { return unaccepted_; }

 private:
  struct RemoteKey {
    IpKey ip;
    uint16_t port = 0;  // 0 for a server's clients (their ports say nothing)
    bool operator==(const RemoteKey&) const = default;
    uint64_t hash() const { return ip.hash(port); }
  };
  struct GroupData {
    std::string program;
    // A process's sockets are almost always in one network namespace: it names the finding's
    // namespace then. 0 once they span several (a process that entered another namespace).
    uint64_t netns = 0;
    bool netns_seen = false;
    std::unordered_map<RemoteKey, uint32_t, KeyHash<RemoteKey>> remotes;  // sockets seen
    std::vector<double> lifetimes_s;  // of closed ones (bounded sample)
    double longest_lifetime_s = 0;
    uint64_t appeared = 0, closed = 0;  // CLOSE_WAIT sockets that began / ended in the window
    uint32_t aged_now = 0, max_aged = 0;  // sockets seen for close_wait_persist_s
    uint64_t max_aged_ordinal = 0;
    StepSeries fds;
    bool fds_known = false;
    uint32_t fds_now = 0;
    uint64_t nofile_soft = 0;
  };
  using Groups = KeyedCounts<CloseWaitGroup, GroupData>;
  struct Entry {
    Groups::Handle group;           // slot null: waits unaccepted at `port`
    PortKey port;
    uint64_t first_seen = 0;        // ordinal
    IpKey local_ip, remote_ip;
    uint16_t local_port = 0, remote_port = 0;
    bool seen = true;               // found again by the current recount
  };

  void enter(const FeedContext& context, uint64_t netns, const Socket& socket, uint64_t first_seen);
  void place(const FeedContext& context, uint64_t netns, const Socket& socket, Entry& entry);
  void unplace(const Entry& entry);
  void leave(const FeedContext& context, const SocketIdentity& id, bool counted = true);
  void sample(const FeedContext& context);
  void emit(const FinishContext& context, const CloseWaitGroup& key, const Groups::Slot& slot,
            const ExpandedSeries& series, const TrendAssessment& trend, bool persisting) const;
  std::vector<const Entry*> entries_of(const Groups::Slot& slot) const;

  const DetectorOptions& options_;
  const ListenerPorts& listeners_;
  Groups groups_;
  KeyedCounts<PortKey> unaccepted_;
  std::unordered_map<SocketIdentity, Entry, KeyHash<SocketIdentity>> entries_;
  bool recounting_ = false;
};

}  // namespace netsnap::analysis::detectors
