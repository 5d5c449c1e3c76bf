// The findings side of close_wait_leak (see close_wait_leak.h for the rule).
#include <algorithm>
#include <limits>

#include "detectors/close_wait_leak.h"

namespace netsnap::analysis::detectors {
namespace {

constexpr std::string_view kind = "close_wait_leak";

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  const auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  return *mid;
}

}  // namespace

void CloseWaitLeak::finish(const FinishContext& context) {
  const DetectorOptions& o = options_;
  if (!context.feed.owners_seen)
    context.not_judged(kind, "no owning processes in the window (recorded with --no-owners, by an "
                             "older recorder, or without root): CLOSE_WAIT is grouped by local "
                             "port, and fds against RLIMIT_NOFILE are not judged");
  const bool trend_possible = context.clock.snapshots() >= o.trend_min_points;
  if (!trend_possible)
    context.not_judged(kind, "the rising-trend rule needs at least " + std::to_string(o.trend_min_points) +
                                 " snapshots; the window has " + std::to_string(context.clock.snapshots()) +
                                 " (persisting sockets are still judged)");
  for (const auto& [key, slot] : groups_.slots()) {
    const bool maybe_rising = trend_possible && static_cast<double>(slot.peak) >= o.close_wait_min_rise;
    const bool persisting = slot.extra.max_aged >= o.close_wait_persist_sockets;
    if (!maybe_rising && !persisting) continue;
    const ExpandedSeries series = slot.series.expand(context.clock);
    TrendAssessment trend;
    if (maybe_rising) {
      trend = assess_trend(series.t_s, series.last, o.trend_min_points, o.trend_alpha, o.close_wait_min_rise);
      // A rise of sockets that keep closing is a slow application, not a leak.
      const GroupData& g = slot.extra;
      if (static_cast<double>(g.closed) > o.close_wait_max_closed_share * static_cast<double>(g.appeared))
        trend.rising = false;
    }
    if (trend.rising || persisting) emit(context, key, slot, series, trend, persisting);
  }
}

void CloseWaitLeak::emit(const FinishContext& context, const CloseWaitGroup& key,
                         const Groups::Slot& slot, const ExpandedSeries& series,
                         const TrendAssessment& trend, bool persisting) const {
  const DetectorOptions& o = options_;
  const GroupData& group = slot.extra;
  Finding f;
  f.kind = kind;
  f.severity = Severity::warning;
  if (key.pid > 0) {
    f.subject.pid = key.pid;
    if (!group.program.empty()) f.subject.program = group.program;
    set_netns(f.subject, group.netns, context.feed);
  } else {
    f.subject.local_port = key.local_port;
    set_netns(f.subject, key.netns, context.feed);
  }
  const uint64_t final_ordinal = context.final_ordinal();
  fill_timing(f, context, series, slot.peak, slot.peak_ordinal, slot.first_nonzero,
              Groups::last_nonzero_ordinal(slot, final_ordinal));
  f.peak_unit = "sockets";
  f.thresholds = {number_field("min_rise", o.close_wait_min_rise, "sockets"),
                  int_field("trend_min_points", o.trend_min_points),
                  number_field("trend_alpha", o.trend_alpha),
                  number_field("max_closed_share", o.close_wait_max_closed_share),
                  int_field("persist_sockets", o.close_wait_persist_sockets),
                  number_field("persist_s", o.close_wait_persist_s, "s"),
                  number_field("fd_critical_ratio", o.fd_critical_ratio),
                  number_field("fd_eta_critical_s", o.fd_eta_critical_s, "s")};
  f.facts.push_back(int_field("count_now", slot.committed, "sockets"));
  if (trend.rising) {
    f.facts.push_back(number_field("slope_per_h", trend.slope * 3600, "/h"));
    f.facts.push_back(number_field("net_rise", trend.rise, "sockets"));
    f.facts.push_back(number_field("p_value", trend.p_value));
  }
  f.facts.push_back(int_field("persisting_sockets", group.max_aged, "sockets"));
  f.facts.push_back(int_field("appeared", static_cast<int64_t>(group.appeared), "sockets"));
  f.facts.push_back(int_field("closed", static_cast<int64_t>(group.closed), "sockets"));
  // Ages are lower bounds: first-seen cannot go back before the window (or the recording).
  std::vector<const Entry*> alive = entries_of(slot);
  const int64_t end_wall = context.wall_at(final_ordinal);
  std::vector<double> ages = group.lifetimes_s;
  double oldest = group.longest_lifetime_s;
  for (const Entry* e : alive) {
    const double age = static_cast<double>(end_wall - context.wall_at(e->first_seen)) / 1e9;
    ages.push_back(age);
    oldest = std::max(oldest, age);
  }
  f.facts.push_back(number_field("age_p50_s_at_least", median(ages), "s"));
  f.facts.push_back(number_field("age_max_s_at_least", oldest, "s"));

  std::optional<double> eta, ratio;
  if (group.fds_known) {
    f.facts.push_back(int_field("fds_now", group.fds_now));
    const bool limited = group.nofile_soft > 0 && group.nofile_soft != std::numeric_limits<uint64_t>::max();
    if (limited) {
      const double limit = static_cast<double>(group.nofile_soft);
      f.facts.push_back(int_field("fd_limit", static_cast<int64_t>(group.nofile_soft)));
      ratio = group.fds_now / limit;
      f.facts.push_back(number_field("fd_percent", 100 * *ratio, "%"));
      const ExpandedSeries fds = group.fds.expand(context.clock);
      const auto slope = fds.t_s.empty() ? std::nullopt
                                         : least_squares_slope(fds.t_s, fds.last, fds.t_s.back() - o.projection_window_s);
      if (slope) f.facts.push_back(number_field("fd_growth_per_s", *slope, "/s"));
      if (slope && *slope > 0 && group.fds_now < limit) eta = (limit - group.fds_now) / *slope;
      if (eta) f.facts.push_back(number_field("eta_to_fd_limit_s", *eta, "s"));
    }
  }
  if ((ratio && *ratio >= o.fd_critical_ratio) || (eta && *eta <= o.fd_eta_critical_s))
    f.severity = Severity::critical;

  // Evidence: the oldest sockets still open, then the remotes they were connected to.
  std::sort(alive.begin(), alive.end(), [](const Entry* a, const Entry* b) { return a->first_seen < b->first_seen; });
  for (size_t i = 0; i < alive.size() && i < o.top_n; ++i) {
    const Entry& e = *alive[i];
    f.evidence.push_back({"socket",
                          {text_field("local_addr", ip_text(e.local_ip)), int_field("local_port", e.local_port),
                           text_field("remote_addr", ip_text(e.remote_ip)), int_field("remote_port", e.remote_port),
                           time_field("first_seen", context.wall_at(e.first_seen)), time_field("last_seen", end_wall),
                           number_field("age_s_at_least", static_cast<double>(end_wall - context.wall_at(e.first_seen)) / 1e9, "s")}});
  }
  std::vector<std::pair<RemoteKey, uint32_t>> remotes(group.remotes.begin(), group.remotes.end());
  std::sort(remotes.begin(), remotes.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (size_t i = 0; i < remotes.size() && i < o.top_n; ++i) {
    EvidenceRow row{"remote", {text_field("remote_addr", ip_text(remotes[i].first.ip))}};
    if (remotes[i].first.port) row.fields.push_back(int_field("remote_port", remotes[i].first.port));
    row.fields.push_back(int_field("sockets", remotes[i].second));
    f.evidence.push_back(std::move(row));
  }

  const std::string who =
      process_text(key.pid, group.program, "local port " + std::to_string(key.local_port) + " (owner unknown)");
  f.series_name = "CLOSE_WAIT sockets of " + who;
  f.summary = who + " holds " + format_number(static_cast<double>(slot.peak)) + " CLOSE_WAIT sockets at peak";
  if (trend.rising) f.summary += ", rising " + format_number(trend.slope * 3600) + "/h";
  if (persisting) f.summary += "; " + format_number(group.max_aged) + " stayed over " + format_duration(o.close_wait_persist_s);
  if (eta) f.summary += "; fds reach the limit in " + format_duration(*eta);
  f.likely_cause = "The peers closed these connections but " + who +
                   " never called close() on them: a descriptor leak (an error path that skips "
                   "close, or a pool that keeps dead connections).";
  f.next_check = key.pid > 0 ? "Compare ls /proc/" + std::to_string(key.pid) + "/fd | wc -l with its "
                                   "'Max open files' (/proc/" + std::to_string(key.pid) + "/limits); find "
                                   "the code path that drops connections without closing them."
                             : "Find the process with ss -tanp state close-wait sport = :" +
                                   std::to_string(key.local_port) + " (as root), then check its fds.";
  context.findings.push_back(std::move(f));
}

}  // namespace netsnap::analysis::detectors
