// syn_queue_overflow: the SYN queue (half-open connections, SYN_RECV) of a listener is full.
// With SYN cookies on, the kernel answers with cookies instead (TcpExt TCPReqQFullDoCookies,
// SyncookiesSent): connections still work, with fewer TCP options. Without them, it drops the
// SYN (TCPReqQFullDrop): clients wait for their SYN retransmit (1 s, 3 s...).
// The counters are host-wide: an interval's increase is attributed to the ports that had
// SYN_RECV sockets at either end of it, in proportion to how many; to the host when none had.
// Rule: any attributed TCPReqQFullDrop is critical; any cookie is a warning. Reports SYN_RECV
// per listener port and the remote /24s (IPv6: /48) the half-open connections came from.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "detectors/accept_queue_overflow.h"
#include "detectors/finding_builder.h"
#include "detectors/keyed_counts.h"

namespace netsnap::analysis::detectors {

class SynQueueOverflow {
 public:
  explicit SynQueueOverflow(const DetectorOptions& options) : options_(options) {}

  void reset();
  void added(const FeedContext& context, uint64_t netns, const Socket& socket);
  void removed(const FeedContext& context, uint64_t netns, const Socket& socket);
  void end_snapshot(const FeedContext& context);
  void finish(const FinishContext& context, const AcceptQueueOverflow& listeners);

  const KeyedCounts<PortKey>& syn_recv() const { return syn_recv_; }

 private:
  struct PortData {
    std::unordered_map<IpKey, uint32_t, KeyHash<IpKey>> prefixes;  // SYN_RECV seen per /24
    AttributedCounter drops, cookies;
  };
  void attribute(const FeedContext& context, int64_t amount, bool drops);
  void emit(const FinishContext& context, const PortKey* port, const PortData& data,
            const AcceptQueueOverflow& listeners) const;

  const DetectorOptions& options_;
  KeyedCounts<PortKey> syn_recv_;
  std::unordered_map<PortKey, PortData, KeyHash<PortKey>> ports_;
  std::vector<PortKey> nonzero_, nonzero_before_;
  PortData host_;  // increases while no port had SYN_RECV sockets
  bool recounting_ = false;
};

}  // namespace netsnap::analysis::detectors
