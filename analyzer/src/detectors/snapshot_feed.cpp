#include "detectors/snapshot_feed.h"

#include <algorithm>

namespace netsnap::analysis::detectors {
namespace {

constexpr std::string_view port_range_setting = "net.ipv4.ip_local_port_range";
constexpr std::string_view tw_buckets_setting = "net.ipv4.tcp_max_tw_buckets";

// Applies one setting; true when it changes how sockets are grouped (a full recount).
bool apply_setting(HostSettings& settings, const Setting& setting) {
  if (setting.name == port_range_setting) {
    const std::optional<PortRange> range = parse_port_range(setting.value);
    if (!range) return false;
    const bool moved = range->low != settings.port_range.low || range->high != settings.port_range.high;
    settings.port_range = *range;
    settings.port_range_recorded = true;
    return moved;
  }
  if (setting.name == tw_buckets_setting) settings.max_tw_buckets = parse_integer_setting(setting.value);
  return false;
}

// The fields detectors read; a step that changed only others (tcp_info, timer countdowns)
// is not worth an event.
bool relevant_change(const Socket& a, const Socket& b) {
  return a.state != b.state || a.recv_q != b.recv_q || a.send_q != b.send_q ||
         a.owners != b.owners || a.timer != b.timer || a.retransmits != b.retransmits ||
         a.inode != b.inode;
}

}  // namespace

const Process* ProcessLookup::find(int32_t pid) {
  if (!snapshot_ || pid <= 0) return nullptr;
  if (!built_) index_.rebuild(snapshot_->processes), built_ = true;
  return index_.find(pid);
}

std::string program_name(const Process& process) {
  const std::string_view name = netstat_program_name(process);
  return name.empty() ? process.comm : std::string(name);
}

FeedSummary SnapshotFeed::run(Timeline& timeline, size_t first_entry, size_t last_entry,
                              BucketClock& clock, KernelCounterFeed& counters,
                              FeedListener& listener) {
  FeedSummary summary;
  const auto& entries = timeline.entries();
  if (entries.empty() || first_entry >= entries.size() || first_entry > last_entry) return summary;
  last_entry = std::min(last_entry, entries.size() - 1);
  const auto& files = timeline.files();
  summary.interval_ns = files.front().header.options.interval_ns;
  summary.owners_recorded = false;
  HostSettings settings;
  settings.port_range = assumed_port_range_;
  ProcessLookup processes;
  size_t current_file = SIZE_MAX;
  int64_t previous_wall = 0;

  Cursor cursor = timeline.cursor(first_entry, CursorMode::changes_only);
  while (cursor.next() && cursor.entry_index() <= last_entry) {
    const Snapshot& snapshot = cursor.current();
    const SnapshotChanges& changes = cursor.changes();
    const Moment moment = clock.advance(cursor.entry_index(), snapshot.wall_ns);
    bool regroup = false;
    const size_t file = entries[cursor.entry_index()].file;
    if (file != current_file) {  // each file's header carries that recorder run's settings
      current_file = file;
      const FileHeader& header = files[file].header;
      for (const Setting& s : header.settings) regroup |= apply_setting(settings, s);
      summary.owners_recorded |= header.options.owners;
      summary.owners_complete &= header.owners_complete;
      if (moment.ordinal == 0) regroup = false;
    }
    for (const Setting& s : snapshot.settings_changed) regroup |= apply_setting(settings, s);
    counters.observe(snapshot, moment);
    processes.set_snapshot(&snapshot);
    summary.owners_seen |= !snapshot.processes.empty();
    summary.proc_source |= snapshot.source == CaptureSource::proc;
    if (moment.ordinal > 0) {
      const int64_t step = snapshot.wall_ns - previous_wall;
      if (summary.interval_ns > 0 && step * 2 > summary.interval_ns * 3) {
        ++summary.gaps;
        summary.longest_gap_ns = std::max(summary.longest_gap_ns, step);
      }
    }
    previous_wall = snapshot.wall_ns;

    const FeedContext context{clock,     moment, snapshot, settings, counters, processes,
                              summary.owners_recorded,
                              summary.owners_recorded && summary.owners_complete};
    const bool full = !changes.has_previous || !changes.namespaces_gone.empty() || regroup;
    listener.begin_snapshot(context, full);
    if (full) {
      ++summary.full_recounts;
      listener.reset(context);
      for (const Namespace& ns : snapshot.namespaces) {
        if (!summary.netns_names.contains(ns.inode)) summary.netns_names.emplace(ns.inode, ns.name);
        for (const Socket& s : ns.sockets)
          if (is_inet_tcp(s)) listener.added(context, ns.inode, s);
      }
    } else {
      for (size_t n = 0; n < changes.namespaces.size(); ++n) {
        const NamespaceChanges& ns = changes.namespaces[n];
        const std::vector<Socket>& sockets = snapshot.namespaces[n].sockets;
        if (ns.is_new) summary.netns_names.emplace(ns.inode, snapshot.namespaces[n].name);
        summary.socket_changes += ns.closed.size() + ns.opened.size() + ns.changed.size();
        for (const Socket& s : ns.closed_sockets)
          if (is_inet_tcp(s)) listener.removed(context, ns.inode, s);
        for (size_t i = 0; i < ns.changed.size() && i < ns.changed_before.size(); ++i) {
          const Socket& before = ns.changed_before[i];
          const Socket& after = sockets[ns.changed[i].second];
          if (is_inet_tcp(after) && relevant_change(before, after))
            listener.changed(context, ns.inode, before, after);
        }
        for (uint32_t index : ns.opened)
          if (is_inet_tcp(sockets[index])) listener.added(context, ns.inode, sockets[index]);
      }
    }
    listener.end_snapshot(context);
    ++summary.snapshots;
  }
  summary.namespaces_seen = summary.netns_names.size();
  summary.settings = settings;
  return summary;
}

}  // namespace netsnap::analysis::detectors
