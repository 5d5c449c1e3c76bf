// What `netsnap-analyze export` was asked for: the format, the data (--what) and the window,
// parsed from the command line's words. Each export_* file writes one --what in every format.
#pragma once

#include <cstdint>
#include <string_view>

#include "namespace_selection.h"
#include "netsnap/result.h"
#include "progress_meter.h"
#include "snapshot_selection.h"
#include "timeline_grouping.h"

namespace netsnap::analysis {

enum class ExportFormat : uint8_t { csv, jsonl, openmetrics };
enum class ExportWhat : uint8_t { sockets, timeline, counters };

// "csv", "jsonl", "openmetrics"; otherwise one line naming the value and the choices.
Result<ExportFormat> parse_export_format(std::string_view name);
// "sockets", "timeline", "counters".
Result<ExportWhat> parse_export_what(std::string_view name);

struct ExportRequest {
  ExportFormat format = ExportFormat::csv;
  ExportWhat what = ExportWhat::timeline;
  TimelineGroupBy by = TimelineGroupBy::state;  // --what timeline
  size_t top = 10;                              // --what timeline, open-ended --by
  SnapshotSelectorArgs selection;               // --from/--to; default every snapshot
  bool utc = false;                             // times in csv/jsonl
  ProgressMeter* progress = nullptr;            // a terminal's progress line, or null
  NamespaceSelection namespaces;                // --netns (counters: the recording's)
};

// Fails for the combinations that have no sensible output (one line saying why), before any
// file is read: sockets as OpenMetrics (see export_sockets.h), --by or --top without
// --what timeline.
Status check_export_request(const ExportRequest& request, bool by_given, bool top_given);

}  // namespace netsnap::analysis
