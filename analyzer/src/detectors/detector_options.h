// Every threshold the detectors use, with its default. The defaults follow
// shared/notes/detectors.md (kernel facts, netdata's alarms) and are tuned so that a problem
// shows in a recording of 30 snapshots at 1 s while healthy traffic (idle pooled connections,
// steady churn with a flat TIME_WAIT count, queue spikes that drain) stays quiet. The report
// command exposes each as an option; findings list the ones they were judged with.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "namespace_selection.h"

namespace netsnap::analysis::detectors {

struct DetectorOptions {
  // --- input ------------------------------------------------------------------------------
  // --netns: the network namespaces whose sockets the detectors see (default every one).
  // Kernel counters are the recording's whatever the selection.
  NamespaceSelection namespaces;

  // --- shared ---------------------------------------------------------------------------
  // Points per finding series (and per series the trend tests see): longer windows are cut
  // into this many buckets. Bounds memory and the O(n^2) Theil-Sen cost.
  uint32_t series_points = 600;
  // A level (port use, accept queue, TIME_WAIT buckets) counts only when it holds in this many
  // consecutive snapshots: one snapshot proves nothing.
  uint32_t level_min_snapshots = 2;
  // Hysteresis: a level entered at threshold T is left only below T * clear_ratio, so a value
  // hovering at the threshold makes one episode, not a flickering series of them.
  double clear_ratio = 0.9;
  // Trend tests (Mann-Kendall, Theil-Sen) need at least this many points...
  uint32_t trend_min_points = 10;
  // ...and a one-sided Mann-Kendall p-value below this to call a series rising.
  double trend_alpha = 0.01;
  // Time-to-exhaustion projections fit a line to this last stretch of the window.
  double projection_window_s = 600;
  // Evidence rows per finding (sample sockets, top keys).
  uint32_t top_n = 5;
  // Info findings kept per kind (the highest peaks); the rest are counted, not listed.
  uint32_t max_info_findings_per_kind = 10;

  // --- time_wait_buildup ------------------------------------------------------------------
  // A significant rise must also add at least this many TIME_WAIT sockets (median of the last
  // fifth of the window minus median of the first fifth).
  double time_wait_min_rise = 100;
  // How long Linux holds TIME_WAIT (TCP_TIMEWAIT_LEN, fixed): count / this = close rate.
  double time_wait_seconds = 60;

  // --- ephemeral_port_pressure ------------------------------------------------------------
  // Share of net.ipv4.ip_local_port_range in use towards one (local IP, remote IP, port).
  double port_warn_ratio = 0.5;
  double port_critical_ratio = 0.8;
  // Used when the recording has no net.ipv4.ip_local_port_range (the kernel default).
  uint32_t default_port_low = 32768, default_port_high = 60999;

  // --- tw_bucket_overflow -----------------------------------------------------------------
  // TIME_WAIT sockets as a share of net.ipv4.tcp_max_tw_buckets (warning); any increase of
  // TcpExt TCPTimeWaitOverflow is critical.
  double tw_buckets_warn_ratio = 0.8;

  // --- close_wait_leak --------------------------------------------------------------------
  // Rising: a significant trend adding at least this many CLOSE_WAIT sockets, made of sockets
  // that stay: at most this share of the group's CLOSE_WAIT sockets that appeared in the
  // window closed again (a leak closes none; a slow but working application closes most).
  double close_wait_min_rise = 20;
  double close_wait_max_closed_share = 0.5;
  // Or persisting: at least this many of the group's sockets, each seen for this long.
  uint32_t close_wait_persist_sockets = 10;
  double close_wait_persist_s = 300;
  // Critical when the owner's open fds reach this share of RLIMIT_NOFILE, or when the
  // projected time to reach the limit is shorter than fd_eta_critical_s.
  double fd_critical_ratio = 0.9;
  double fd_eta_critical_s = 3600;

  // --- accept_queue_overflow --------------------------------------------------------------
  // Warning: Recv-Q (accept queue) at or above this share of the backlog; critical: above the
  // backlog (full), each for level_min_snapshots; or ListenOverflows attributed to the
  // listener above overflow_rate_critical per second averaged over overflow_rate_window_s
  // (netdata's 1-minute average; a shorter recording still divides by the whole window).
  double accept_warn_ratio = 0.8;
  double overflow_rate_critical = 1.0;
  double overflow_rate_window_s = 60;

  // --- syn_queue_overflow: any TCPReqQFullDrop is critical, any SYN cookie warns. ---------

  // --- recv_queue_backlog / send_queue_backlog --------------------------------------------
  // The same socket's queue > 0 and not decreasing for this many consecutive snapshots makes
  // it evidence (info)...
  uint32_t queue_min_snapshots = 3;
  // ...a warning when that lasts this long, critical when this long.
  double queue_warn_s = 15;
  double queue_critical_s = 300;
};

// Every option above by name, for command lines and for the findings' threshold lists: the
// report command can loop over these instead of repeating each option by hand.
struct DetectorOptionSpec {
  std::string_view name;  // kebab-case, e.g. "time-wait-min-rise"
  std::variant<double DetectorOptions::*, uint32_t DetectorOptions::*> member;
  std::string_view help;  // one line, with the unit
};
const std::vector<DetectorOptionSpec>& detector_option_specs();

}  // namespace netsnap::analysis::detectors
