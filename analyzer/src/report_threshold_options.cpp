#include "report_threshold_options.h"

#include <string>
#include <variant>

namespace netsnap::analysis {
namespace {

template <class T>
void add(CLI::Option_group& group, const std::string& name, T& value, const std::string& help) {
  group.add_option(name, value, help)->capture_default_str();
}

Status ratio_in_range(const char* option, double value) {
  if (value > 0 && value <= 1) return ok_status();
  return Error{std::string(option) + " " + std::to_string(value) +
               ": expected a ratio above 0 and at most 1"};
}

}  // namespace

void add_threshold_options(CLI::App& command, detectors::DetectorOptions& o) {
  CLI::Option_group& g = *command.add_option_group(
      "Thresholds", "Detector thresholds (findings list the ones they were judged with)");
  for (const detectors::DetectorOptionSpec& spec : detectors::detector_option_specs()) {
    std::visit(
        [&](auto member) {
          add(g, "--" + std::string(spec.name), o.*member, std::string(spec.help));
        },
        spec.member);
  }
}

Status check_threshold_options(const detectors::DetectorOptions& o) {
  for (const auto& [option, value] :
       {std::pair{"--clear-ratio", o.clear_ratio}, std::pair{"--trend-alpha", o.trend_alpha},
        std::pair{"--port-warn-ratio", o.port_warn_ratio},
        std::pair{"--port-critical-ratio", o.port_critical_ratio},
        std::pair{"--tw-buckets-warn-ratio", o.tw_buckets_warn_ratio},
        std::pair{"--fd-critical-ratio", o.fd_critical_ratio},
        std::pair{"--close-wait-max-closed-share", o.close_wait_max_closed_share},
        std::pair{"--accept-warn-ratio", o.accept_warn_ratio}}) {
    if (auto checked = ratio_in_range(option, value); !checked) return checked;
  }
  if (o.port_warn_ratio > o.port_critical_ratio) {
    return Error{"--port-warn-ratio is above --port-critical-ratio"};
  }
  if (o.queue_warn_s > o.queue_critical_s) return Error{"--queue-warn is above --queue-critical"};
  if (o.series_points < 2) return Error{"--series-points: expected at least 2"};
  if (o.default_port_low > o.default_port_high || o.default_port_high > 65535) {
    return Error{
        "--default-port-low/--default-port-high: expected a range "
        "within 0..65535"};
  }
  if (o.time_wait_seconds <= 0) return Error{"--time-wait-seconds: expected a positive number"};
  return ok_status();
}

}  // namespace netsnap::analysis
