#include "detectors/detector_options.h"

namespace netsnap::analysis::detectors {

const std::vector<DetectorOptionSpec>& detector_option_specs() {
  using O = DetectorOptions;
  static const std::vector<DetectorOptionSpec> specs = {
      {"series-points", &O::series_points, "Points per finding series and trend test"},
      {"level-min-snapshots", &O::level_min_snapshots,
       "Consecutive snapshots a level (port use, accept queue, TW buckets) "
       "must hold"},
      {"clear-ratio", &O::clear_ratio, "Hysteresis: a level is left below threshold x this"},
      {"trend-min-points", &O::trend_min_points, "Fewest points a trend test judges"},
      {"trend-alpha", &O::trend_alpha, "Mann-Kendall p-value below which a series is rising"},
      {"projection-window", &O::projection_window_s,
       "Seconds at the window's end that time-to-exhaustion projections fit"},
      {"top", &O::top_n, "Evidence rows per finding"},
      {"max-info-findings", &O::max_info_findings_per_kind, "Info findings listed per kind"},
      {"time-wait-min-rise", &O::time_wait_min_rise,
       "time_wait_buildup: fewest TIME_WAIT sockets a rising trend must add"},
      {"time-wait-seconds", &O::time_wait_seconds,
       "time_wait_buildup: how long the kernel holds TIME_WAIT (close rate = "
       "count / this)"},
      {"port-warn-ratio", &O::port_warn_ratio,
       "ephemeral_port_pressure: share of the local port range in use that "
       "warns"},
      {"port-critical-ratio", &O::port_critical_ratio,
       "ephemeral_port_pressure: share of the local port range in use that is "
       "critical"},
      {"default-port-low", &O::default_port_low,
       "ephemeral_port_pressure: ip_local_port_range start when not recorded"},
      {"default-port-high", &O::default_port_high,
       "ephemeral_port_pressure: ip_local_port_range end when not recorded"},
      {"tw-buckets-warn-ratio", &O::tw_buckets_warn_ratio,
       "tw_bucket_overflow: TIME_WAIT share of tcp_max_tw_buckets that warns"},
      {"close-wait-min-rise", &O::close_wait_min_rise,
       "close_wait_leak: fewest CLOSE_WAIT sockets a rising trend must add"},
      {"close-wait-max-closed-share", &O::close_wait_max_closed_share,
       "close_wait_leak: highest share of new CLOSE_WAIT sockets that closed "
       "again for a rise to count as a leak"},
      {"close-wait-persist-sockets", &O::close_wait_persist_sockets,
       "close_wait_leak: persisting sockets that make a leak without a trend"},
      {"close-wait-persist", &O::close_wait_persist_s,
       "close_wait_leak: seconds a CLOSE_WAIT socket must persist to count"},
      {"fd-critical-ratio", &O::fd_critical_ratio,
       "close_wait_leak: open fds as a share of RLIMIT_NOFILE that is "
       "critical"},
      {"fd-eta-critical", &O::fd_eta_critical_s,
       "close_wait_leak: projected seconds to the fd limit below which it is "
       "critical"},
      {"accept-warn-ratio", &O::accept_warn_ratio,
       "accept_queue_overflow: accept queue as a share of the backlog that "
       "warns"},
      {"overflow-rate-critical", &O::overflow_rate_critical,
       "accept_queue_overflow: ListenOverflows per second that are critical"},
      {"overflow-rate-window", &O::overflow_rate_window_s,
       "accept_queue_overflow: seconds the overflow rate is averaged over"},
      {"queue-min-snapshots", &O::queue_min_snapshots,
       "recv/send_queue_backlog: snapshots a queue must stay > 0 and not fall"},
      {"queue-warn", &O::queue_warn_s, "recv/send_queue_backlog: seconds that warn"},
      {"queue-critical", &O::queue_critical_s,
       "recv/send_queue_backlog: seconds that are critical"},
  };
  return specs;
}

}  // namespace netsnap::analysis::detectors
