// `netsnap-analyze diff`: connections opened, closed and changed (state or queue) between the
// snapshots at --from and --to (snapshot_diff.h says what "the same socket" means), as netstat
// rows behind a marker:
//   Changes from 2026-01-01 01:00:10 CET to 2026-01-01 01:00:50 CET: 3 opened, 2 closed, 1 changed
//   Active Internet connections (servers and established)
//     Proto Recv-Q Send-Q Local Address           Foreign Address         State
//   - tcp        0      0 10.0.0.1:22             10.0.0.2:5555           ESTABLISHED
//   + tcp        0      0 10.0.0.1:22             10.0.0.3:6000           ESTABLISHED
//   ~ tcp        5      0 10.0.0.1:22             10.0.0.4:7000           CLOSE_WAIT
//       Recv-Q 0 -> 5, State ESTABLISHED -> CLOSE_WAIT
// netstat's flags choose the rows as in `table` (so -tuan for every TCP and UDP socket); the
// filters of `table` apply too. Within a section: closed rows, then opened, then changed, each
// in netstat's order; a changed row is followed by an indented line naming what changed. A
// section without changes is left out. When either snapshot has several network namespaces,
// each namespace with changes gets its own part after a line "Network namespace blue (inode
// 4026532999)" (the summary line counts them all); json carries netns and netns_name.
//
// JSON shape:
//   {"from":{"time":"...","wall_ns":N,"seq":N},"to":{...},
//    "opened":[{socket fields}...],"closed":[...],
//    "changed":[{"before":{socket fields},"after":{socket fields}}...]}
// with the socket fields of socket_export_fields.h.
#pragma once

#include <ostream>
#include <string>

#include "field_writers.h"
#include "namespace_selection.h"
#include "netsnap/recording_reader.h"
#include "netstat_options.h"
#include "socket_filter.h"

namespace netsnap::analysis {

struct DiffRequest {
  NetstatOptions netstat;
  std::string from, to;  // time arguments; both must lie within the recording
  SocketFilter filter;
  OutputFormat format = OutputFormat::text;  // text or json
  bool utc = false;
  // --resolve: host names from the analyst's resolver in the text format (host_names.h).
  bool resolve = false;
  // --netns: the namespaces compared (default every one).
  NamespaceSelection namespaces;
};

// Fails, writing nothing, when a time does not resolve or --from is after --to.
Status run_diff(Timeline& timeline, const DiffRequest& request, std::ostream& out);

}  // namespace netsnap::analysis
