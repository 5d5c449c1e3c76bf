#include "detectors/send_queue_backlog.h"

namespace netsnap::analysis::detectors {
namespace {

constexpr std::string_view kind = "send_queue_backlog";

// What the kernel was doing about the stuck data, by the timers of the qualifying runs.
std::string classify(const QueueGroup& group) {
  if (group.probe_timer >= group.retransmit_timer && group.probe_timer > 0) return "persist";
  if (group.retransmit_timer > 0) return "retransmit";
  return "none";
}

}  // namespace

void SendQueueBacklog::finish(const FinishContext& context, QueueRuns& runs) const {
  runs.finish(context.clock);
  if (context.clock.snapshots() < context.options.queue_min_snapshots)
    context.not_judged(kind, "a backlog must hold for " + std::to_string(context.options.queue_min_snapshots) +
                                 " snapshots; the window has " + std::to_string(context.clock.snapshots()));
  emit_queue_findings(context, kind, runs.groups(QueueSide::send), [&](Finding& f, const QueueGroupKey& key, const QueueGroup& group) {
    const std::string timer = classify(group);
    f.facts.push_back(text_field("timer", timer));
    f.facts.push_back(int_field("runs_zero_window_probe", static_cast<int64_t>(group.probe_timer)));
    f.facts.push_back(int_field("runs_retransmit", static_cast<int64_t>(group.retransmit_timer)));
    for (size_t i = 0; i < group.top.size() && i < f.evidence.size(); ++i) {
      const QueueRunSample& run = group.top[i];
      f.evidence[i].fields.push_back(text_field("timer", run.timer == 4 ? "zero-window probe"
                                                         : run.timer == 1 ? "retransmit" : "none"));
      f.evidence[i].fields.push_back(int_field("retransmits", run.retransmits));
    }
    const std::string who = process_text(key.pid, group.program);
    const std::string peer = key.by_remote ? ip_text(key.remote_ip) + ":" + std::to_string(key.port)
                                           : "its clients on port " + std::to_string(key.port);
    const std::string filter = key.by_remote ? "dst " + ip_text(key.remote_ip) : "sport = :" + std::to_string(key.port);
    f.series_name = "unacknowledged bytes (Send-Q) of " + who + " towards " + peer;
    f.summary = "Data from " + who + " to " + peer + " stayed unacknowledged for up to " +
                format_duration(group.longest_s) + " (" + format_number(static_cast<double>(group.sockets)) +
                " sockets, peak " + format_number(group.peak) + " bytes)";
    if (timer == "persist") {
      f.likely_cause = "The receiver (" + peer + ") advertises a zero window: it stopped reading (a stuck or slow consumer).";
      f.next_check = "Look at the receiving application (its Recv-Q there; the remotes below); check for a slow consumer.";
    } else if (timer == "retransmit") {
      f.likely_cause = "Segments to " + peer + " are not acknowledged: packet loss, a congested or broken path, or a dead peer.";
      f.next_check = "Check retransmits (nstat TcpRetransSegs, ss -ti " + filter +
                     "), the path (mtr), and whether the peer is alive.";
    } else {
      f.likely_cause = "The receiver (" + peer + ") acknowledges slower than " + who + " writes (a slow reader or a slow path).";
      f.next_check = "Watch ss -tio " + filter + " for the timer (persist or on) and retransmits.";
    }
  });
}

}  // namespace netsnap::analysis::detectors
