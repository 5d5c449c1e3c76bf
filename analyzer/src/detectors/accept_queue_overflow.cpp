// The replay side of accept_queue_overflow: listener queue levels and counter attribution.
// Findings are built in accept_queue_findings.cpp.
#include "detectors/accept_queue_overflow.h"

#include <algorithm>
#include <cmath>

namespace netsnap::analysis::detectors {

void AttributedCounter::add(double amount, uint64_t ordinal, int64_t wall_ns, double window_s) {
  if (amount <= 0) return;
  if (intervals == 0) first = ordinal;
  last = ordinal;
  ++intervals;
  total += amount;
  window.emplace_back(wall_ns, amount);
  window_sum += amount;
  const int64_t horizon = wall_ns - static_cast<int64_t>(window_s * 1e9);
  while (!window.empty() && window.front().first <= horizon) {
    window_sum -= window.front().second;
    window.pop_front();
  }
  // netdata's average: the sum over the window divided by the whole window, also when the
  // recording is shorter (conservative: a short burst is not a sustained rate).
  const double rate = window_sum / window_s;
  if (rate > max_rate) max_rate = rate, max_rate_ordinal = ordinal;
}

LevelRule AcceptQueueOverflow::rule(const Listener& listener) const {
  LevelRule r;
  r.warning = std::max(1.0, options_.accept_warn_ratio * listener.backlog);
  r.critical = static_cast<double>(listener.backlog) + 1;  // full: Recv-Q > backlog
  r.clear_ratio = options_.clear_ratio;
  r.min_snapshots = options_.level_min_snapshots;
  return r;
}

void AcceptQueueOverflow::close_full_run(Listener& listener, uint64_t end_ordinal) {
  if (!listener.full) return;
  listener.full = false;
  listener.full_snapshots += end_ordinal - listener.full_since;
  listener.last_full = end_ordinal > 0 ? end_ordinal - 1 : 0;
}

void AcceptQueueOverflow::set_queue(const FeedContext& context, const ListenerKey& key,
                                    Listener& listener, uint32_t recv_q, uint32_t backlog) {
  const uint64_t ordinal = context.moment.ordinal;
  listener.recv_q = recv_q;
  listener.backlog = backlog;
  listener.queue.record(context.moment, recv_q);
  if (recv_q > listener.max_recv_q) listener.max_recv_q = recv_q, listener.max_ordinal = ordinal;
  if (!listener.backlog_known) return;
  listener.episodes.update(ordinal, recv_q, rule(listener));
  const bool full = recv_q > backlog;
  if (full && !listener.full) {
    if (listener.full_snapshots == 0) listener.first_full = ordinal;
    listener.full = true;
    listener.full_since = ordinal;
    full_now_.push_back(key);
  } else if (!full && listener.full) {
    close_full_run(listener, ordinal);
    std::erase(full_now_, key);
  }
}

void AcceptQueueOverflow::reset(const FeedContext& context) {
  // No continuity across a missing step: every run ends here and starts again on re-adding.
  for (auto& [key, listener] : listeners_) {
    if (!listener.open) continue;
    set_queue(context, key, listener, 0, listener.backlog);
    listener.open = false;
  }
}

void AcceptQueueOverflow::added(const FeedContext& context, uint64_t netns, const Socket& socket) {
  if (socket.state != tcp_state::listen) return;
  const ListenerKey key = listener_key(netns, socket);
  Listener& listener = listeners_[key];
  listener.open = true;
  // /proc/net/tcp shows no backlog for listeners (Send-Q is 0): no level can be judged.
  listener.backlog_known = !(context.snapshot.source == CaptureSource::proc && socket.send_q == 0);
  if (const int32_t pid = owner_pid(socket); pid > 0 && pid != listener.pid) {
    listener.pid = pid;
    if (const Process* p = context.processes.find(pid)) listener.program = program_name(*p);
  }
  set_queue(context, key, listener, socket.recv_q, socket.send_q);
}

void AcceptQueueOverflow::removed(const FeedContext& context, uint64_t netns, const Socket& socket) {
  if (socket.state != tcp_state::listen) return;
  const ListenerKey key = listener_key(netns, socket);
  auto it = listeners_.find(key);
  if (it == listeners_.end()) return;
  set_queue(context, key, it->second, 0, it->second.backlog);
  it->second.open = false;
}

void AcceptQueueOverflow::changed(const FeedContext& context, uint64_t netns, const Socket& before,
                                  const Socket& after) {
  const bool was = before.state == tcp_state::listen, is = after.state == tcp_state::listen;
  if (was && is) {  // the same listener: its queue moves on without interrupting a run
    if (before.recv_q == after.recv_q && before.send_q == after.send_q && before.owners == after.owners)
      return;
    added(context, netns, after);
    return;
  }
  if (was) removed(context, netns, before);
  if (is) added(context, netns, after);
}

// Splits this interval's increase between the listeners full at either end of it.
void AcceptQueueOverflow::attribute(const FeedContext& context, Counter counter, bool overflows) {
  const std::optional<int64_t> delta = context.counters.delta(counter);
  if (!delta || *delta <= 0) return;
  std::vector<ListenerKey> full = full_before_;
  for (const ListenerKey& key : full_now_)
    if (std::find(full.begin(), full.end(), key) == full.end()) full.push_back(key);
  const double window = options_.overflow_rate_window_s;
  const uint64_t ordinal = context.moment.ordinal;
  const int64_t wall = context.moment.wall_ns;
  if (full.empty()) {
    (overflows ? host_overflows_ : host_drops_).add(static_cast<double>(*delta), ordinal, wall, window);
    return;
  }
  const double share = static_cast<double>(*delta) / static_cast<double>(full.size());
  for (const ListenerKey& key : full) {
    Listener& listener = listeners_[key];
    (overflows ? listener.overflows : listener.drops).add(share, ordinal, wall, window);
  }
}

std::optional<AcceptQueueOverflow::ListenerInfo> AcceptQueueOverflow::listener_on(const PortKey& port) const {
  std::optional<ListenerInfo> found;
  for (const auto& [key, listener] : listeners_) {
    if (key.port_key() != port) continue;
    // Prefer one that is still open (several on a port: v4 and v6, or per address).
    if (!found || (listener.open && !listeners_.at(found->key).open)) found = ListenerInfo{key, listener.pid, listener.program};
  }
  return found;
}

void AcceptQueueOverflow::end_snapshot(const FeedContext& context) {
  attribute(context, Counter::listen_overflows, true);
  attribute(context, Counter::listen_drops, false);
  full_before_ = full_now_;
}

}  // namespace netsnap::analysis::detectors
