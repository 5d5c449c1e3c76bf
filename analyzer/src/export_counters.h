// `export --what counters`: every kernel counter of every snapshot in the window (the tables of
// /proc/net/netstat, snmp, snmp6, sockstat, sockstat6 and /proc/sys/fs/file-nr as the recorder
// kept them), raw cumulative values: a reset (a reboot between files) shows as a drop, which
// Prometheus-style stores handle themselves (rate() and increase() treat it as a reset).
//
//   csv    time,wall_ns,table,counter,value - one row per counter per snapshot ("long" form:
//          the set of counters differs between kernels, so no fixed column list exists
//          before the whole window was read)
//   jsonl  one object per snapshot:
//          {"time":"...","wall_ns":N,"counters":{"TcpExt":{"SyncookiesSent":0,...},...}}
//   openmetrics
//          netsnap_kernel_counter_total{host="...",table="TcpExt",counter="ListenOverflows"}
//          (type counter) and netsnap_kernel_gauge{host,table,counter} (type gauge) for the
//          values that are levels (is_kernel_gauge): sockstat's "tw", file-nr, CurrEstab...
// csv and jsonl stream; OpenMetrics buffers the counters compactly (export_counter_series.h).
#pragma once

#include <ostream>

#include "export_request.h"
#include "netsnap/recording_reader.h"
#include "recording_time_zone.h"
#include "snapshot_selection.h"

namespace netsnap::analysis {

Status export_counters(Timeline& timeline, const RecordingTimeZone& zone,
                       const SnapshotRange& range, const ExportRequest& request, std::ostream& out);

}  // namespace netsnap::analysis
