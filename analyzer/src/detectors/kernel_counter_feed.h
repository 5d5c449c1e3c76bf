// The kernel counters the detectors read, as per-interval deltas. The recorder stores whole
// tables (Snapshot::counters: "TcpExt" from /proc/net/netstat, "sockstat.TCP" from
// /proc/net/sockstat, ...); this finds the few values needed once and re-checks their
// positions by name each snapshot, so the cost is a handful of string compares per snapshot.
// A counter that goes down is a reset (reboot, recorder moved to another namespace): that
// interval's delta is 0 and the reset is counted, never a negative rate.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "detectors/bucketed_series.h"
#include "netsnap/model.h"

namespace netsnap::analysis::detectors {

enum class Counter : uint8_t {
  listen_overflows,       // TcpExt ListenOverflows: accept queue full, SYN or ACK dropped
  listen_drops,           // TcpExt ListenDrops: every drop at a listener (overflows included)
  req_q_full_drop,        // TcpExt TCPReqQFullDrop: SYN queue full, no cookies: SYN dropped
  req_q_full_do_cookies,  // TcpExt TCPReqQFullDoCookies: SYN queue full, answered by a cookie
  syncookies_sent,        // TcpExt SyncookiesSent
  time_wait_overflow,     // TcpExt TCPTimeWaitOverflow: tcp_max_tw_buckets reached
  zero_window_drop,       // TcpExt TCPZeroWindowDrop: receiver pressure
  rcv_q_drop,             // TcpExt TCPRcvQDrop
  to_zero_window_adv,     // TcpExt TCPToZeroWindowAdv
  backlog_drop,           // TcpExt TCPBacklogDrop
  count
};
inline constexpr size_t counter_count = static_cast<size_t>(Counter::count);
std::string_view counter_table(Counter counter);
std::string_view counter_name(Counter counter);

class KernelCounterFeed {
 public:
  // Reads the snapshot's counters; deltas are against the previous call's snapshot.
  void observe(const Snapshot& snapshot, const Moment& at);

  // This interval's increase; nullopt when the counter is missing now or before.
  std::optional<int64_t> delta(Counter counter) const { return deltas_[index(counter)]; }
  // Seconds since the previous snapshot (0 on the first).
  double interval_s() const { return interval_s_; }
  // sockstat.TCP tw (TIME_WAIT sockets in the recorder's namespace); nullopt when missing.
  std::optional<int64_t> time_wait_gauge() const { return tw_gauge_; }

  // Over the whole replay so far:
  bool seen(Counter counter) const { return seen_[index(counter)]; }
  bool tw_gauge_seen() const { return tw_seen_; }
  int64_t total(Counter counter) const { return totals_[index(counter)]; }
  uint64_t resets() const { return resets_; }
  std::optional<int64_t> first_reset_ns() const { return first_reset_ns_; }

 private:
  struct Position {
    size_t table = SIZE_MAX, value = SIZE_MAX;
  };
  static size_t index(Counter c) { return static_cast<size_t>(c); }
  std::optional<int64_t> read(const Snapshot& snapshot, std::string_view table,
                              std::string_view name, Position& cached) const;

  std::array<Position, counter_count> positions_{};
  Position tw_position_{};
  std::array<std::optional<int64_t>, counter_count> previous_{}, deltas_{};
  std::array<bool, counter_count> seen_{};
  std::array<int64_t, counter_count> totals_{};
  std::optional<int64_t> tw_gauge_;
  bool tw_seen_ = false;
  int64_t previous_wall_ns_ = 0;
  bool has_previous_ = false;
  double interval_s_ = 0;
  uint64_t resets_ = 0;
  std::optional<int64_t> first_reset_ns_;
};

}  // namespace netsnap::analysis::detectors
