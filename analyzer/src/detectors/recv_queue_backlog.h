// recv_queue_backlog: data that arrived but the application does not read. Recv-Q of a
// connection is bytes received and not yet read; one snapshot proves nothing, but the same
// socket with Recv-Q > 0 that does not go down for several snapshots means the reader is stuck,
// blocked or gone. Grouped by owner and local (service) port; for client connections (local
// port in ip_local_port_range) by owner and the remote address:port instead, since each client
// socket has its own ephemeral port.
// Rule: the same socket's Recv-Q > 0 and not decreasing for queue_min_snapshots snapshots
// (info); lasting queue_warn_s (warning) or queue_critical_s (critical).
#pragma once

#include "detectors/finding_builder.h"
#include "detectors/queue_runs.h"

namespace netsnap::analysis::detectors {

class RecvQueueBacklog {
 public:
  // `runs` tracks both queues of every socket (the detector set feeds it); this detector
  // reports the recv side.
  void finish(const FinishContext& context, QueueRuns& runs) const;
};

}  // namespace netsnap::analysis::detectors
