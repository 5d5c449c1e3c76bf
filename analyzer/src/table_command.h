// `netsnap-analyze table`: one or more snapshots as netstat would have printed them on the
// recorded host (netstat_table.h), or as csv/json rows carrying every column
// (socket_export_fields.h) plus the snapshot's time.
//
// JSON shape (one document):
//   {"snapshots":[
//   {"time":"2026-01-01T01:00:59.000+01:00","wall_ns":1767225659000000000,"seq":60,"sockets":[
//   {"netns":4026531840,"proto":"tcp","recv_q":0,...},
//   ...
//   ]}
//   ]}
// CSV: a header line, then one row per socket per snapshot, the first column the time.
// Text: a snapshot of several network namespaces prints one table per namespace, each after a
// line "Network namespace blue (inode 4026532999)" (netstat's headings repeated); a snapshot
// of one namespace prints exactly what netstat prints. csv/json carry netns and netns_name.
#pragma once

#include <ostream>

#include "field_writers.h"
#include "namespace_selection.h"
#include "netsnap/recording_reader.h"
#include "netstat_options.h"
#include "progress_meter.h"
#include "snapshot_selection.h"
#include "socket_filter.h"

namespace netsnap::analysis {

struct TableRequest {
  NetstatOptions netstat;
  SnapshotSelectorArgs selection;  // default: the last snapshot
  SocketFilter filter;
  OutputFormat format = OutputFormat::text;
  bool utc = false;
  // --resolve: host names from the analyst's resolver in the text format (host_names.h).
  bool resolve = false;
  // A sequence (--all, --from/--to) written to a file: a progress line on the terminal, or
  // null (progress_meter.h). main() passes one only when stdout is not that terminal.
  ProgressMeter* progress = nullptr;
  // --netns: the namespaces shown (default every one).
  NamespaceSelection namespaces;
};

// Writes the selected snapshots to `out`. Fails, writing nothing, when the selection does not
// resolve (a time outside the recording, an index past its end): a usage error. Damage met
// on the way is left in timeline.damage() for the caller to report.
Status run_table(Timeline& timeline, const TableRequest& request, std::ostream& out);

// The line printed before each snapshot of a sequence (--all, --from/--to), without newline.
std::string snapshot_time_line(const RecordingTimeZone& zone, int64_t wall_ns);

}  // namespace netsnap::analysis
