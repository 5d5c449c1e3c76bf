// `export --what timeline`: the counts of `timeline` (timeline_grouping.h: --by state by
// default, proto, local-port, remote or program; --top for the last three), one row per
// snapshot of the window.
//
//   csv    exactly `timeline --format csv`: time,wall_ns,<columns>
//   jsonl  one object per snapshot, the row of `timeline --format json`:
//          {"time":"...","wall_ns":N,"counts":{"LISTEN":12,...}}
//   openmetrics  gauges with a host label, one family per kind of count:
//          --by state   netsnap_sockets{host,proto="tcp",state="TIME_WAIT"} for the TCP
//                       states, netsnap_sockets{host,proto="udp"|"unix"} for the UDP (and
//                       UDP-Lite) and UNIX totals, netsnap_queued_bytes{host,queue="recv"|
//                       "send"} (unit bytes) for the Recv-Q / Send-Q byte totals
//          --by proto   netsnap_sockets_by_proto{host,proto="tcp6"}
//          --by local-port, remote, program
//                       netsnap_sockets_by_local_port{host,local_port="22/tcp"},
//                       netsnap_sockets_by_remote{host,remote="192.0.2.7"},
//                       netsnap_sockets_by_program{host,program="nginx"} ("other" sums the
//                       values beyond --top)
//          Each grouping has its own family, so that two exports of one host into one store
//          never add up the same sockets twice under one metric name.
//
// The counts are buffered, not the sockets: compute_timeline keeps one row of a few numbers
// per snapshot (a day at 1 s with --by state: 86,400 x 14 values, 10 MB), which lets the
// OpenMetrics writer emit each series whole, as the format requires, after a single replay.
#pragma once

#include <ostream>

#include "export_request.h"
#include "netsnap/recording_reader.h"
#include "recording_time_zone.h"

namespace netsnap::analysis {

Status export_timeline(Timeline& timeline, const RecordingTimeZone& zone,
                       const ExportRequest& request, std::ostream& out);

}  // namespace netsnap::analysis
