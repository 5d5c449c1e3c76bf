// What a detector reports: a Finding (one problem with one subject over a window) and the
// DetectorReport notes that go with a run (what could not be judged and why, caveats about
// the window). Plain value types with no formatting of their own: the `report` command renders
// them as text, json, markdown or html, generic over the Field lists.
//
// Times are UTC nanoseconds since the epoch (render them as RFC 3339); ports are numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace netsnap::analysis::detectors {

enum class Severity : uint8_t { info = 0, warning = 1, critical = 2 };
std::string_view severity_name(Severity severity);  // "info", "warning", "critical"

// A point in time inside a Field, so that renderers can tell it from a plain number.
struct WallTime {
  int64_t ns = 0;
  bool operator==(const WallTime&) const = default;
};

// One named, typed value: an evidence column, a threshold, a measured fact. Names are stable
// snake_case identifiers (json keys); `unit` is for humans ("s", "/s", "bytes", "%", ...).
using FieldValue = std::variant<std::monostate, int64_t, double, std::string, WallTime>;
struct Field {
  std::string name;
  FieldValue value;
  std::string unit;
  bool operator==(const Field&) const = default;
};
const Field* find_field(const std::vector<Field>& fields, std::string_view name);
// The field's value as a number (int64 or double), nullopt when absent or not a number.
std::optional<double> field_number(const std::vector<Field>& fields, std::string_view name);

// What a finding is about. Only the members that apply are set (a host-wide finding sets none,
// a listener sets local_addr/local_port and the owner, a destination sets the remote side).
struct Subject {
  std::optional<std::string> local_addr;   // numeric, as netstat -n prints it
  std::optional<uint16_t> local_port;
  std::optional<std::string> remote_addr;
  std::optional<uint16_t> remote_port;
  std::optional<int32_t> pid;
  std::optional<std::string> program;      // netstat's name: argv0 basename, else comm
  std::optional<uint64_t> netns;           // network namespace inode
  std::optional<std::string> netns_name;   // its name when known (ip netns)
  bool operator==(const Subject&) const = default;
};

// A row of evidence: a sample socket (first/last seen, queues), a counter delta, a top key.
// `what` says which ("socket", "counter", "destination", "remote", "listener", ...).
struct EvidenceRow {
  std::string what;
  std::vector<Field> fields;
  bool operator==(const EvidenceRow&) const = default;
};

struct SeriesPoint {
  int64_t wall_ns = 0;
  double value = 0;
  bool operator==(const SeriesPoint&) const = default;
};

struct Finding {
  std::string kind;  // stable name: time_wait_buildup, close_wait_leak, ...
  Severity severity = Severity::info;
  Subject subject;
  int64_t first_seen_ns = 0;             // first snapshot where the condition (or key) showed
  int64_t last_seen_ns = 0;              // last such snapshot
  std::optional<int64_t> onset_ns;       // estimated start of the problem (CUSUM), if found
  double peak_value = 0;
  int64_t peak_at_ns = 0;
  std::string peak_unit;                 // what peak_value counts ("sockets", "bytes", "/s")
  std::vector<Field> thresholds;         // the options this finding was judged with
  std::vector<Field> facts;              // kind-specific measurements (slope, ETA, ...)
  std::vector<EvidenceRow> evidence;
  std::string summary;                   // one line, plain language
  std::string likely_cause;
  std::string next_check;
  // The finding's series for sparklines and charts: at most DetectorOptions::series_points
  // points, each the highest value within its share of the window (spikes stay visible).
  std::string series_name;
  std::vector<SeriesPoint> series;
};

// A detector, or part of one, that the window did not allow to run, and why (no owners, no
// counters, too few snapshots, a setting not recorded...).
struct NotJudged {
  std::string kind;    // detector kind, or "all"
  std::string reason;  // one line
  bool operator==(const NotJudged&) const = default;
};

struct DetectorReport {
  std::vector<NotJudged> not_judged;
  std::vector<std::string> caveats;      // gaps, damaged records, assumed settings, ...
  uint64_t snapshots = 0;                // replayed in the window
  int64_t window_start_ns = 0, window_end_ns = 0;
  int64_t interval_ns = 0;               // median time between snapshots
  uint64_t gaps = 0;                     // intervals longer than 1.5 x the median
  uint64_t full_recounts = 0;            // steps without a previous snapshot (start, damage)
  uint64_t socket_changes = 0;           // opened + closed + changed sockets processed
  uint64_t findings_omitted = 0;         // info findings beyond max_info_findings_per_kind
};

// Sorts by severity (critical first), then kind, then peak (highest first).
void rank_findings(std::vector<Finding>& findings);

}  // namespace netsnap::analysis::detectors
