// The findings side of accept_queue_overflow (see accept_queue_overflow.h for the rule).
#include <algorithm>

#include "detectors/accept_queue_overflow.h"

namespace netsnap::analysis::detectors {
namespace {

constexpr std::string_view kind = "accept_queue_overflow";

EvidenceRow counter_row(const FinishContext& context, std::string name, const AttributedCounter& c) {
  return {"counter",
          {text_field("name", std::move(name)), number_field("delta", c.total),
           int_field("intervals", static_cast<int64_t>(c.intervals)),
           time_field("first", context.wall_at(c.first)), time_field("last", context.wall_at(c.last)),
           number_field("max_rate_per_s", c.max_rate, "/s"),
           time_field("max_rate_at", context.wall_at(c.max_rate_ordinal))}};
}

}  // namespace

void AcceptQueueOverflow::finish(const FinishContext& context, const KeyedCounts<PortKey>& unaccepted,
                                 const KeyedCounts<PortKey>& syn_recv) {
  if (!context.counters.seen(Counter::listen_overflows))
    context.not_judged(kind, "no TcpExt ListenOverflows/ListenDrops counters in the window "
                             "(recorded without counters?): overflows between snapshots are not "
                             "judged, only the queue levels seen in snapshots");
  if (context.feed.proc_source)
    context.report.caveats.push_back("some snapshots come from /proc, which shows no listen "
                                     "backlog: those listeners' queue levels are not judged");
  const uint64_t final_ordinal = context.final_ordinal();
  for (auto& [key, listener] : listeners_) {
    listener.episodes.finish(final_ordinal, rule(listener));
    close_full_run(listener, final_ordinal + 1);
    const KeyedCounts<PortKey>::Slot* gave_up = unaccepted.find(key.port_key());
    const KeyedCounts<PortKey>::Slot* syn = syn_recv.find(key.port_key());
    const int64_t gave_up_peak = gave_up ? gave_up->peak : 0;
    if (listener.episodes.confirmed() == 0 && listener.full_snapshots == 0 &&
        listener.overflows.total <= 0 && gave_up_peak == 0)
      continue;
    emit(context, key, listener, gave_up_peak, syn ? syn->peak : 0);
  }
  if (host_overflows_.total > 0) emit_host(context);
}

void AcceptQueueOverflow::emit(const FinishContext& context, const ListenerKey& key,
                               const Listener& listener, int64_t unaccepted_peak,
                               int64_t syn_recv_peak) const {
  const DetectorOptions& o = options_;
  Finding f;
  f.kind = kind;
  const bool fast_overflows = listener.overflows.max_rate > o.overflow_rate_critical;
  f.severity = listener.episodes.confirmed() >= 2 || fast_overflows ? Severity::critical
               : listener.episodes.confirmed() == 1                 ? Severity::warning
                                                                    : Severity::info;
  f.subject = listener_subject(key, context.feed);
  if (listener.pid > 0) f.subject.pid = listener.pid;
  if (!listener.program.empty()) f.subject.program = listener.program;
  const ExpandedSeries series = listener.queue.expand(context.clock);
  uint64_t first = listener.max_ordinal, last = listener.max_ordinal;
  if (listener.episodes.confirmed() > 0) {
    first = listener.episodes.first_ordinal(), last = listener.episodes.last_ordinal();
  } else if (listener.full_snapshots > 0) {
    first = listener.first_full, last = listener.last_full;
  }
  if (listener.overflows.intervals > 0)
    first = std::min(first, listener.overflows.first), last = std::max(last, listener.overflows.last);
  fill_timing(f, context, series, listener.max_recv_q, listener.max_ordinal, first, last);
  if (listener.episodes.confirmed() == 0 && listener.overflows.intervals > 0)
    f.onset_ns = context.wall_at(listener.overflows.first);
  f.peak_unit = "connections";
  f.thresholds = {number_field("warn_ratio", o.accept_warn_ratio),
                  int_field("min_snapshots", o.level_min_snapshots),
                  number_field("overflow_rate_critical", o.overflow_rate_critical, "/s"),
                  number_field("overflow_rate_window_s", o.overflow_rate_window_s, "s")};
  f.facts = {int_field("backlog", listener.backlog), int_field("max_recv_q", listener.max_recv_q),
             int_field("full_snapshots", static_cast<int64_t>(listener.full_snapshots)),
             number_field("listen_overflows", listener.overflows.total),
             number_field("listen_drops", listener.drops.total),
             number_field("overflow_rate_max_per_s", listener.overflows.max_rate, "/s"),
             int_field("syn_recv_peak", syn_recv_peak),
             int_field("close_wait_unaccepted_peak", unaccepted_peak)};
  if (!listener.backlog_known) f.facts.push_back(text_field("backlog_source", "unknown (/proc)"));
  f.evidence.push_back({"listener",
                        {int_field("backlog", listener.backlog), int_field("max_recv_q", listener.max_recv_q),
                         time_field("max_at", context.wall_at(listener.max_ordinal)),
                         int_field("full_snapshots", static_cast<int64_t>(listener.full_snapshots))}});
  if (listener.overflows.intervals > 0)
    f.evidence.push_back(counter_row(context, "TcpExt ListenOverflows (attributed)", listener.overflows));
  if (listener.drops.intervals > 0)
    f.evidence.push_back(counter_row(context, "TcpExt ListenDrops (attributed)", listener.drops));
  const std::string where = ip_text(key.ip) + ":" + std::to_string(key.port);
  const std::string who = listener.program.empty() ? "" : " (" + listener.program + ", pid " + std::to_string(listener.pid) + ")";
  f.series_name = "accept queue (Recv-Q) of " + where;
  if (listener.full_snapshots > 0) {
    f.summary = "The accept queue of " + where + who + " was full (" + format_number(listener.max_recv_q) +
                " > backlog " + format_number(listener.backlog) + ") in " +
                format_number(static_cast<double>(listener.full_snapshots)) + " snapshots";
  } else if (listener.episodes.confirmed() > 0) {
    f.summary = "The accept queue of " + where + who + " stayed near its backlog (" +
                format_number(listener.max_recv_q) + " of " + format_number(listener.backlog) + ")";
  } else {
    f.summary = "Connections to " + where + who + " gave up while waiting to be accepted";
  }
  if (listener.overflows.total > 0)
    f.summary += "; " + format_number(listener.overflows.total) + " ListenOverflows while it was full (max " +
                 format_number(listener.overflows.max_rate) + "/s)";
  if (unaccepted_peak > 0)
    f.summary += "; " + format_number(static_cast<double>(unaccepted_peak)) + " unaccepted connections already closed by their clients";
  f.likely_cause = (listener.program.empty() ? std::string("The application") : listener.program) +
                   " does not accept() connections as fast as they arrive (a busy or blocked "
                   "accept loop, too few workers), or the backlog is too small for bursts.";
  f.next_check = "Watch ss -lnt sport = :" + std::to_string(key.port) +
                 " (Recv-Q against Send-Q) and the acceptor thread; raise the listen() backlog "
                 "(capped by net.core.somaxconn).";
  context.findings.push_back(std::move(f));
}

void AcceptQueueOverflow::emit_host(const FinishContext& context) const {
  Finding f;
  f.kind = kind;
  f.severity = host_overflows_.max_rate > options_.overflow_rate_critical ? Severity::critical : Severity::info;
  f.first_seen_ns = context.wall_at(host_overflows_.first);
  f.last_seen_ns = context.wall_at(host_overflows_.last);
  f.onset_ns = f.first_seen_ns;
  f.peak_value = host_overflows_.max_rate;
  f.peak_at_ns = context.wall_at(host_overflows_.max_rate_ordinal);
  f.peak_unit = "/s";
  f.thresholds = {number_field("overflow_rate_critical", options_.overflow_rate_critical, "/s"),
                  number_field("overflow_rate_window_s", options_.overflow_rate_window_s, "s")};
  f.facts = {number_field("listen_overflows", host_overflows_.total),
             number_field("listen_drops", host_drops_.total),
             number_field("overflow_rate_max_per_s", host_overflows_.max_rate, "/s")};
  f.evidence.push_back(counter_row(context, "TcpExt ListenOverflows (no listener seen full)", host_overflows_));
  f.summary = format_number(host_overflows_.total) +
              " ListenOverflows while no recorded listener was full: a queue filled and drained "
              "between snapshots";
  f.likely_cause = "Short bursts of connections overflow a listener's accept queue faster than "
                   "the recording interval can show.";
  f.next_check = "Record with a shorter interval, or watch nstat -az TcpExtListenOverflows with "
                 "ss -lnt during the bursts.";
  context.findings.push_back(std::move(f));
}

}  // namespace netsnap::analysis::detectors
