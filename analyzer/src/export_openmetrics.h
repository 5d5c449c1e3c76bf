// The pieces of an OpenMetrics 1.0 text exposition that `export --format openmetrics` writes
// (https://prometheus.io/docs/specs/om/open_metrics_spec/), shaped for backfilling with
// `promtool tsdb create-blocks-from openmetrics`: every sample carries its timestamp, each
// family's metadata comes once before its samples, each family's samples are contiguous, and
// each series' samples are contiguous and in time order (the spec forbids interleaving them).
//
//   # HELP netsnap_sockets Sockets by protocol and TCP state.
//   # TYPE netsnap_sockets gauge
//   netsnap_sockets{host="web1",proto="tcp",state="TIME_WAIT"} 812 1772366440.000
//   ...
//   # EOF
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netsnap::analysis {

enum class MetricType : uint8_t { gauge, counter };

// A family's metadata. `name` is the family's name: a counter's samples are `name`_total;
// with a unit, `name` must end in "_<unit>" (the spec's rule).
struct MetricFamily {
  std::string name;
  MetricType type = MetricType::gauge;
  std::string help;
  std::string unit;  // "" for none, else e.g. "bytes"
};

// Label name and raw value (recorded text: escaped on output).
using MetricLabel = std::pair<std::string, std::string>;

// "# HELP", "# TYPE" and, with a unit, "# UNIT" lines.
void append_family_header(std::string& out, const MetricFamily& family);

// The series' name and label set, "netsnap_sockets{host=\"web1\",state=\"LISTEN\"}", written
// once per series and put before each of its samples.
std::string series_prefix(const MetricFamily& family, const std::vector<MetricLabel>& labels);

// One sample line: prefix, value, timestamp in seconds with millisecond precision.
void append_sample(std::string& out, std::string_view prefix, int64_t value, int64_t wall_ns);

// A label value as the spec wants it between quotes: the recorded text is first escaped as in
// every other output (text_escape.h: valid UTF-8, no control characters, '\' doubled), then
// '\' and '"' are escaped for OpenMetrics ("\n" never remains as a raw newline).
void append_label_value(std::string& out, std::string_view raw);

// "1772366440.250" for 1772366440250xxxxxx ns (truncated to the millisecond, floor for times
// before 1970).
void append_timestamp_seconds(std::string& out, int64_t wall_ns);

inline constexpr std::string_view openmetrics_end = "# EOF\n";

}  // namespace netsnap::analysis
