// send_queue_backlog: data sent but not acknowledged by the peer piling up. Send-Q that does
// not go down on the same socket means the peer does not take the data (a zero window: it
// stopped reading; the kernel runs the zero-window probe timer) or the network loses it (the
// retransmit timer runs, retransmits climb). The timer recorded with the socket tells which.
// Grouped by owner and remote address:port when this host is the client; a server's
// connections by owner and local service port (the slow clients' addresses are the evidence).
// Rule: the same socket's Send-Q > 0 and not decreasing for queue_min_snapshots snapshots
// (info); lasting queue_warn_s (warning) or queue_critical_s (critical).
#pragma once

#include "detectors/finding_builder.h"
#include "detectors/queue_runs.h"

namespace netsnap::analysis::detectors {

class SendQueueBacklog {
 public:
  // `runs` tracks both queues of every socket (the detector set feeds it); this detector
  // reports the send side.
  void finish(const FinishContext& context, QueueRuns& runs) const;
};

}  // namespace netsnap::analysis::detectors
