#include "detectors/recv_queue_backlog.h"

namespace netsnap::analysis::detectors {
namespace {
constexpr std::string_view kind = "recv_queue_backlog";
}  // namespace

void RecvQueueBacklog::finish(const FinishContext& context, QueueRuns& runs) const {
  runs.finish(context.clock);
  if (context.clock.snapshots() < context.options.queue_min_snapshots)
    context.not_judged(kind, "a backlog must hold for " + std::to_string(context.options.queue_min_snapshots) +
                                 " snapshots; the window has " + std::to_string(context.clock.snapshots()));
  emit_queue_findings(context, kind, runs.groups(QueueSide::recv), [&](Finding& f, const QueueGroupKey& key, const QueueGroup& group) {
    const std::string who = process_text(key.pid, group.program);
    const std::string where = key.by_remote ? "from " + ip_text(key.remote_ip) + ":" + std::to_string(key.port)
                                            : "on port " + std::to_string(key.port);
    f.series_name = "unread bytes (Recv-Q) of " + who + " " + where;
    f.summary = who + " left data unread " + where + " for up to " + format_duration(group.longest_s) +
                " (" + format_number(static_cast<double>(group.sockets)) + " sockets, peak " +
                format_number(group.peak) + " bytes)";
    f.likely_cause = who + " is not reading these connections: a blocked or busy thread, a slow "
                     "downstream it waits for, or a connection it forgot about.";
    // The kernel's own receiver-pressure counters (host-wide, over the window) back it up.
    for (Counter c : {Counter::rcv_q_drop, Counter::zero_window_drop, Counter::to_zero_window_adv,
                      Counter::backlog_drop})
      if (context.counters.total(c) > 0)
        f.evidence.push_back({"counter", {text_field("name", "TcpExt " + std::string(counter_name(c)) + " (host)"),
                                          int_field("delta", context.counters.total(c))}});
    f.next_check = (key.pid > 0 ? "Look at what pid " + std::to_string(key.pid) + " is doing (a stack dump, "
                                  "strace -p, its thread pool); "
                                : std::string("Find the owner (ss -tnp, as root); ")) +
                   "watch ss -tn for Recv-Q on these sockets.";
  });
}

}  // namespace netsnap::analysis::detectors
