#include "export_sockets.h"

#include <string>
#include <vector>

#include "field_writers.h"
#include "namespace_selection.h"
#include "netstat_table.h"
#include "recording_lookups.h"
#include "socket_export_fields.h"

namespace netsnap::analysis {

Status export_sockets(Timeline& timeline, const RecordingTimeZone& zone, const SnapshotRange& range,
                      const ExportRequest& request, std::ostream& out) {
  if (request.format == ExportFormat::openmetrics)
    return Error{"--what sockets has no OpenMetrics form"};  // check_export_request explains
  NetstatOptions every_socket;
  every_socket.all = true;  // no kind given: every kind; -a: listeners and the rest
  const std::vector<FieldSpec> fields = timed_socket_field_specs();
  FieldValues values(fields.size());
  RecordingUsers users(timeline);
  std::vector<const Socket*> rows;
  ProcessIndex processes;  // rebuilt per snapshot, its memory reused
  std::string text;        // one snapshot's output, written at once
  if (request.format == ExportFormat::csv) append_csv_header(text, fields);

  if (request.progress) request.progress->start(range.last - range.first + 1);
  NamespaceCursor cursor(timeline.cursor(range.first, CursorMode::changes_only),
                         request.namespaces);
  bool first = true;
  while (cursor.next() && cursor.entry_index() <= range.last) {
    const Snapshot& snapshot = cursor.current();
    // Users added by snapshots before the window are needed for its first one.
    if (first && !users.knows_every_uid_of(snapshot))
      users.replay_up_to(timeline, cursor.entry_index());
    first = false;
    users.add(snapshot);
    processes.rebuild(snapshot.processes);
    values.set_text(0, zone.format_iso(snapshot.wall_ns));
    for (const NetstatSection section : {NetstatSection::inet, NetstatSection::unix_sockets}) {
      collect_netstat_rows(snapshot, every_socket, section, rows);
      for (const Socket* socket : rows) {
        const Namespace* ns = namespace_of(snapshot, socket);
        fill_socket_fields(*socket, ns ? ns->inode : 0, ns ? ns->name : "", processes,
                           users.names(), 1, values);
        if (request.format == ExportFormat::csv) {
          append_csv_row(text, values);
        } else {
          append_json_object(text, fields, values);
          text.push_back('\n');
        }
      }
    }
    out << text;
    text.clear();
    if (request.progress) request.progress->advance();
  }
  out << text;  // the CSV header of an empty window
  return ok_status();
}

}  // namespace netsnap::analysis
