#include "table_command.h"

#include "netstat_table.h"
#include "recording_lookups.h"
#include "socket_export_fields.h"
#include "text_escape.h"

namespace netsnap::analysis {
namespace {

// Writes snapshots in the requested format; one instance per command run.
class TableWriter {
 public:
  TableWriter(const TableRequest& request, const RecordingTimeZone& zone,
              const NetstatLookups& lookups, std::ostream& out)
      : request_(request), zone_(zone), lookups_(lookups), out_(out) {}

  void write(const Snapshot& snapshot, bool with_time_line) {
    text_.clear();
    switch (request_.format) {
      case OutputFormat::text: write_text(snapshot, with_time_line); break;
      case OutputFormat::csv: write_csv(snapshot); break;
      case OutputFormat::json: write_json(snapshot); break;
    }
    out_ << text_;
  }

  void finish() {
    text_.clear();
    if (request_.format == OutputFormat::json) {
      text_.append(snapshots_written_ == 0 ? "{\"snapshots\":[\n]}\n" : "\n]}\n");
    }
    if (request_.format == OutputFormat::csv && snapshots_written_ == 0) {
      append_csv_header(text_, csv_specs_);
    }
    out_ << text_;
  }

 private:
  // The rows netstat would print with the flags, in its order, minus what the filters drop;
  // `only`: of that namespace alone.
  void collect_rows(const Snapshot& snapshot, NetstatSection section, const ProcessIndex& index,
                    const Namespace* only = nullptr) {
    collect_netstat_rows(snapshot, request_.netstat, section, rows_, only);
    if (request_.filter.empty()) return;
    std::erase_if(rows_, [&](const Socket* s) { return !request_.filter.matches(*s, index); });
  }

  void write_text(const Snapshot& snapshot, bool with_time_line) {
    if (with_time_line) {
      text_.append(snapshot_time_line(zone_, snapshot.wall_ns));
      text_.push_back('\n');
    }
    NetstatRowFormatter formatter(snapshot, request_.netstat, lookups_);
    const ProcessIndex index = filter_index(snapshot);
    if (snapshot.namespaces.size() <= 1) {
      write_text_sections(snapshot, formatter, index, nullptr);
    } else {
      // One table per namespace: netstat shows one namespace, so each keeps netstat's form.
      for (const Namespace& ns : snapshot.namespaces) {
        append_namespace_title(ns, text_);
        write_text_sections(snapshot, formatter, index, &ns);
      }
    }
    ++snapshots_written_;
  }

  void write_text_sections(const Snapshot& snapshot, NetstatRowFormatter& formatter,
                           const ProcessIndex& index, const Namespace* only) {
    for (const NetstatSection section : {NetstatSection::inet, NetstatSection::unix_sockets}) {
      const bool printed = section == NetstatSection::inet ? formatter.sections().inet
                                                           : formatter.sections().unix_sockets;
      if (!printed) continue;
      formatter.append_heading(section, text_);
      collect_rows(snapshot, section, index, only);
      for (const Socket* socket : rows_) formatter.append_row(*socket, text_);
    }
  }

  void write_csv(const Snapshot& snapshot) {
    if (snapshots_written_++ == 0) append_csv_header(text_, csv_specs_);
    values_.resize(csv_specs_.size());
    values_.set_text(0, zone_.format_iso(snapshot.wall_ns));
    for_each_row(
        snapshot, [&](const Socket& socket, const Namespace& netns, const ProcessIndex& index) {
          fill_socket_fields(socket, netns.inode, netns.name, index, *lookups_.users, 1, values_);
          append_csv_row(text_, values_);
        });
  }

  void write_json(const Snapshot& snapshot) {
    text_.append(snapshots_written_++ == 0 ? "{\"snapshots\":[\n" : ",\n");
    text_.append("{\"time\":");
    append_json_string(text_, zone_.format_iso(snapshot.wall_ns));
    text_.append(",\"wall_ns\":");
    text_.append(std::to_string(snapshot.wall_ns));
    text_.append(",\"seq\":");
    text_.append(std::to_string(snapshot.seq));
    text_.append(",\"sockets\":[");
    const auto& specs = socket_field_specs();
    values_.resize(specs.size());
    bool first = true;
    for_each_row(
        snapshot, [&](const Socket& socket, const Namespace& netns, const ProcessIndex& index) {
          text_.append(first ? "\n" : ",\n");
          first = false;
          fill_socket_fields(socket, netns.inode, netns.name, index, *lookups_.users, 0, values_);
          append_json_object(text_, specs, values_);
        });
    text_.append(first ? "]}" : "\n]}");
  }

  // Calls visit(socket, its namespace, process index) for each row of both sections.
  template <class Visit>
  void for_each_row(const Snapshot& snapshot, Visit&& visit) {
    const ProcessIndex index(snapshot.processes);
    for (const NetstatSection section : {NetstatSection::inet, NetstatSection::unix_sockets}) {
      collect_rows(snapshot, section, index);
      for (const Socket* socket : rows_) {
        const Namespace* ns = namespace_of(snapshot, socket);
        visit(*socket, ns ? *ns : no_namespace_, index);
      }
    }
  }

  // The process index the filters need (empty when they do not look at programs).
  ProcessIndex filter_index(const Snapshot& snapshot) const {
    return request_.filter.uses_programs() ? ProcessIndex(snapshot.processes) : ProcessIndex();
  }

  const TableRequest& request_;
  const RecordingTimeZone& zone_;
  const NetstatLookups& lookups_;
  std::ostream& out_;
  std::string text_;  // one snapshot's output, written out at once
  std::vector<const Socket*> rows_;
  FieldValues values_;
  const std::vector<FieldSpec> csv_specs_ = timed_socket_field_specs();
  size_t snapshots_written_ = 0;
  const Namespace no_namespace_;  // inode 0, no label: for a row outside every namespace
};

// Whether the output shows user names, so that the uid map must be complete.
bool shows_user_names(const TableRequest& request) {
  if (request.format != OutputFormat::text) return true;
  return request.netstat.extend && !request.netstat.numeric_users;
}

}  // namespace

std::string snapshot_time_line(const RecordingTimeZone& zone, int64_t wall_ns) {
  return "Snapshot at " + zone.format(wall_ns);
}

Status run_table(Timeline& timeline, const TableRequest& request, std::ostream& out) {
  if (Status known = check_namespace_selection(timeline, request.namespaces); !known) return known;
  const RecordingTimeZone zone(timeline.header(), request.utc);
  auto range =
      resolve_selection(timeline, zone, request.selection, DefaultSelection::last_snapshot);
  if (!range) return range.error();

  bool fallback = false;
  const ServiceNames services = service_names_for(timeline.header(), fallback);
  RecordingUsers users(timeline);
  HostNames hosts;
  const NetstatLookups lookups{&services, &users.names(), timeline.header().clock_ticks_per_second,
                               request.resolve ? &hosts : nullptr};
  TableWriter writer(request, zone, lookups, out);
  const bool needs_users = shows_user_names(request);

  if (!range->is_sequence) {
    size_t used = 0;
    auto snapshot = read_latest_readable(timeline, range->first, used);
    if (!snapshot) return snapshot.error();
    keep_selected_namespaces(*snapshot, request.namespaces);
    users.add(*snapshot);
    // Users first seen between the header and this snapshot live in the snapshots between.
    if (needs_users && !users.knows_every_uid_of(*snapshot)) {
      users.replay_up_to(timeline, used);
      users.add(*snapshot);
    }
    writer.write(*snapshot, false);
    writer.finish();
    return ok_status();
  }

  NamespaceCursor cursor(timeline.cursor(range->first, CursorMode::changes_only),
                         request.namespaces);
  bool first = true;
  if (request.progress) request.progress->start(range->last - range->first + 1);
  while (cursor.next() && cursor.entry_index() <= range->last) {
    if (request.progress) request.progress->advance();
    const Snapshot& snapshot = cursor.current();
    if (first && needs_users && !users.knows_every_uid_of(snapshot)) {
      users.replay_up_to(timeline, cursor.entry_index());
    }
    first = false;
    users.add(snapshot);
    writer.write(snapshot, true);
  }
  if (request.progress) request.progress->finish();
  writer.finish();
  return ok_status();
}

}  // namespace netsnap::analysis
