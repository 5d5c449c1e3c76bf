#include "detectors/detector_set.h"

namespace netsnap::analysis::detectors {
namespace {

// Which detectors a socket in a given state concerns.
enum Route : uint8_t {
  listener = 1,    // accept_queue_overflow (+ listening ports)
  time_wait = 2,   // time_wait_buildup
  ports = 4,       // ephemeral_port_pressure
  close_wait = 8,  // close_wait_leak
  syn = 16,        // syn_queue_overflow
  queues = 32,     // recv/send_queue_backlog
};

uint8_t route(const Socket& socket) {
  switch (socket.state) {
    case tcp_state::listen: return listener;
    case tcp_state::time_wait: return time_wait | ports;
    case tcp_state::syn_recv:
    case tcp_state::new_syn_recv: return syn;
    case tcp_state::close_wait: return close_wait | ports | queues;
    case tcp_state::close: return 0;
    default: return ports | queues;  // ESTABLISHED, SYN_SENT, FIN_WAIT*, LAST_ACK, CLOSING
  }
}

}  // namespace

DetectorSet::DetectorSet(const DetectorOptions& options)
    : time_wait_(options),
      ports_(options),
      tw_buckets_(options),
      close_wait_(options, listener_ports_),
      accept_queue_(options),
      syn_queue_(options),
      queue_runs_(options) {}

void DetectorSet::begin_snapshot(const FeedContext&, bool) {}

void DetectorSet::reset(const FeedContext& context) {
  listener_ports_.reset();
  time_wait_.reset();
  ports_.reset();
  close_wait_.reset();
  accept_queue_.reset(context);
  syn_queue_.reset();
  queue_runs_.reset(context);
}

void DetectorSet::added(const FeedContext& context, uint64_t netns, const Socket& socket) {
  const uint8_t r = route(socket);
  if (r & listener) listener_ports_.update(netns, socket, +1), accept_queue_.added(context, netns, socket);
  if (r & time_wait) time_wait_.added(context, netns, socket);
  if (r & ports) ports_.added(context, netns, socket);
  if (r & close_wait) close_wait_.added(context, netns, socket);
  if (r & syn) syn_queue_.added(context, netns, socket);
  if (r & queues) queue_runs_.added(context, netns, socket);
}

void DetectorSet::removed(const FeedContext& context, uint64_t netns, const Socket& socket) {
  const uint8_t r = route(socket);
  if (r & listener) listener_ports_.update(netns, socket, -1), accept_queue_.removed(context, netns, socket);
  if (r & time_wait) time_wait_.removed(context, netns, socket);
  if (r & ports) ports_.removed(context, netns, socket);
  if (r & close_wait) close_wait_.removed(context, netns, socket);
  if (r & syn) syn_queue_.removed(context, netns, socket);
  if (r & queues) queue_runs_.removed(context, netns, socket);
}

void DetectorSet::changed(const FeedContext& context, uint64_t netns, const Socket& before,
                          const Socket& after) {
  const uint8_t was = route(before), is = route(after);
  if (before.state != after.state) {
    // Counting detectors see a state change as leaving one count and joining another.
    if (was & listener) listener_ports_.update(netns, before, -1);
    if (is & listener) listener_ports_.update(netns, after, +1);
    if (was & time_wait) time_wait_.removed(context, netns, before);
    if (is & time_wait) time_wait_.added(context, netns, after);
    if (was & ports) ports_.removed(context, netns, before);
    if (is & ports) ports_.added(context, netns, after);
    if (was & syn) syn_queue_.removed(context, netns, before);
    if (is & syn) syn_queue_.added(context, netns, after);
  }
  // Identity-tracking detectors follow the same socket through the change.
  if ((was | is) & listener) accept_queue_.changed(context, netns, before, after);
  if ((was | is) & close_wait) close_wait_.changed(context, netns, before, after);
  if ((was | is) & queues) queue_runs_.changed(context, netns, before, after);
}

void DetectorSet::end_snapshot(const FeedContext& context) {
  time_wait_.end_snapshot(context);
  ports_.end_snapshot(context);
  tw_buckets_.end_snapshot(context, time_wait_.total());
  close_wait_.end_snapshot(context);
  accept_queue_.end_snapshot(context);
  syn_queue_.end_snapshot(context);
  queue_runs_.end_snapshot(context);
}

void DetectorSet::finish(const FinishContext& context) {
  time_wait_.finish(context);
  ports_.finish(context);
  tw_buckets_.finish(context);
  close_wait_.finish(context);
  accept_queue_.finish(context, close_wait_.unaccepted(), syn_queue_.syn_recv());
  syn_queue_.finish(context, accept_queue_);
  recv_queue_.finish(context, queue_runs_);
  send_queue_.finish(context, queue_runs_);
}

}  // namespace netsnap::analysis::detectors
