#include "detectors/queue_runs.h"

#include <algorithm>

#include "detectors/finding_builder.h"

namespace netsnap::analysis::detectors {
uint32_t QueueRuns::queue(const Socket& socket, QueueSide side) {
  return side == QueueSide::recv ? socket.recv_q : socket.send_q;
}

// Connections only: a listener's queues mean accept queue and backlog, request and TIME_WAIT
// sockets hold no data.
bool QueueRuns::eligible(const Socket& socket) {
  return socket.state != tcp_state::listen && socket.state != tcp_state::time_wait &&
         !is_syn_recv(socket) && socket.state != tcp_state::close;
}

// A server's connections group by its service port (their remote ports are ephemeral and
// their addresses countless: those show as evidence); a client's by where it connects to.
QueueGroupKey QueueRuns::group_of(const FeedContext& context, uint64_t netns, const Socket& socket) const {
  QueueGroupKey key;
  key.netns = netns;
  key.pid = owner_pid(socket);
  if (!context.settings.port_range.contains(socket.local.port)) {
    key.port = socket.local.port;
    return key;
  }
  key.by_remote = true;
  key.remote_ip = ip_key(socket.remote, socket.family);
  key.port = socket.remote.port;
  return key;
}

void QueueRuns::start(const FeedContext& context, uint64_t netns, const Socket& socket,
                      Tracked& tracked, QueueSide side) {
  Run& run = tracked.runs[static_cast<size_t>(side)];
  run.active = true;
  run.start = run.peak_ordinal = context.moment.ordinal;
  run.last = run.peak = queue(socket, side);
  run.timer = socket.timer;
  run.retransmits = socket.retransmits;
  const int32_t pid = owner_pid(socket);
  if (run.group_pid != pid) {  // first run of this socket, or its owner changed
    const QueueGroupKey key = group_of(context, netns, socket);
    run.group = groups_[static_cast<size_t>(side)].apply_handle(key, 0);
    run.group_pid = pid;
    run.counted = false;
    QueueGroup& group = run.group.slot->extra;
    if (pid > 0 && group.program.empty())
      if (const Process* p = context.processes.find(pid)) group.program = program_name(*p);
  }
  groups_[static_cast<size_t>(side)].apply(run.group, run.last);
}

// The run held from run.start to end_ordinal - 1.
void QueueRuns::end(const BucketClock& clock, Tracked& tracked, QueueSide side, uint64_t end_ordinal) {
  Run& run = tracked.runs[static_cast<size_t>(side)];
  if (!run.active) return;
  run.active = false;
  groups_[static_cast<size_t>(side)].apply(run.group, -static_cast<int64_t>(run.last));
  const uint64_t held = end_ordinal > run.start ? end_ordinal - run.start : 0;
  if (held < std::max<uint32_t>(options_.queue_min_snapshots, 1)) return;
  QueueGroup& group = run.group.slot->extra;
  QueueRunSample sample{tracked.local_ip, tracked.remote_ip, tracked.local_port, tracked.remote_port,
                        run.start, end_ordinal - 1, 0, run.peak, run.timer, run.retransmits};
  sample.duration_s = static_cast<double>(clock.wall_at(sample.end) - clock.wall_at(sample.start)) / 1e9;
  if (group.runs == 0 || sample.start < group.first) group.first = sample.start;
  group.last = std::max(group.last, sample.end);
  ++group.runs;
  if (!run.counted) run.counted = true, ++group.sockets;
  if (sample.duration_s > group.longest_s || group.runs == 1)
    group.longest_s = sample.duration_s, group.longest_snapshots = held;
  if (run.peak > group.peak) group.peak = run.peak, group.peak_ordinal = run.peak_ordinal;
  (run.timer == 4 ? group.probe_timer : run.timer == 1 ? group.retransmit_timer : group.no_timer)++;
  if (group.top.size() >= options_.top_n && sample.duration_s <= group.top.back().duration_s) return;
  const auto longer = [](const QueueRunSample& a, const QueueRunSample& b) { return a.duration_s > b.duration_s; };
  group.top.insert(std::upper_bound(group.top.begin(), group.top.end(), sample, longer), sample);
  if (group.top.size() > options_.top_n) group.top.pop_back();
}

// One side of a tracked socket moves to `now` (0 when the socket no longer qualifies).
void QueueRuns::update(const FeedContext& context, uint64_t netns, const Socket& socket,
                       Tracked& tracked, QueueSide side, uint32_t now) {
  Run& run = tracked.runs[static_cast<size_t>(side)];
  if (!run.active && now == 0) return;
  if (run.active && now > 0 && now >= run.last) {  // holding or growing: the run goes on
    groups_[static_cast<size_t>(side)].apply(run.group, static_cast<int64_t>(now) - static_cast<int64_t>(run.last));
    run.last = now;
    if (now > run.peak) run.peak = now, run.peak_ordinal = context.moment.ordinal;
    run.timer = socket.timer;
    run.retransmits = std::max(run.retransmits, socket.retransmits);
    return;
  }
  end(context.clock, tracked, side, context.moment.ordinal);
  if (now > 0) start(context, netns, socket, tracked, side);  // read some, not all
}

QueueRuns::Tracked& QueueRuns::track(uint64_t netns, const Socket& socket) {
  const SocketIdentity id = socket_identity(netns, socket);
  auto [tracked, inserted] = tracked_.try_emplace(id);
  if (inserted) {
    tracked->local_ip = ip_key(socket.local, socket.family);
    tracked->remote_ip = ip_key(socket.remote, socket.family);
    tracked->local_port = socket.local.port;
    tracked->remote_port = socket.remote.port;
    if (Counted* kept = counted_.size() ? counted_.find(id) : nullptr) {
      for (size_t side = 0; side < 2; ++side) {
        tracked->runs[side].group = kept->group[side];
        tracked->runs[side].group_pid = kept->group_pid[side];
        tracked->runs[side].counted = kept->counted[side];
      }
      counted_.erase(id);
    }
  }
  return *tracked;
}

// A socket whose queues are both at zero leaves tracked_; what it must remember goes to counted_.
void QueueRuns::drop_if_idle(const SocketIdentity& id, Tracked& tracked) {
  if (tracked.runs[0].active || tracked.runs[1].active) return;
  if (tracked_.size() <= idle_kept) return;
  if (tracked.runs[0].counted || tracked.runs[1].counted) {
    Counted& kept = *counted_.try_emplace(id).first;
    for (size_t side = 0; side < 2; ++side) {
      kept.group[side] = tracked.runs[side].group;
      kept.group_pid[side] = tracked.runs[side].group_pid;
      kept.counted[side] = tracked.runs[side].counted;
    }
  }
  tracked_.erase(id);  // `tracked` dangles from here
}

void QueueRuns::reset(const FeedContext& context) {
  // No previous snapshot: nothing says the queues did not drop in between. End every run.
  tracked_.for_each([&](const SocketIdentity&, Tracked& tracked) {
    for (QueueSide side : {QueueSide::recv, QueueSide::send})
      end(context.clock, tracked, side, context.moment.ordinal);
  });
  tracked_.clear();
  counted_.clear();
  for (Groups& g : groups_) g.reset();
}

void QueueRuns::added(const FeedContext& context, uint64_t netns, const Socket& socket) {
  if (!eligible(socket) || (socket.recv_q == 0 && socket.send_q == 0)) return;
  Tracked& tracked = track(netns, socket);
  for (QueueSide side : {QueueSide::recv, QueueSide::send})
    if (queue(socket, side) > 0) start(context, netns, socket, tracked, side);
}

void QueueRuns::removed(const FeedContext& context, uint64_t netns, const Socket& socket) {
  if (tracked_.size() == 0 && counted_.size() == 0) return;
  const SocketIdentity id = socket_identity(netns, socket);
  if (counted_.size()) counted_.erase(id);
  Tracked* tracked = tracked_.find(id);
  if (!tracked) return;
  for (QueueSide side : {QueueSide::recv, QueueSide::send})
    end(context.clock, *tracked, side, context.moment.ordinal);
  tracked_.erase(id);
}

void QueueRuns::changed(const FeedContext& context, uint64_t netns, const Socket& before,
                        const Socket& after) {
  const bool ok = eligible(after);
  const uint32_t recv = ok ? after.recv_q : 0, send = ok ? after.send_q : 0;
  if (before.recv_q == 0 && before.send_q == 0 && recv == 0 && send == 0) return;  // other fields
  const SocketIdentity id = socket_identity(netns, before);
  Tracked* tracked = tracked_.find(id);
  if (!tracked) tracked = &track(netns, after);
  update(context, netns, after, *tracked, QueueSide::recv, recv);
  update(context, netns, after, *tracked, QueueSide::send, send);
  drop_if_idle(id, *tracked);
}

void QueueRuns::end_snapshot(const FeedContext& context) {
  for (Groups& g : groups_) g.commit(context.moment);
}

void QueueRuns::finish(const BucketClock& clock) {
  if (finished_) return;
  finished_ = true;
  tracked_.for_each([&](const SocketIdentity&, Tracked& tracked) {
    for (QueueSide side : {QueueSide::recv, QueueSide::send})
      end(clock, tracked, side, clock.snapshots());
  });
  tracked_.clear();
}

namespace {

Severity queue_severity(const QueueGroup& group, const DetectorOptions& o) {
  return group.longest_s >= o.queue_critical_s ? Severity::critical
         : group.longest_s >= o.queue_warn_s   ? Severity::warning
                                               : Severity::info;
}

Finding queue_group_finding(const FinishContext& context, std::string_view kind,
                            const QueueGroupKey& key, const QueueRuns::Groups::Slot& slot) {
  const DetectorOptions& o = context.options;
  const QueueGroup& group = slot.extra;
  Finding f;
  f.kind = std::string(kind);
  f.severity = queue_severity(group, o);
  if (key.pid > 0) f.subject.pid = key.pid;
  if (!group.program.empty()) f.subject.program = group.program;
  if (key.by_remote) {
    f.subject.remote_addr = ip_text(key.remote_ip);
    if (key.port) f.subject.remote_port = key.port;
  } else {
    f.subject.local_port = key.port;
  }
  set_netns(f.subject, key.netns, context.feed);
  fill_timing(f, context, slot.series.expand(context.clock), group.peak, group.peak_ordinal,
              group.first, group.last);
  f.peak_unit = "bytes";
  f.thresholds = {int_field("min_snapshots", o.queue_min_snapshots),
                  number_field("warn_s", o.queue_warn_s, "s"),
                  number_field("critical_s", o.queue_critical_s, "s")};
  f.facts = {int_field("sockets_affected", static_cast<int64_t>(group.sockets)),
             int_field("runs", static_cast<int64_t>(group.runs)),
             number_field("longest_s", group.longest_s, "s"),
             int_field("longest_snapshots", static_cast<int64_t>(group.longest_snapshots)),
             int_field("peak_bytes", group.peak, "bytes")};
  for (const QueueRunSample& run : group.top) {
    EvidenceRow row{"socket",
                    {text_field("local_addr", ip_text(run.local_ip)), int_field("local_port", run.local_port),
                     text_field("remote_addr", ip_text(run.remote_ip)), int_field("remote_port", run.remote_port),
                     time_field("first_seen", context.wall_at(run.start)), time_field("last_seen", context.wall_at(run.end)),
                     number_field("duration_s", run.duration_s, "s"), int_field("peak_bytes", run.peak, "bytes")}};
    f.evidence.push_back(std::move(row));
  }
  f.series_name = "bytes queued by the group's sockets";
  return f;
}

}  // namespace

void emit_queue_findings(const FinishContext& context, std::string_view kind, const QueueRuns::Groups& groups,
                         const std::function<void(Finding&, const QueueGroupKey&, const QueueGroup&)>& word) {
  using Entry = std::pair<const QueueGroupKey*, const QueueRuns::Groups::Slot*>;
  std::vector<Entry> info;
  const auto emit = [&](const Entry& e) {
    Finding f = queue_group_finding(context, kind, *e.first, *e.second);
    word(f, *e.first, e.second->extra);
    context.findings.push_back(std::move(f));
  };
  for (const auto& [key, slot] : groups.slots()) {
    if (slot.extra.runs == 0) continue;
    if (queue_severity(slot.extra, context.options) == Severity::info) info.emplace_back(&key, &slot);
    else emit({&key, &slot});
  }
  const size_t keep = std::min<size_t>(info.size(), context.options.max_info_findings_per_kind);
  std::partial_sort(info.begin(), info.begin() + static_cast<std::ptrdiff_t>(keep), info.end(),
                    [](const Entry& a, const Entry& b) { return a.second->extra.peak > b.second->extra.peak; });
  for (size_t i = 0; i < keep; ++i) emit(info[i]);
  context.report.findings_omitted += info.size() - keep;
}

}  // namespace netsnap::analysis::detectors
