// Every detector behind one FeedListener: routes each socket event to the detectors whose
// state it concerns (a TIME_WAIT socket never reaches the queue detectors, an ESTABLISHED one
// never the listener ones), so an event costs only the hash lookups that matter.
#pragma once

#include "detectors/accept_queue_overflow.h"
#include "detectors/close_wait_leak.h"
#include "detectors/ephemeral_port_pressure.h"
#include "detectors/recv_queue_backlog.h"
#include "detectors/send_queue_backlog.h"
#include "detectors/snapshot_feed.h"
#include "detectors/syn_queue_overflow.h"
#include "detectors/time_wait_buildup.h"
#include "detectors/tw_bucket_overflow.h"

namespace netsnap::analysis::detectors {

class DetectorSet final : public FeedListener {
 public:
  explicit DetectorSet(const DetectorOptions& options);

  void begin_snapshot(const FeedContext& context, bool full) override;
  void reset(const FeedContext& context) override;
  void added(const FeedContext& context, uint64_t netns, const Socket& socket) override;
  void removed(const FeedContext& context, uint64_t netns, const Socket& socket) override;
  void changed(const FeedContext& context, uint64_t netns, const Socket& before,
               const Socket& after) override;
  void end_snapshot(const FeedContext& context) override;

  // Turns the replay's state into findings (call once, after the feed ran).
  void finish(const FinishContext& context);

 private:
  ListenerPorts listener_ports_;
  TimeWaitBuildup time_wait_;
  EphemeralPortPressure ports_;
  TwBucketOverflow tw_buckets_;
  CloseWaitLeak close_wait_;
  AcceptQueueOverflow accept_queue_;
  SynQueueOverflow syn_queue_;
  QueueRuns queue_runs_;  // both queues of every socket, for the two detectors below
  RecvQueueBacklog recv_queue_;
  SendQueueBacklog send_queue_;
};

}  // namespace netsnap::analysis::detectors
