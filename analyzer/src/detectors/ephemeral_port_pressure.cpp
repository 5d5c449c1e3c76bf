#include "detectors/ephemeral_port_pressure.h"

#include <algorithm>

#include "detectors/trend_statistics.h"

namespace netsnap::analysis::detectors {
namespace {

constexpr std::string_view kind = "ephemeral_port_pressure";

bool uses_port(const Socket& socket) {
  return socket.state != tcp_state::listen && socket.state != tcp_state::close &&
         socket.remote.port != 0;
}

}  // namespace

LevelRule EphemeralPortPressure::rule() const {
  return {options_.port_warn_ratio, options_.port_critical_ratio, options_.clear_ratio,
          options_.level_min_snapshots};
}

void EphemeralPortPressure::reset() {
  by_flow_.reset();
  for (auto& [key, slot] : by_flow_.slots()) slot.extra.time_wait = 0;
  recounting_ = true;
}

void EphemeralPortPressure::count(const FeedContext& context, uint64_t netns,
                                  const Socket& socket, int64_t delta) {
  if (!uses_port(socket) || !context.settings.port_range.contains(socket.local.port)) return;
  const FlowKey key = flow_key(netns, socket, context.settings.port_range);
  Counts::Slot& slot = by_flow_.apply(key, delta);
  if (socket.state == tcp_state::time_wait) slot.extra.time_wait += delta;
  if (delta > 0 && !recounting_) ++slot.extra.opened;
}

void EphemeralPortPressure::added(const FeedContext& context, uint64_t netns, const Socket& socket) {
  count(context, netns, socket, +1);
}
void EphemeralPortPressure::removed(const FeedContext& context, uint64_t netns,
                                    const Socket& socket) {
  count(context, netns, socket, -1);
}

void EphemeralPortPressure::end_snapshot(const FeedContext& context) {
  recounting_ = false;
  capacity_ = context.settings.port_range.size();
  const double capacity = std::max<double>(capacity_, 1);
  const LevelRule level = rule();
  by_flow_.commit(context.moment, [&](const FlowKey&, Counts::Slot& slot) {
    slot.extra.episodes.update(context.moment.ordinal, static_cast<double>(slot.value) / capacity, level);
    if (slot.peak == slot.value && slot.peak_ordinal == context.moment.ordinal)
      slot.extra.time_wait_at_peak = slot.extra.time_wait;
  });
}

Finding EphemeralPortPressure::make_finding(const FinishContext& context, const FlowKey& key,
                                            const Counts::Slot& slot) const {
  const PortUse& use = slot.extra;
  const double capacity = std::max<double>(capacity_, 1);
  const ExpandedSeries series = slot.series.expand(context.clock);
  Finding f;
  f.kind = kind;
  f.severity = use.episodes.confirmed() >= 2 ? Severity::critical : Severity::warning;
  f.subject = flow_subject(key, context.feed);
  fill_timing(f, context, series, slot.peak, slot.peak_ordinal, use.episodes.first_ordinal(),
              use.episodes.last_ordinal());
  f.peak_unit = "ports";
  f.thresholds = {number_field("warn_ratio", options_.port_warn_ratio),
                  number_field("critical_ratio", options_.port_critical_ratio),
                  number_field("clear_ratio", options_.clear_ratio),
                  int_field("min_snapshots", options_.level_min_snapshots)};
  const double window_s = static_cast<double>(context.clock.end_ns() - context.clock.start_ns()) / 1e9;
  const double churn = window_s > 0 ? static_cast<double>(use.opened) / window_s : 0;
  f.facts = {int_field("used", slot.peak, "ports"),
             int_field("capacity", capacity_, "ports"),
             number_field("percent", 100.0 * static_cast<double>(slot.peak) / capacity, "%"),
             int_field("used_now", slot.committed, "ports"),
             int_field("time_wait_at_peak", use.time_wait_at_peak, "sockets"),
             number_field("churn_per_s", churn, "/s"),
             int_field("episodes", use.episodes.episodes())};
  // Projection: the mean rate over the recent stretch, only while it is still climbing.
  std::optional<double> eta;
  if (!series.t_s.empty()) {
    const auto slope = least_squares_slope(series.t_s, series.last,
                                           series.t_s.back() - options_.projection_window_s);
    if (slope && *slope > 0 && static_cast<double>(slot.committed) < capacity)
      eta = (capacity - static_cast<double>(slot.committed)) / *slope;
    if (slope) f.facts.push_back(number_field("growth_per_s", *slope, "/s"));
  }
  if (eta) f.facts.push_back(number_field("eta_to_exhaustion_s", *eta, "s"));
  const std::string destination = ip_text(key.remote_ip) + ":" + std::to_string(key.remote_port);
  f.series_name = "local ports in use towards " + destination;
  f.summary = format_number(static_cast<double>(slot.peak)) + " of " + format_number(capacity_) +
              " local ports (" + format_number(100.0 * static_cast<double>(slot.peak) / capacity) +
              "%) in use from " + ip_text(key.local_ip) + " towards " + destination;
  if (eta) f.summary += "; at the recent rate the range runs out in " + format_duration(*eta);
  f.likely_cause = "Connections to " + destination + " are opened faster than their ports come back (" +
                   format_number(churn) + " opened/s; each closed one holds its port 60 s in "
                   "TIME_WAIT), or many are kept open: new connects will fail with EADDRNOTAVAIL.";
  f.next_check = "Find the client with ss -tanp dst " + ip_text(key.remote_ip) +
                 ": pool and reuse connections; widen net.ipv4.ip_local_port_range, add source "
                 "IPs, or enable net.ipv4.tcp_tw_reuse.";
  return f;
}

void EphemeralPortPressure::finish(const FinishContext& context) {
  if (!context.feed.settings.port_range_recorded)
    context.report.caveats.push_back(
        "net.ipv4.ip_local_port_range was not recorded: assumed " +
        std::to_string(context.feed.settings.port_range.low) + "-" +
        std::to_string(context.feed.settings.port_range.high));
  if (context.clock.snapshots() < options_.level_min_snapshots)
    context.not_judged(kind, "a level must hold for " + std::to_string(options_.level_min_snapshots) +
                                 " snapshots; the window has " + std::to_string(context.clock.snapshots()));
  const LevelRule level = rule();
  for (auto& [key, slot] : by_flow_.slots()) {
    slot.extra.episodes.finish(context.final_ordinal(), level);
    if (slot.extra.episodes.confirmed() == 0) continue;
    context.findings.push_back(make_finding(context, key, slot));
  }
}

}  // namespace netsnap::analysis::detectors
