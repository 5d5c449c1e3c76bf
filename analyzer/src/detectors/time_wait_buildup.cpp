#include "detectors/time_wait_buildup.h"

#include <algorithm>

namespace netsnap::analysis::detectors {
namespace {

constexpr std::string_view kind = "time_wait_buildup";

std::vector<Field> thresholds(const DetectorOptions& o) {
  return {number_field("min_rise", o.time_wait_min_rise, "sockets"),
          number_field("trend_alpha", o.trend_alpha),
          int_field("trend_min_points", o.trend_min_points)};
}

std::string flow_text(const FlowKey& key) {
  if (!key.client_side) return ip_text(key.local_ip) + ":" + std::to_string(key.local_port);
  return ip_text(key.remote_ip) + ":" + std::to_string(key.remote_port) + " (from " +
         ip_text(key.local_ip) + ")";
}

struct Ranked {
  const FlowKey* key;
  const KeyedCounts<FlowKey>::Slot* slot;
};

// The keys with the most TIME_WAIT at their peak: every finding shows where the rest are.
std::vector<EvidenceRow> top_keys(std::vector<Ranked> keys, const FinishContext& context) {
  const size_t n = std::min<size_t>(keys.size(), context.options.top_n);
  std::partial_sort(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(n), keys.end(),
                    [](const Ranked& a, const Ranked& b) { return a.slot->peak > b.slot->peak; });
  std::vector<EvidenceRow> rows;
  for (size_t i = 0; i < n; ++i) {
    EvidenceRow row{keys[i].key->client_side ? "destination" : "service", {}};
    const Subject s = flow_subject(*keys[i].key, context.feed);
    row.fields.push_back(text_field("local_addr", *s.local_addr));
    if (s.local_port) row.fields.push_back(int_field("local_port", *s.local_port));
    if (s.remote_addr) row.fields.push_back(text_field("remote_addr", *s.remote_addr));
    if (s.remote_port) row.fields.push_back(int_field("remote_port", *s.remote_port));
    row.fields.push_back(int_field("peak", keys[i].slot->peak, "sockets"));
    row.fields.push_back(int_field("now", keys[i].slot->committed, "sockets"));
    rows.push_back(std::move(row));
  }
  return rows;
}

void add_trend_facts(Finding& f, const TrendAssessment& trend, double now, double window_s,
                     const DetectorOptions& o) {
  f.facts.push_back(number_field("slope_per_s", trend.slope, "/s"));
  f.facts.push_back(number_field("net_rise", trend.rise, "sockets"));
  f.facts.push_back(number_field("p_value", trend.p_value));
  f.facts.push_back(number_field("close_rate_per_s", now / o.time_wait_seconds, "/s"));
  f.facts.push_back(number_field("window_s", window_s, "s"));
}

}  // namespace

void TimeWaitBuildup::reset() {
  by_flow_.reset();
  total_ = 0;
  totals_dirty_ = true;
}

void TimeWaitBuildup::count(const FeedContext& context, uint64_t netns, const Socket& socket,
                            int64_t delta) {
  if (socket.state != tcp_state::time_wait) return;
  const FlowKey key = flow_key(netns, socket, context.settings.port_range);
  by_flow_.apply(key, delta);
  total_ += delta;
  totals_dirty_ = true;
}

void TimeWaitBuildup::added(const FeedContext& context, uint64_t netns, const Socket& socket) {
  count(context, netns, socket, +1);
}
void TimeWaitBuildup::removed(const FeedContext& context, uint64_t netns, const Socket& socket) {
  count(context, netns, socket, -1);
}

void TimeWaitBuildup::end_snapshot(const FeedContext& context) {
  by_flow_.commit(context.moment);
  if (!totals_dirty_) return;
  totals_dirty_ = false;
  total_series_.record(context.moment, total_);
  if (total_ > total_peak_) total_peak_ = total_, total_peak_ordinal_ = context.moment.ordinal;
}

Finding TimeWaitBuildup::flow_finding(const FinishContext& context, const FlowKey& key,
                                      const KeyedCounts<FlowKey>::Slot& slot,
                                      const ExpandedSeries& series,
                                      const TrendAssessment& trend) const {
  Finding f;
  f.kind = kind;
  // Towards one destination the rise eats its port space; on a served port it costs memory.
  f.severity = key.client_side ? Severity::warning : Severity::info;
  f.subject = flow_subject(key, context.feed);
  fill_timing(f, context, series, slot.peak, slot.peak_ordinal, slot.first_nonzero,
              KeyedCounts<FlowKey>::last_nonzero_ordinal(slot, context.final_ordinal()));
  f.peak_unit = "sockets";
  f.thresholds = thresholds(options_);
  const double window_s = series.t_s.empty() ? 0 : series.t_s.back();
  add_trend_facts(f, trend, static_cast<double>(slot.committed), window_s, options_);
  const uint32_t ports = context.feed.settings.port_range.size();
  if (key.client_side && ports > 0)
    f.facts.push_back(number_field("share_of_port_range", 100.0 * static_cast<double>(slot.peak) / ports, "%"));
  f.series_name = "TIME_WAIT sockets";
  f.summary = "TIME_WAIT " + std::string(key.client_side ? "towards " : "on ") + flow_text(key) +
              " rose by " + format_number(trend.rise) + " (" + format_number(trend.slope) +
              "/s) to a peak of " + format_number(static_cast<double>(slot.peak));
  if (key.client_side && ports > 0)
    f.summary += ", " + format_number(100.0 * static_cast<double>(slot.peak) / ports) + "% of the " +
                 format_number(ports) + " local ports";
  if (key.client_side) {
    f.likely_cause = "This host opens and closes short connections to " + ip_text(key.remote_ip) + ":" +
                     std::to_string(key.remote_port) +
                     " faster than TIME_WAIT (60 s) releases their ports: no keep-alive or "
                     "connection pooling, or a retry loop.";
    f.next_check = "Find the client (ss -tanp dst " + ip_text(key.remote_ip) +
                   "): enable keep-alive/pooling; net.ipv4.tcp_tw_reuse=1 lets connect() reuse "
                   "TIME_WAIT ports when timestamps are on.";
  } else {
    f.likely_cause = "The service on port " + std::to_string(key.local_port) +
                     " closes connections first, at a growing rate (more clients, or keep-alive "
                     "turned off).";
    f.next_check = "Compare the request rate with the close rate (count / 60 s); check the "
                   "service's keep-alive settings.";
  }
  return f;
}

void TimeWaitBuildup::finish(const FinishContext& context) {
  const DetectorOptions& o = options_;
  if (context.clock.snapshots() < o.trend_min_points) {
    context.not_judged(kind, "a trend needs at least " + std::to_string(o.trend_min_points) +
                                 " snapshots; the window has " + std::to_string(context.clock.snapshots()));
    return;
  }
  std::vector<Ranked> keys;
  for (const auto& [key, slot] : by_flow_.slots()) keys.push_back({&key, &slot});
  const std::vector<EvidenceRow> top = top_keys(keys, context);
  // Per key, only where the peak could hold the minimum rise (cheap filter before expanding).
  size_t flow_findings = 0;
  for (const auto& [key, slot] : by_flow_.slots()) {
    if (static_cast<double>(slot.peak) < o.time_wait_min_rise) continue;
    const ExpandedSeries series = slot.series.expand(context.clock);
    const TrendAssessment trend = assess_trend(series.t_s, series.last, o.trend_min_points,
                                               o.trend_alpha, o.time_wait_min_rise);
    if (!trend.rising) continue;
    context.findings.push_back(flow_finding(context, key, slot, series, trend));
    context.findings.back().evidence = top;
    ++flow_findings;
  }
  if (flow_findings > 0) return;
  // No single key rose enough: the host total still may (many destinations, many clients).
  const ExpandedSeries series = total_series_.expand(context.clock);
  const TrendAssessment trend = assess_trend(series.t_s, series.last, o.trend_min_points,
                                             o.trend_alpha, o.time_wait_min_rise);
  if (!trend.rising) return;
  // Spread over many destinations, each with its own port space: worth knowing (the close
  // rate went up), not a risk by itself; tw_bucket_overflow judges the host-wide limit.
  Finding f;
  f.kind = kind;
  f.severity = Severity::info;
  fill_timing(f, context, series, total_peak_, total_peak_ordinal_, 0, context.final_ordinal());
  f.peak_unit = "sockets";
  f.thresholds = thresholds(o);
  add_trend_facts(f, trend, static_cast<double>(total_), series.t_s.empty() ? 0 : series.t_s.back(), o);
  f.series_name = "TIME_WAIT sockets (host)";
  f.evidence = top;
  f.summary = "TIME_WAIT on the host rose by " + format_number(trend.rise) + " (" +
              format_number(trend.slope) + "/s) to " + format_number(static_cast<double>(total_peak_)) +
              ", spread over many destinations";
  f.likely_cause = "More connections are being closed per second than at the start of the window "
                   "(more traffic, or keep-alive lost somewhere).";
  f.next_check = "See the top destinations below; compare with the request rate.";
  context.findings.push_back(std::move(f));
}

}  // namespace netsnap::analysis::detectors
