#include "snapshot_sampler.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "host_identity.h"
#include "signal_watcher.h"

namespace netsnap {
namespace {

SocketCaptureOptions capture_options(const CaptureOptions& o) {
  SocketCaptureOptions c;
  c.tcp = o.tcp;
  c.udp = o.udp;
  c.raw = o.raw;
  c.unix_ = o.unix_;
  c.tcp_info = o.tcp_info;
  c.source = o.requested_source;
  return c;
}

uint64_t own_netns_inode() {
  struct stat st {};
  return ::stat("/proc/self/ns/net", &st) == 0 ? st.st_ino : 0;
}

}  // namespace

SnapshotSampler::SnapshotSampler(const CaptureOptions& options, std::string netns_name)
    : options_(options),
      capture_(capture_options(options)),
      netns_name_(std::move(netns_name)),
      netns_inode_(own_netns_inode()) {
  if (options_.all_netns) {
    all_netns_ = std::make_unique<AllNetnsCapture>(capture_options(options_), discovery_.proc_root(),
                                                   discovery_.named_dir());
    if (Status entered = all_netns_->probe(); !entered) {
      all_netns_.reset();
      own_netns_only_reason_ = entered.error().message;
      open_errors_.push_back(
          {"netns", "cannot enter other network namespaces (" + own_netns_only_reason_ +
                        "; needs CAP_SYS_ADMIN): only the recorder's own namespace is recorded"});
      // Labelled as it would have been among the others.
      discovery_.find(found_);
      for (const FoundNetns& ns : found_)
        if (ns.inode == netns_inode_) netns_name_ = ns.label;
    }
  }
  if (!all_netns_) capture_.open(open_errors_);
  settings_reader_.read(settings_, open_errors_);
  owners_complete_ = this_process_may_read_every_fd_table("/proc");
}

FileHeader SnapshotSampler::header() {
  FileHeader h;
  std::vector<CaptureError> ignored;  // what is missing stays empty in the header
  fill_file_header_host(read_host_identity(host_identity_sources_from_environment(), ignored), h);
  h.recorder_version = NETSNAP_VERSION;
  h.options = options_;
  h.source = source();
  h.settings = settings_;
  h.users = users_.all();
  h.owners_complete = owners_complete_;
  h.own_netns_only = !own_netns_only_reason_.empty();
  h.started_wall_ns = realtime_ns();
  h.clock_ticks_per_second = static_cast<uint32_t>(sysconf(_SC_CLK_TCK));
  return h;
}

void SnapshotSampler::sample(Snapshot& out) {
  out.wall_ns = realtime_ns();
  out.mono_ns = monotonic_ns();
  out.source = capture_.source_used();
  out.errors = std::move(open_errors_);
  open_errors_.clear();
  out.settings_changed.clear();
  out.users_added.clear();
  if (all_netns_) {
    discovery_.find(found_);
    all_netns_->capture(found_, out.namespaces, out.errors);
    out.source = all_netns_->source_used();
  } else {
    capture_own_namespace(out);
  }
  find_owners(out);

  counters_.read(out.counters, out.errors);

  settings_reader_.read(settings_now_, out.errors);
  changed_kernel_settings(settings_, settings_now_, out.settings_changed);
  if (!out.settings_changed.empty()) std::swap(settings_, settings_now_);

  // Local, not kept between snapshots: 0.4 MB at 100,000 sockets that would be resident
  // while the writer encodes, the recorder's peak.
  std::vector<uint32_t> uids;
  uids.reserve(socket_count(out) + out.processes.size());
  for (const Namespace& ns : out.namespaces)
    for (const Socket& s : ns.sockets) uids.push_back(s.uid);
  for (const Process& p : out.processes) uids.push_back(p.uid);
  users_.resolve(uids, out.users_added);
  out.capture_ns = monotonic_ns() - out.mono_ns;
}

void SnapshotSampler::capture_own_namespace(Snapshot& out) {
  out.namespaces.resize(1);
  Namespace& ns = out.namespaces[0];
  ns.inode = netns_inode_;
  ns.name = netns_name_;
  capture_.capture(ns, out.errors);
}

void SnapshotSampler::find_owners(Snapshot& out) {
  if (!options_.owners) {
    out.processes.clear();
    return;
  }
  // One scan for every namespace: a socket's inode is unique on the whole host. Local, like
  // the owner map's lookup tables freed below: the writer's encoding, the recorder's peak
  // memory, comes after.
  {
    std::vector<uint64_t> inodes;
    inodes.reserve(socket_count(out));
    for (const Namespace& ns : out.namespaces)
      for (const Socket& s : ns.sockets)
        if (s.inode) inodes.push_back(s.inode);
    if (Status st = owners_.refresh(inodes); !st)
      out.errors.push_back({"owners", st.error().message});
  }
  for (Namespace& ns : out.namespaces) {
    std::vector<Socket>& sockets = ns.sockets;
    for (size_t i = 0; i < sockets.size(); ++i) {
      if (i + InodeIndex::lookahead < sockets.size())
        owners_.prefetch_owners(sockets[i + InodeIndex::lookahead].inode);
      auto pids = owners_.owners_of(sockets[i].inode);
      sockets[i].owners.assign(pids.begin(), pids.end());
    }
  }
  owners_.release_owner_lookup();
  out.processes = owners_.processes();
  if (!owners_.complete()) owners_complete_ = false;
}

}  // namespace netsnap
