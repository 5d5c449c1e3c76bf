#include "diff_command.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "netstat_table.h"
#include "recording_lookups.h"
#include "snapshot_diff.h"
#include "snapshot_selection.h"
#include "socket_export_fields.h"
#include "socket_text.h"

namespace netsnap::analysis {
namespace {

constexpr NetstatSection sections_in_order[] = {NetstatSection::inet, NetstatSection::unix_sockets};

// The diff's rows after netstat's selection and the filters, by section, in netstat's order.
struct DiffRows {
  struct Section {
    std::vector<SocketAt> closed, opened;
    std::vector<std::pair<SocketAt, SocketAt>> changed;
    bool empty() const { return closed.empty() && opened.empty() && changed.empty(); }
  };
  Section inet, unix_sockets;
  Section& of(NetstatSection section) {
    return section == NetstatSection::inet ? inet : unix_sockets;
  }
  // The rows of one namespace, in the same order.
  DiffRows of_namespace(uint64_t netns) const {
    DiffRows part;
    for (const NetstatSection section : {NetstatSection::inet, NetstatSection::unix_sockets}) {
      const Section& all = section == NetstatSection::inet ? inet : unix_sockets;
      Section& out = part.of(section);
      for (const SocketAt& at : all.closed)
        if (at.netns == netns) out.closed.push_back(at);
      for (const SocketAt& at : all.opened)
        if (at.netns == netns) out.opened.push_back(at);
      for (const auto& pair : all.changed)
        if (pair.second.netns == netns) out.changed.push_back(pair);
    }
    return part;
  }
};

// Every namespace of either snapshot, `to`'s first (in its order), then those only `from` had.
std::vector<const Namespace*> namespaces_of_both(const Snapshot& from, const Snapshot& to) {
  std::vector<const Namespace*> all;
  for (const Namespace& ns : to.namespaces) all.push_back(&ns);
  for (const Namespace& ns : from.namespaces) {
    const bool known = std::any_of(all.begin(), all.end(),
                                   [&](const Namespace* n) { return n->inode == ns.inode; });
    if (!known) all.push_back(&ns);
  }
  return all;
}

// The label of the namespace `inode` in either snapshot ("" when it has none).
std::string_view namespace_name_in(const Snapshot& from, const Snapshot& to, uint64_t inode) {
  for (const Snapshot* snapshot : {&to, &from})
    for (const Namespace& ns : snapshot->namespaces)
      if (ns.inode == inode) return ns.name;
  return {};
}

void append_sections(const DiffRows& rows, NetstatRowFormatter& from_rows,
                     NetstatRowFormatter& to_rows, std::string& out);

DiffRows select_rows(const Snapshot& from, const Snapshot& to, const SnapshotDiff& diff,
                     const DiffRequest& request) {
  const ProcessIndex from_index(from.processes), to_index(to.processes);
  std::unordered_map<const Socket*, SocketAt> closed, opened;
  std::unordered_map<const Socket*, std::pair<SocketAt, SocketAt>> changed;
  for (const SocketAt& at : diff.closed) closed.emplace(at.socket, at);
  for (const SocketAt& at : diff.opened) opened.emplace(at.socket, at);
  for (const auto& pair : diff.changed) changed.emplace(pair.second.socket, pair);

  DiffRows rows;
  std::vector<const Socket*> order;
  for (const NetstatSection section : sections_in_order) {
    DiffRows::Section& out = rows.of(section);
    collect_netstat_rows(from, request.netstat, section, order);
    for (const Socket* socket : order) {
      const auto it = closed.find(socket);
      if (it != closed.end() && request.filter.matches(*socket, from_index)) {
        out.closed.push_back(it->second);
      }
    }
    collect_netstat_rows(to, request.netstat, section, order);
    for (const Socket* socket : order) {
      if (!request.filter.matches(*socket, to_index)) continue;
      if (const auto it = opened.find(socket); it != opened.end()) out.opened.push_back(it->second);
    }
    for (const Socket* socket : order) {
      if (!request.filter.matches(*socket, to_index)) continue;
      if (const auto it = changed.find(socket); it != changed.end())
        out.changed.push_back(it->second);
    }
  }
  return rows;
}

std::string_view state_text(const Socket& socket, std::string& number) {
  if (socket.protocol == Protocol::raw) {
    number.clear();
    append_decimal(number, socket.state);
    return number;
  }
  const std::string_view word = socket.protocol == Protocol::tcp ? tcp_state_name(socket.state)
                                : socket.protocol == Protocol::unix_
                                    ? unix_state_name(socket.state, socket.unix_flags)
                                    : udp_state_name(socket.state);
  return word.empty() ? "(blank)" : word;
}

// "    Recv-Q 0 -> 5, State ESTABLISHED -> CLOSE_WAIT": what changed (a UNIX row has no queue
// columns, so this line is where its queue changes show).
void append_change_line(const Socket& before, const Socket& after, std::string& out) {
  out.append("   ");
  const char* separator = " ";
  const auto number_change = [&](const char* name, uint32_t was, uint32_t is) {
    if (was == is) return;
    out.append(separator).append(name).push_back(' ');
    append_decimal(out, was);
    out.append(" -> ");
    append_decimal(out, is);
    separator = ", ";
  };
  number_change("Recv-Q", before.recv_q, after.recv_q);
  number_change("Send-Q", before.send_q, after.send_q);
  if (before.state != after.state) {
    std::string was_number, is_number;
    out.append(separator).append("State ");
    out.append(state_text(before, was_number)).append(" -> ").append(state_text(after, is_number));
  }
  out.push_back('\n');
}

std::string render_text(const Snapshot& from, const Snapshot& to, const DiffRows& rows,
                        const DiffRequest& request, const RecordingTimeZone& zone,
                        const NetstatLookups& lookups) {
  size_t opened = 0, closed = 0, changed = 0;
  for (const DiffRows::Section* section : {&rows.inet, &rows.unix_sockets}) {
    opened += section->opened.size();
    closed += section->closed.size();
    changed += section->changed.size();
  }
  std::string out = "Changes from " + zone.format(from.wall_ns) + " to " + zone.format(to.wall_ns) +
                    ": " + std::to_string(opened) + " opened, " + std::to_string(closed) +
                    " closed, " + std::to_string(changed) + " changed\n";
  NetstatRowFormatter from_rows(from, request.netstat, lookups);
  NetstatRowFormatter to_rows(to, request.netstat, lookups);
  const std::vector<const Namespace*> namespaces = namespaces_of_both(from, to);
  if (namespaces.size() <= 1) {
    append_sections(rows, from_rows, to_rows, out);
    return out;
  }
  for (const Namespace* ns : namespaces) {
    const DiffRows part = rows.of_namespace(ns->inode);
    if (part.inet.empty() && part.unix_sockets.empty()) continue;
    append_namespace_title(*ns, out);
    append_sections(part, from_rows, to_rows, out);
  }
  return out;
}

// The netstat sections of `rows`, each row behind its marker.
void append_sections(const DiffRows& rows, NetstatRowFormatter& from_rows,
                     NetstatRowFormatter& to_rows, std::string& out) {
  std::string heading;
  for (const NetstatSection section : sections_in_order) {
    const DiffRows::Section& part = section == NetstatSection::inet ? rows.inet : rows.unix_sockets;
    if (part.empty()) continue;
    heading.clear();
    to_rows.append_heading(section, heading);
    // The title as is; the column header indented to sit over the rows behind their marker.
    const size_t title_end = heading.find('\n') + 1;
    out.append(heading, 0, title_end);
    out.append("  ");
    out.append(heading, title_end, std::string::npos);
    for (const SocketAt& at : part.closed) {
      out.append("- ");
      from_rows.append_row(*at.socket, out);
    }
    for (const SocketAt& at : part.opened) {
      out.append("+ ");
      to_rows.append_row(*at.socket, out);
    }
    for (const auto& [before, after] : part.changed) {
      out.append("~ ");
      to_rows.append_row(*after.socket, out);
      append_change_line(*before.socket, *after.socket, out);
    }
  }
}

void append_snapshot_json(std::string& out, const Snapshot& snapshot,
                          const RecordingTimeZone& zone) {
  out.append("{\"time\":");
  append_json_string(out, zone.format_iso(snapshot.wall_ns));
  out.append(",\"wall_ns\":" + std::to_string(snapshot.wall_ns));
  out.append(",\"seq\":" + std::to_string(snapshot.seq) + "}");
}

std::string render_json(const Snapshot& from, const Snapshot& to, const DiffRows& rows,
                        const RecordingTimeZone& zone, const UidNames& users) {
  const ProcessIndex from_index(from.processes), to_index(to.processes);
  const auto& specs = socket_field_specs();
  FieldValues values(specs.size());
  const auto socket_object = [&](std::string& out, const SocketAt& at, const ProcessIndex& index) {
    fill_socket_fields(*at.socket, at.netns, namespace_name_in(from, to, at.netns), index, users, 0,
                       values);
    append_json_object(out, specs, values);
  };
  std::string out = "{\"from\":";
  append_snapshot_json(out, from, zone);
  out.append(",\"to\":");
  append_snapshot_json(out, to, zone);
  const auto list = [&](const char* name, auto&& each_section) {
    out.append(",\n\"").append(name).append("\":[");
    bool first = true;
    for (const DiffRows::Section* section : {&rows.inet, &rows.unix_sockets}) {
      each_section(*section, [&] {
        out.append(first ? "\n" : ",\n");
        first = false;
      });
    }
    out.append(first ? "]" : "\n]");
  };
  list("opened", [&](const DiffRows::Section& section, auto&& separator) {
    for (const SocketAt& at : section.opened) separator(), socket_object(out, at, to_index);
  });
  list("closed", [&](const DiffRows::Section& section, auto&& separator) {
    for (const SocketAt& at : section.closed) separator(), socket_object(out, at, from_index);
  });
  list("changed", [&](const DiffRows::Section& section, auto&& separator) {
    for (const auto& [before, after] : section.changed) {
      separator();
      out.append("{\"before\":");
      socket_object(out, before, from_index);
      out.append(",\"after\":");
      socket_object(out, after, to_index);
      out.push_back('}');
    }
  });
  out.append("}\n");
  return out;
}

}  // namespace

Status run_diff(Timeline& timeline, const DiffRequest& request, std::ostream& out) {
  if (Status known = check_namespace_selection(timeline, request.namespaces); !known) return known;
  const RecordingTimeZone zone(timeline.header(), request.utc);
  auto from_index = resolve_time_within(timeline, zone, "--from", request.from);
  if (!from_index) return from_index.error();
  auto to_index = resolve_time_within(timeline, zone, "--to", request.to);
  if (!to_index) return to_index.error();
  if (*from_index > *to_index) {
    return Error{"--from is later than --to (" +
                 zone.format(timeline.entries()[*from_index].wall_ns) + " after " +
                 zone.format(timeline.entries()[*to_index].wall_ns) + ")"};
  }
  size_t from_used = 0, to_used = 0;
  auto from = read_latest_readable(timeline, *from_index, from_used);
  if (!from) return from.error();
  auto to = read_latest_readable(timeline, *to_index, to_used);
  if (!to) return to.error();
  keep_selected_namespaces(*from, request.namespaces);
  keep_selected_namespaces(*to, request.namespaces);

  bool fallback = false;
  const ServiceNames services = service_names_for(timeline.header(), fallback);
  RecordingUsers users(timeline);
  users.add(*from);
  users.add(*to);
  const bool shows_users = request.format == OutputFormat::json ||
                           (request.netstat.extend && !request.netstat.numeric_users);
  if (shows_users && (!users.knows_every_uid_of(*from) || !users.knows_every_uid_of(*to))) {
    users.replay_up_to(timeline, to_used);
    users.add(*to);
  }
  HostNames hosts;
  const NetstatLookups lookups{&services, &users.names(), timeline.header().clock_ticks_per_second,
                               request.resolve ? &hosts : nullptr};

  const auto& files = timeline.files();
  const auto& entries = timeline.entries();
  const bool same_boot =
      files[entries[from_used].file].header.boot_id == files[entries[to_used].file].header.boot_id;
  const SnapshotDiff diff = diff_snapshots(*from, *to, same_boot);
  const DiffRows rows = select_rows(*from, *to, diff, request);
  if (request.format == OutputFormat::json) {
    out << render_json(*from, *to, rows, zone, users.names());
  } else {
    out << render_text(*from, *to, rows, request, zone, lookups);
  }
  return ok_status();
}

}  // namespace netsnap::analysis
