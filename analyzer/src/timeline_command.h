// `netsnap-analyze timeline`: counts per snapshot (timeline_grouping.h says which columns),
// optionally downsampled to the maximum within each --every bucket, as text (a table, plus a
// sparkline per column on a terminal), csv or json.
//
// JSON shape:
//   {"by":"state","every_ns":null,"columns":["LISTEN",...,"Send-Q"],"rows":[
//   {"time":"2026-01-01T01:00:00.000+01:00","wall_ns":1767225600000000000,
//    "counts":{"LISTEN":12,...}},
//   ...
//   ]}
// CSV: the header time,wall_ns,<columns>, then one line per row.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "field_writers.h"
#include "namespace_selection.h"
#include "netsnap/recording_reader.h"
#include "progress_meter.h"
#include "recording_time_zone.h"
#include "snapshot_selection.h"
#include "timeline_grouping.h"

namespace netsnap::analysis {

struct TimelineRequest {
  TimelineGroupBy by = TimelineGroupBy::state;
  std::optional<int64_t> every_ns;  // bucket length; unset: one row per snapshot
  SnapshotSelectorArgs selection;   // --from/--to; default: every snapshot
  size_t top = 10;                  // open-ended groupings: columns kept (0: all)
  OutputFormat format = OutputFormat::text;
  bool utc = false;
  // Text only: the terminal's width when stdout is a terminal (then sparklines follow the
  // table), 0 otherwise.
  size_t sparkline_width = 0;
  // A terminal's progress line for the replay, or null (progress_meter.h).
  ProgressMeter* progress = nullptr;
  // Fixed groupings (state, proto) replay socket summaries (netsnap/socket_summary.h); true
  // replays whole sockets instead, as the other groupings do (tests compare the two).
  bool whole_sockets = false;
  // --netns: the namespaces counted (default every one); must outlive the call.
  NamespaceSelection namespaces;
};

struct TimelineSeries {
  std::vector<std::string> columns;  // raw names (open-ended ones come from the recording)
  std::vector<int64_t> times;        // row times: the snapshot's, or its bucket's start
  std::vector<int64_t> values;       // row-major, columns.size() per row
  uint64_t snapshots = 0;            // snapshots replayed
  uint64_t full_recounts = 0;        // of those, the ones counted from scratch

  int64_t at(size_t row, size_t column) const { return values[row * columns.size() + column]; }
};

// Replays the selected snapshots (twice for open-ended groupings: once to find the busiest
// columns, once to count them) and returns the rows. Fails on a selection error.
Result<TimelineSeries> compute_timeline(Timeline& timeline, const RecordingTimeZone& zone,
                                        const TimelineRequest& request);

// compute_timeline, then the rows in the requested format.
Status run_timeline(Timeline& timeline, const TimelineRequest& request, std::ostream& out);

std::string render_timeline_text(const TimelineSeries& series, const RecordingTimeZone& zone,
                                 size_t sparkline_width);
std::string render_timeline_csv(const TimelineSeries& series, const RecordingTimeZone& zone);
std::string render_timeline_json(const TimelineSeries& series, const RecordingTimeZone& zone,
                                 const TimelineRequest& request);

}  // namespace netsnap::analysis
