#include "detectors/kernel_counter_feed.h"

namespace netsnap::analysis::detectors {
namespace {

struct CounterSpec {
  std::string_view table, name;
};
// Names as the kernel spells them (recorder/src/kernel_counters.cpp stores them verbatim).
constexpr CounterSpec specs[counter_count] = {
    {"TcpExt", "ListenOverflows"},     {"TcpExt", "ListenDrops"},
    {"TcpExt", "TCPReqQFullDrop"},     {"TcpExt", "TCPReqQFullDoCookies"},
    {"TcpExt", "SyncookiesSent"},      {"TcpExt", "TCPTimeWaitOverflow"},
    {"TcpExt", "TCPZeroWindowDrop"},   {"TcpExt", "TCPRcvQDrop"},
    {"TcpExt", "TCPToZeroWindowAdv"},  {"TcpExt", "TCPBacklogDrop"},
};

}  // namespace

std::string_view counter_table(Counter counter) { return specs[static_cast<size_t>(counter)].table; }
std::string_view counter_name(Counter counter) { return specs[static_cast<size_t>(counter)].name; }

std::optional<int64_t> KernelCounterFeed::read(const Snapshot& snapshot, std::string_view table,
                                               std::string_view name, Position& cached) const {
  const auto& tables = snapshot.counters;
  // Tables and names keep their places from one snapshot to the next on a given kernel: check
  // the remembered place first, search only when it no longer holds the name.
  if (cached.table < tables.size() && tables[cached.table].name == table &&
      cached.value < tables[cached.table].names.size() &&
      cached.value < tables[cached.table].values.size() &&
      tables[cached.table].names[cached.value] == name)
    return tables[cached.table].values[cached.value];
  for (size_t t = 0; t < tables.size(); ++t) {
    if (tables[t].name != table) continue;
    const auto& names = tables[t].names;
    for (size_t v = 0; v < names.size() && v < tables[t].values.size(); ++v)
      if (names[v] == name) {
        cached = {t, v};
        return tables[t].values[v];
      }
  }
  return std::nullopt;
}

void KernelCounterFeed::observe(const Snapshot& snapshot, const Moment& at) {
  interval_s_ = has_previous_ ? static_cast<double>(at.wall_ns - previous_wall_ns_) / 1e9 : 0;
  for (size_t c = 0; c < counter_count; ++c) {
    // Positions are per table and name; a cached place that moved is searched again.
    const std::optional<int64_t> now = read(snapshot, specs[c].table, specs[c].name, positions_[c]);
    deltas_[c].reset();
    if (now) seen_[c] = true;
    if (now && previous_[c] && has_previous_) {
      int64_t delta = *now - *previous_[c];
      if (delta < 0) {  // a reset: the count restarted, the interval's increase is unknown
        ++resets_;
        if (!first_reset_ns_) first_reset_ns_ = at.wall_ns;
        delta = 0;
      }
      deltas_[c] = delta;
      totals_[c] += delta;
    }
    previous_[c] = now;
  }
  tw_gauge_ = read(snapshot, "sockstat.TCP", "tw", tw_position_);
  if (tw_gauge_) tw_seen_ = true;
  previous_wall_ns_ = at.wall_ns;
  has_previous_ = true;
}

}  // namespace netsnap::analysis::detectors
