// `export --what sockets`: one row per socket per snapshot of the window, every kind (what
// `table -a --all` selects), the snapshot's time first, with the fields of `table --format
// csv` (socket_export_fields.h). CSV: that header and those rows, byte for byte what
// `table -a --all --format csv` writes; JSON lines: one object per socket with the same fields.
//
// Streams: one snapshot is decoded, written and dropped at a time, so a day of 10,000 sockets
// never sits in memory.
//
// There is no OpenMetrics form (check_export_request refuses it): a series per socket would be
// labelled by its addresses, ports and cookie, a new series for every connection, which is the
// cardinality explosion Prometheus stores are known to fall over on. Per-group counts
// (`--what timeline --by local-port|remote|program`) are the bounded alternative.
#pragma once

#include <ostream>

#include "export_request.h"
#include "netsnap/recording_reader.h"
#include "recording_time_zone.h"
#include "snapshot_selection.h"

namespace netsnap::analysis {

Status export_sockets(Timeline& timeline, const RecordingTimeZone& zone, const SnapshotRange& range,
                      const ExportRequest& request, std::ostream& out);

}  // namespace netsnap::analysis
