#include "detectors/snapshot_feed.h"

#include <algorithm>

#include "detectors/feed_steps.h"

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

  // Decoding runs ahead on a second thread (feed_steps.h); this loop runs the listeners.
  FeedStepReader steps(timeline, first_entry, last_entry, namespaces_);
  while (const FeedStep* step = steps.next()) {
    const Snapshot& snapshot = step->meta;
    const Moment moment = clock.advance(step->entry_index, snapshot.wall_ns);
    bool regroup = false;
    const size_t file = entries[step->entry_index].file;
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
      const int64_t step_ns = snapshot.wall_ns - previous_wall;
      if (summary.interval_ns > 0 && step_ns * 2 > summary.interval_ns * 3) {
        ++summary.gaps;
        summary.longest_gap_ns = std::max(summary.longest_gap_ns, step_ns);
      }
    }
    previous_wall = snapshot.wall_ns;

    const FeedContext context{clock,     moment, snapshot, settings, counters, processes,
                              summary.owners_recorded,
                              summary.owners_recorded && summary.owners_complete};
    // with_all covers every case that can recount (feed_steps.h).
    const bool full = step->with_all && (!step->has_previous || step->namespaces_gone || regroup);
    listener.begin_snapshot(context, full);
    if (full) {
      ++summary.full_recounts;
      listener.reset(context);
      for (size_t n = 0; n < step->namespace_count; ++n) {
        const FeedNamespace& ns = step->namespaces[n];
        if (!summary.netns_names.contains(ns.inode)) summary.netns_names.emplace(ns.inode, ns.name);
        for (const Socket& s : ns.all) listener.added(context, ns.inode, s);
      }
    } else {
      for (size_t n = 0; n < step->namespace_count; ++n) {
        const FeedNamespace& ns = step->namespaces[n];
        const NamespaceChanges& changes = step->changes.namespaces[n];
        if (changes.is_new) summary.netns_names.emplace(ns.inode, ns.name);
        summary.socket_changes +=
            changes.closed.size() + changes.opened.size() + changes.changed.size();
        for (const Socket& s : changes.closed_sockets)
          if (is_inet_tcp(s)) listener.removed(context, ns.inode, s);
        for (size_t k = 0; k < ns.after.size(); ++k)
          listener.changed(context, ns.inode, changes.changed_before[ns.changed_index[k]],
                           ns.after[k]);
        for (const Socket& s : ns.opened) listener.added(context, ns.inode, s);
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
